import { describe, expect, it } from 'vitest';
import { seededRandom } from '@rtcstack/common';
import { ChunkType, SctpTransport, decodePacket, type AnyChunk, type DataChunk, type SackChunk } from '../src/index.ts';

/** Two transports wired by hand, so the test decides when each side reads and when it polls. */
function pair() {
  const a = new SctpTransport({ role: 'client', random: seededRandom(1) });
  const b = new SctpTransport({ role: 'server', random: seededRandom(2) });
  const drain = (t: SctpTransport): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let p; (p = t.pollOutput()); ) out.push(p);
    return out;
  };
  a.start(0);
  b.start(0);
  for (let i = 0; i < 10 && (a.state !== 'connected' || b.state !== 'connected'); i++) {
    for (const p of drain(a)) b.handleInput(0, p);
    for (const p of drain(b)) a.handleInput(0, p);
  }
  expect([a.state, b.state]).toEqual(['connected', 'connected']);
  const ca = a.createDataChannel('x', { negotiated: true, id: 0 });
  const cb = b.createDataChannel('x', { negotiated: true, id: 0 });
  const got: number[] = [];
  cb.onmessage = (e) => got.push((e.data as Uint8Array).length);
  return { a, b, ca, drain, got };
}

const chunksOf = (packets: Uint8Array[]): AnyChunk[] => packets.flatMap((p) => decodePacket(p).chunks);
const sacks = (packets: Uint8Array[]): SackChunk[] =>
  chunksOf(packets).filter((c): c is SackChunk => c.type === ChunkType.SACK && 'cumulativeTsnAck' in c);
const dataTsns = (packets: Uint8Array[]): number[] =>
  chunksOf(packets)
    .filter((c): c is DataChunk => c.type === ChunkType.DATA && 'tsn' in c)
    .map((c) => c.tsn);

describe('SACK timing at the SctpTransport (RFC 9260 §6.2)', () => {
  it('packets read one by one, each followed by a poll: a SACK for every second packet', () => {
    const { a, b, ca, drain, got } = pair();
    for (let i = 0; i < 4; i++) ca.send(new Uint8Array(1000)); // one DATA chunk per 1200-byte packet
    const burst = drain(a);
    expect(dataTsns(burst).length).toBe(4);
    const answers: Uint8Array[] = [];
    for (const p of burst) {
      b.handleInput(1, p);
      answers.push(...drain(b));
    }
    expect(got).toEqual([1000, 1000, 1000, 1000]);
    expect(sacks(answers).length).toBe(2);
  });

  it('a burst read before one poll: messages delivered on input, then one SACK that covers the whole burst', () => {
    const { a, b, ca, drain, got } = pair();
    for (let i = 0; i < 4; i++) ca.send(new Uint8Array(1000));
    const burst = drain(a);
    const tsns = dataTsns(burst);
    expect(tsns.length).toBe(4);
    for (const p of burst) b.handleInput(1, p);
    expect(got).toEqual([1000, 1000, 1000, 1000]); // delivery does not wait for the poll
    const s = sacks(drain(b));
    expect(s.length).toBe(1);
    expect(s[0].cumulativeTsnAck).toBe(tsns[3]);
  });
});
