import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isParseError } from '@rtcstack/common';
import {
  ChunkType,
  decodeDcep,
  decodePacket,
  encodeDcep,
  encodePacket,
  DcepType,
  SctpAssociation,
  TsnTracker,
  unwrapTsn,
  wireTsn,
  type Chunk,
} from '../src/index.ts';

const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.nat({ max: 0xffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

const chunkArb: fc.Arbitrary<Chunk> = fc.oneof(
  fc.record({ type: fc.constant(ChunkType.DATA), flags: fc.nat({ max: 15 }), tsn: u32, streamId: u16, ssn: u16, ppid: u32, userData: bytes(1, 64) }),
  fc.record({
    type: fc.constantFrom(ChunkType.INIT, ChunkType.INIT_ACK),
    initiateTag: u32,
    aRwnd: u32,
    outboundStreams: u16,
    inboundStreams: u16,
    initialTsn: u32,
    params: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('stateCookie' as const), cookie: bytes(0, 40) }),
        fc.constant({ kind: 'forwardTsnSupported' as const }),
        fc.record({ kind: fc.constant('supportedExtensions' as const), chunkTypes: fc.array(fc.nat({ max: 255 }), { maxLength: 6 }) }),
        fc.record({ kind: fc.constant('raw' as const), type: fc.constantFrom(5, 6, 0x8002, 0x8004, 0xe123), value: bytes(0, 20) }),
      ),
      { maxLength: 5 },
    ),
  }),
  fc.record({
    type: fc.constant(ChunkType.SACK),
    cumulativeTsnAck: u32,
    aRwnd: u32,
    gapBlocks: fc.array(fc.record({ start: u16, end: u16 }), { maxLength: 5 }),
    duplicateTsns: fc.array(u32, { maxLength: 5 }),
  }),
  fc.record({ type: fc.constantFrom(ChunkType.HEARTBEAT, ChunkType.HEARTBEAT_ACK), info: bytes(0, 30) }),
  fc.record({ type: fc.constant(ChunkType.ABORT), tBit: fc.boolean(), causes: fc.array(fc.record({ code: u16, value: bytes(0, 12) }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant(ChunkType.ERROR), causes: fc.array(fc.record({ code: u16, value: bytes(0, 12) }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant(ChunkType.SHUTDOWN), cumulativeTsnAck: u32 }),
  fc.record({ type: fc.constant(ChunkType.COOKIE_ECHO), cookie: bytes(0, 50) }),
  fc.record({ type: fc.constantFrom(ChunkType.SHUTDOWN_ACK, ChunkType.COOKIE_ACK, ChunkType.SHUTDOWN_COMPLETE), tBit: fc.boolean() }),
  fc.record({ type: fc.constant(ChunkType.FORWARD_TSN), newCumulativeTsn: u32, streams: fc.array(fc.record({ streamId: u16, ssn: u16 }), { maxLength: 4 }) }),
  fc.record({
    type: fc.constant(ChunkType.RE_CONFIG),
    params: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('outgoingSsnReset' as const), requestSeq: u32, responseSeq: u32, senderLastTsn: u32, streamIds: fc.array(u16, { maxLength: 4 }) }),
        fc.record({ kind: fc.constant('response' as const), responseSeq: u32, result: fc.nat({ max: 6 }) }),
        fc.record({ kind: fc.constant('incomingSsnReset' as const), requestSeq: u32, streamIds: fc.array(u16, { maxLength: 4 }) }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
) as fc.Arbitrary<Chunk>;

const packetArb = fc.record({ sourcePort: u16, destinationPort: u16, verificationTag: u32, chunks: fc.array(chunkArb, { maxLength: 4 }) });

describe('codec properties (fast-check)', () => {
  it('encode -> decode -> encode is the identity on bytes', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        const bytes1 = encodePacket(p);
        const bytes2 = encodePacket(decodePacket(bytes1));
        expect(Buffer.compare(bytes1, bytes2)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes only ever raise ParseError', () => {
    fc.assert(
      fc.property(bytes(0, 200), (b) => {
        try {
          decodePacket(b, false);
        } catch (e) {
          expect(isParseError(e)).toBe(true);
        }
        try {
          decodeDcep(b);
        } catch (e) {
          expect(isParseError(e)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid packets only ever raise ParseError, and an association survives them', () => {
    const a = new SctpAssociation();
    fc.assert(
      fc.property(packetArb, fc.nat(), fc.nat({ max: 255 }), (p, at, v) => {
        const b = encodePacket(p).slice();
        b[at % b.length] = v;
        try {
          decodePacket(b, false);
        } catch (e) {
          expect(isParseError(e)).toBe(true);
        }
        a.handleInput(0, b);
        while (a.pollOutput());
      }),
      { numRuns: 1000 },
    );
  });

  it('DCEP OPEN round-trips', () => {
    fc.assert(
      fc.property(fc.nat({ max: 255 }), u16, u32, fc.string(), fc.string(), (channelType, priority, reliabilityParameter, label, protocol) => {
        const m = { type: DcepType.OPEN, channelType, priority, reliabilityParameter, label, protocol } as const;
        const label2 = new TextDecoder().decode(new TextEncoder().encode(label));
        const protocol2 = new TextDecoder().decode(new TextEncoder().encode(protocol));
        expect(decodeDcep(encodeDcep(m))).toEqual({ ...m, label: label2, protocol: protocol2 });
      }),
    );
  });

  it('TSN unwrapping is consistent across the 2^32 wrap', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }), (ref, d) => {
        expect(unwrapTsn(wireTsn(ref + d), ref)).toBe(ref + d);
      }),
    );
  });

  it('TsnTracker agrees with a set model (cumulative point, gap blocks)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 60 }), { maxLength: 80 }), (arrivals) => {
        const base = 2 ** 32 - 20; // straddles the wrap of the wire value
        const t = new TsnTracker(base);
        const seen = new Set<number>();
        for (const a of arrivals) {
          const tsn = base + a;
          expect(t.add(tsn)).toBe(!seen.has(tsn));
          seen.add(tsn);
        }
        let cum = base - 1;
        while (seen.has(cum + 1)) cum++;
        expect(t.cumulative).toBe(cum);
        const blocks = t.gapBlocks(100);
        const fromBlocks = new Set<number>();
        for (const g of blocks) for (let x = g.start; x <= g.end; x++) fromBlocks.add(cum + x);
        const above = [...seen].filter((x) => x > cum).sort((x, y) => x - y);
        expect([...fromBlocks].sort((x, y) => x - y)).toEqual(above);
      }),
    );
  });
});
