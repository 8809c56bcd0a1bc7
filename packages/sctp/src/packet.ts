import { ByteWriter, ParseError, readU16, readU32, writeU16, writeU32 } from '@rtcstack/common';
import { checksumValid, writeChecksum } from './crc32c.ts';
import { decodeChunkValue, writeChunk, type AnyChunk } from './chunk.ts';
import { COMMON_HEADER_SIZE } from './constants.ts';
import { pad4 } from './tlv.ts';

const LAYER = 'sctp';

/**
 * An SCTP packet (RFC 9260 §3): the 12-byte common header and a list of chunks.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |     Source Port Number        |     Destination Port Number   |
 * +-------------------------------+-------------------------------+
 * |                      Verification Tag                         |
 * +---------------------------------------------------------------+
 * |                 Checksum (CRC32c, little-endian)              |
 * +---------------------------------------------------------------+
 * | Chunk Type    | Chunk Flags   |        Chunk Length           |  x N, each padded to 4
 */
export interface Packet {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly verificationTag: number;
  readonly chunks: readonly AnyChunk[];
}

/** Thrown (as a ParseError subclass) when the CRC32c does not match: a distinct, countable outcome. */
export class ChecksumError extends ParseError {
  constructor() {
    super(LAYER, 'header.checksum', 8, 'CRC32c mismatch (RFC 9260 §6.8)');
  }
}

/**
 * Decode a packet. `verifyChecksum` false is only for captures whose checksum was offloaded;
 * cores always verify.
 */
export function decodePacket(buf: Uint8Array, verifyChecksum = true): Packet {
  if (buf.length < COMMON_HEADER_SIZE) {
    throw new ParseError(LAYER, 'header', 0, `packet of ${buf.length} bytes is shorter than the 12-byte common header`);
  }
  if (verifyChecksum && !checksumValid(buf)) throw new ChecksumError();
  const chunks: AnyChunk[] = [];
  let at = COMMON_HEADER_SIZE;
  while (at < buf.length) {
    if (buf.length - at < 4) throw new ParseError(LAYER, 'chunk.header', at, `${buf.length - at} trailing byte(s)`);
    const type = buf[at];
    const flags = buf[at + 1];
    const length = readU16(buf, at + 2);
    if (length < 4) throw new ParseError(LAYER, 'chunk.length', at + 2, `chunk length ${length} < 4`);
    if (at + length > buf.length) {
      throw new ParseError(LAYER, 'chunk.length', at + 2, `chunk length ${length} runs past the packet end`);
    }
    chunks.push(decodeChunkValue(type, flags, buf, at + 4, at + length, at));
    at = Math.min(buf.length, at + pad4(length));
  }
  return {
    sourcePort: readU16(buf, 0),
    destinationPort: readU16(buf, 2),
    verificationTag: readU32(buf, 4),
    chunks,
  };
}

/** Encode a packet and fill in its CRC32c. */
export function encodePacket(p: Packet): Uint8Array {
  const w = new ByteWriter(256);
  w.u16(p.sourcePort).u16(p.destinationPort).u32(p.verificationTag).u32(0);
  for (const c of p.chunks) writeChunk(w, c);
  const out = w.finish();
  writeChecksum(out);
  return out;
}

/** Write a common header at the start of `buf` (checksum left zero). */
export function writeCommonHeader(buf: Uint8Array, src: number, dst: number, vtag: number): void {
  writeU16(buf, 0, src);
  writeU16(buf, 2, dst);
  writeU32(buf, 4, vtag);
  writeU32(buf, 8, 0);
}
