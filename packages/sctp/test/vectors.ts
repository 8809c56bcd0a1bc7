/**
 * Vector checks for packages/sctp (see test-vectors/README.md):
 * - crc32c: input.hex -> expected.wire, the checksum bytes as they appear in an SCTP packet.
 * - packet: input.hex is a whole packet; decode (CRC verified), compare expected fields, re-encode exactly.
 * - chunk: input.hex is one chunk without a common header; decode, compare, re-encode; invalid ones must raise ParseError.
 * - dcep: input.hex is a DCEP message; decode, compare, and re-encode when expected.roundTrip.
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { fromHex, isParseError, toHex } from '@rtcstack/common';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import {
  ChunkType,
  chunkTypeName,
  crc32c,
  decodeDcep,
  decodePacket,
  encodeDcep,
  encodeChunk,
  encodePacket,
  isUnknown,
  type AnyChunk,
  type InitParam,
} from '../src/index.ts';

const hexOf = (c: VectorCase): string => (c.input as { hex: string }).hex;

function paramSummary(p: InitParam): string {
  switch (p.kind) {
    case 'supportedExtensions':
      return `supportedExtensions:${p.chunkTypes.join(',')}`;
    case 'stateCookie':
      return `stateCookie:${p.cookie.length}`;
    case 'raw':
      return `raw:${p.type}`;
    default:
      return p.kind;
  }
}

/** The fields a vector lists for a chunk, in the vector's JSON shape. */
function chunkSummary(c: AnyChunk): Record<string, unknown> {
  if (isUnknown(c)) return { type: chunkTypeName(c.type) };
  const type = chunkTypeName(c.type);
  switch (c.type) {
    case ChunkType.INIT:
    case ChunkType.INIT_ACK:
      return {
        type,
        initiateTag: c.initiateTag,
        aRwnd: c.aRwnd,
        outboundStreams: c.outboundStreams,
        inboundStreams: c.inboundStreams,
        initialTsn: c.initialTsn,
        params: c.params.map(paramSummary),
      };
    case ChunkType.DATA:
      return { type, flags: c.flags, tsn: c.tsn, streamId: c.streamId, ssn: c.ssn, ppid: c.ppid, userData: toHex(c.userData) };
    case ChunkType.COOKIE_ECHO:
      return { type, cookieLength: c.cookie.length };
    case ChunkType.SACK:
      return {
        type,
        cumulativeTsnAck: c.cumulativeTsnAck,
        aRwnd: c.aRwnd,
        gapBlocks: c.gapBlocks.map((g) => [g.start, g.end]),
        duplicateTsns: [...c.duplicateTsns],
      };
    case ChunkType.RE_CONFIG:
      return { type, params: c.params.map((p) => ({ ...p, ...('streamIds' in p ? { streamIds: [...p.streamIds] } : {}) })) };
    case ChunkType.FORWARD_TSN:
      return { type, newCumulativeTsn: c.newCumulativeTsn, streams: c.streams.map((s) => [s.streamId, s.ssn]) };
    default:
      return { type };
  }
}

/** Compare only the keys the vector lists. */
function expectSubset(actual: Record<string, unknown>, expected: Record<string, unknown>, where: string): void {
  for (const [k, v] of Object.entries(expected)) deepStrictEqual(actual[k], v, `${where}.${k}`);
}

export const checks: VectorChecks = {
  crc32c(c) {
    const v = crc32c(fromHex(hexOf(c)));
    const wire = Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    strictEqual(toHex(wire), (c.expected as { wire: string }).wire);
  },

  packet(c) {
    const bytes = fromHex(hexOf(c));
    const p = decodePacket(bytes);
    const exp = c.expected as Record<string, unknown> & { chunks: Record<string, unknown>[] };
    const { chunks, ...header } = exp;
    expectSubset(p as unknown as Record<string, unknown>, header, 'packet');
    strictEqual(p.chunks.length, chunks.length, 'number of chunks');
    chunks.forEach((e, i) => expectSubset(chunkSummary(p.chunks[i]), e, `chunk[${i}]`));
    strictEqual(toHex(encodePacket(p)), toHex(bytes), 're-encoded packet');
  },

  chunk(c) {
    const bytes = fromHex(hexOf(c));
    // Framed as decodePacket frames chunks, behind a zero common header (checksum not checked).
    const decode = (): AnyChunk => decodePacket(new Uint8Array([...new Uint8Array(12), ...bytes]), false).chunks[0];
    if (c.valid === false) {
      let threw: unknown;
      try {
        decode();
      } catch (e) {
        threw = e;
      }
      ok(isParseError(threw), `expected a ParseError for ${c.reason}, got ${String(threw)}`);
      return;
    }
    const chunk = decode();
    expectSubset(chunkSummary(chunk), c.expected as Record<string, unknown>, 'chunk');
    strictEqual(toHex(encodeChunk(chunk)), toHex(bytes), 're-encoded chunk');
  },

  dcep(c) {
    const bytes = fromHex(hexOf(c));
    const m = decodeDcep(bytes);
    const exp = c.expected as Record<string, unknown> & { roundTrip: boolean };
    const { roundTrip, type, ...fields } = exp;
    strictEqual(m.type === 0x03 ? 'OPEN' : 'ACK', type);
    expectSubset(m as unknown as Record<string, unknown>, fields, 'dcep');
    if (roundTrip) strictEqual(toHex(encodeDcep(m)), toHex(bytes), 're-encoded DCEP message');
  },
};
