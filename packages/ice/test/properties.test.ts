import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { seededRandom, type Address } from '@rtcstack/common';
import { Method, attr, buildMessage, shortTermKey } from '@rtcstack/stun';
import { IceAgent, TurnClient, candidatePriority } from '../src/index.ts';

const A: Address = { address: '10.0.0.1', port: 5000 };
const B: Address = { address: '10.0.0.2', port: 6000 };

function agent(): IceAgent {
  const a = new IceAgent({ controlling: false, localUfrag: 'lufr', localPwd: 'lpwd-0123456789abcdefghij', random: seededRandom(1) });
  a.addLocalAddress(A);
  a.setRemoteCredentials('rufr', 'rpwd-0123456789abcdefghij');
  a.addRemoteCandidate('candidate:1 1 udp 2130706431 10.0.0.2 6000 typ host');
  a.gather(0);
  return a;
}

const goodCheck = buildMessage({
  class: 'request', method: Method.Binding, transactionId: new Uint8Array(12).fill(7),
  attributes: [attr('USERNAME', 'lufr:rufr'), attr('PRIORITY', candidatePriority(110, 65535, 1)), attr('ICE_CONTROLLING', 9n), attr('USE_CANDIDATE', true)],
  integrity: shortTermKey('lpwd-0123456789abcdefghij'), fingerprint: true,
});

describe('hostile input never escapes the agent', () => {
  test('random datagrams: no exception, the agent still answers a good check afterwards', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (datagrams) => {
        const a = agent();
        let t = 1;
        for (const d of datagrams) {
          a.handleInput(t++, { data: d, remote: B, local: A });
          a.handleTimeout(t++);
        }
        while (a.pollOutput());
        a.handleInput(t, { data: goodCheck, remote: B, local: A });
        const outs = [];
        for (let o = a.pollOutput(); o; o = a.pollOutput()) outs.push(o);
        expect(outs.some((o) => o.type === 'send')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  // Bytes 0..83 are the header, the attributes and MESSAGE-INTEGRITY itself; 84..91 is FINGERPRINT.
  // (Flipping FINGERPRINT's type byte turns it into an unknown optional attribute after
  // MESSAGE-INTEGRITY, which RFC 8489 §14.5 says to ignore: still a valid check.)
  const covered = goodCheck.length - 8;
  test('mutated checks (a byte under MESSAGE-INTEGRITY flipped, or truncated): no exception, never a success answer', () => {
    fc.assert(
      fc.property(fc.nat(covered - 1), fc.integer({ min: 1, max: 255 }), fc.boolean(), (at, x, truncate) => {
        const a = agent();
        while (a.pollOutput());
        const bad = truncate ? goodCheck.slice(0, at) : goodCheck.slice();
        if (!truncate) bad[at] ^= x;
        a.handleInput(1, { data: bad, remote: B, local: A });
        for (let o = a.pollOutput(); o; o = a.pollOutput()) {
          if (o.type === 'send') expect(o.data[0] === 0x01 && o.data[1] === 0x01).toBe(false); // no Binding success
        }
      }),
      { numRuns: 300 },
    );
  });

  test('random bytes from a TURN server: no exception', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 10 }), (datagrams) => {
        const c = new TurnClient({ server: B, username: 'u', password: 'p', random: seededRandom(2) });
        c.allocate(0);
        for (const d of datagrams) c.handleInput(1, d);
        while (c.pollOutput());
      }),
      { numRuns: 200 },
    );
  });
});
