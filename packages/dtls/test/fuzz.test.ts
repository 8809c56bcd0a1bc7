/**
 * handleInput never throws, whatever arrives: random datagrams and real handshake datagrams with
 * random bytes changed, fed to endpoints at every stage of the handshake (DESIGN.md: cores drop
 * and count bad input, never throw).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drain, pair, run } from './helpers.ts';

/** A real handshake's datagrams, in order, tagged with the side that sent them. */
function transcript(): { from: 'c' | 's'; data: Uint8Array }[] {
  const out: { from: 'c' | 's'; data: Uint8Array }[] = [];
  const { c, s } = pair();
  run(c, s, {
    filter: (from, d) => {
      out.push({ from, data: d.slice() });
      return d;
    },
  });
  return out;
}

describe('endpoints never throw on hostile input', () => {
  const real = transcript();
  it('random datagrams at a fresh server and a started client', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (ds) => {
        const { c, s } = pair();
        c.ep.start(0);
        for (const d of ds) {
          s.ep.handleInput(1, d);
          c.ep.handleInput(1, d);
        }
        drain(c);
        drain(s);
      }),
      { numRuns: 300 },
    );
  });
  it('a live handshake in which one datagram has random bytes changed', () => {
    fc.assert(
      fc.property(
        fc.nat(real.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (k, muts) => {
          const { c, s } = pair({ maxTransmissions: 3 }, { maxTransmissions: 3 });
          run(c, s, {
            filter: (_from, d, n) => {
              if (n !== k) return d;
              const m = d.slice();
              for (const [at, v] of muts) m[at % m.length] = v;
              return m;
            },
          });
          // Either the handshake survived the damage or it ended cleanly; never an exception.
          for (const x of [c, s]) expect(['connected', 'failed', 'handshaking']).toContain(x.ep.state);
          if (c.ep.state === 'connected' && s.ep.state === 'connected') {
            expect(Buffer.from(c.ep.exportKeyingMaterial('x', 8)).equals(Buffer.from(s.ep.exportKeyingMaterial('x', 8)))).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
