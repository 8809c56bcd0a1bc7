// The DATA chunk writer (RFC 9260 §3.3.1) on the sender's hot path: written straight into the packet
// buffer being built, with no intermediate encoded chunk, so a packet costs no extra allocation.
import { writeU16, writeU32 } from '@rtcstack/common';
import { ChunkType } from './constants.ts';
import type { OutChunk } from './out-queue.ts';
import { pad4 } from './tlv.ts';
import { wireTsn } from './tsn.ts';

/**
 * Write a DATA chunk (§3.3.1) for an outstanding chunk at `at`; returns the offset after it,
 * padded to 4 bytes (the padding bytes are already zero in a fresh buffer).
 */
export function writeDataChunk(buf: Uint8Array, at: number, c: OutChunk): number {
  const n = c.data.length;
  buf[at] = ChunkType.DATA;
  buf[at + 1] = c.flags;
  writeU16(buf, at + 2, 16 + n);
  writeU32(buf, at + 4, wireTsn(c.tsn));
  writeU16(buf, at + 8, c.msg.streamId);
  writeU16(buf, at + 10, c.ssn);
  writeU32(buf, at + 12, c.msg.ppid);
  buf.set(c.data, at + 16);
  return at + 16 + pad4(n);
}
