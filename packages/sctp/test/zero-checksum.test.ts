import { describe, expect, it } from 'vitest';
import { readChecksum, checksumValid, decodePacket, ParamType, ChunkType, type InitChunk } from '../src/index.ts';
import { makePair } from './harness.ts';

/** RFC 9653: zero checksums when SCTP runs over DTLS (whose MAC already protects each packet). */
describe('zero checksum over DTLS (RFC 9653)', () => {
  it('both sides offer it: INIT and COOKIE ECHO keep a real CRC32c, established traffic carries 0', () => {
    const { net, a, b } = makePair({ a: { zeroChecksum: true }, b: { zeroChecksum: true }, keepSent: true });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    a.assoc.send(net.now, 0, 53, new Uint8Array(3000).fill(1));
    net.runFor(1000);
    expect(b.messages.length).toBe(1);
    expect(a.assoc.zeroChecksumInUse && b.assoc.zeroChecksumInUse).toBe(true);
    const init = decodePacket(a.sent[0]).chunks[0] as InitChunk;
    expect(init.type).toBe(ChunkType.INIT);
    expect(init.params.some((p) => p.kind === 'raw' && p.type === ParamType.ZERO_CHECKSUM_ACCEPTABLE && p.value[3] === 1)).toBe(true);
    expect(checksumValid(a.sent[0])).toBe(true); // INIT
    expect(a.sent[1][12]).toBe(ChunkType.COOKIE_ECHO);
    expect(checksumValid(a.sent[1])).toBe(true); // COOKIE ECHO
    const data = a.sent.filter((p) => p[12] === ChunkType.DATA);
    expect(data.length).toBeGreaterThan(0);
    for (const p of data) expect(readChecksum(p)).toBe(0);
  });

  it('when only one side offers it, every packet keeps its CRC32c', () => {
    const { net, a, b } = makePair({ a: { zeroChecksum: true }, keepSent: true });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    a.assoc.send(net.now, 0, 53, new Uint8Array(100));
    b.assoc.send(net.now, 0, 53, new Uint8Array(100));
    net.runFor(1000);
    expect(a.assoc.zeroChecksumInUse).toBe(false);
    for (const p of [...a.sent, ...b.sent]) expect(checksumValid(p)).toBe(true);
    expect(b.messages.length).toBe(1);
  });

  it('a wrong non-zero checksum is still rejected when zero checksums are accepted', () => {
    const { net, a, b } = makePair({ a: { zeroChecksum: true }, b: { zeroChecksum: true }, keepSent: true });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    a.assoc.send(net.now, 0, 53, new Uint8Array(10));
    net.runFor(300);
    const pkt = a.sent.filter((p) => p[12] === ChunkType.DATA).at(-1)!.slice();
    pkt[8] = 0x12; // neither zero nor the CRC32c
    b.assoc.handleInput(net.now, pkt);
    expect(b.assoc.stats.badChecksum).toBe(1);
  });
});
