// The data receiver's SACK (RFC 9260 §6.2, chunk format §3.3.4): the cumulative TSN ack, the
// advertised receiver window, gap ack blocks for TSNs received above a hole, and duplicate TSNs.
// Written straight into the packet buffer: this is the receiver's hot path.
import { writeU16, writeU32 } from '@rtcstack/common';
import { ChunkType } from './constants.ts';
import type { SackChunk } from './chunk.ts';
import type { TsnTracker } from './tsn-tracker.ts';
import { wireTsn } from './tsn.ts';

/** Duplicate TSNs reported per SACK at most (§6.2 leaves the number to the implementation). */
export const MAX_DUP_TSNS = 16;

/**
 * The SACK for what the tracker holds. Gap blocks are capped so that the SACK, with its
 * duplicate TSNs, fits one packet of `mtu` bytes.
 */
export function buildSack(
  tracker: TsnTracker,
  dups: number[],
  mtu: number,
  receiveWindow: number,
  bufferedBytes: number,
): SackChunk {
  const maxGaps = Math.max(0, Math.floor((mtu - 12 - 16 - dups.length * 4) / 4));
  return {
    type: ChunkType.SACK,
    cumulativeTsnAck: wireTsn(tracker.cumulative),
    aRwnd: Math.max(0, receiveWindow - bufferedBytes),
    gapBlocks: tracker.gapBlocks(maxGaps),
    duplicateTsns: dups,
  };
}

/** Bytes a SACK chunk takes: 16, plus 4 per gap block and per duplicate TSN. */
export function sackSize(s: SackChunk): number {
  return 16 + 4 * (s.gapBlocks.length + s.duplicateTsns.length);
}

/** Write a SACK chunk at `at`; returns the offset after it. */
export function writeSack(buf: Uint8Array, at: number, s: SackChunk): number {
  const len = sackSize(s);
  buf[at] = ChunkType.SACK;
  buf[at + 1] = 0;
  writeU16(buf, at + 2, len);
  writeU32(buf, at + 4, s.cumulativeTsnAck);
  writeU32(buf, at + 8, s.aRwnd);
  writeU16(buf, at + 12, s.gapBlocks.length);
  writeU16(buf, at + 14, s.duplicateTsns.length);
  let p = at + 16;
  for (const g of s.gapBlocks) {
    writeU16(buf, p, g.start);
    writeU16(buf, p + 2, g.end);
    p += 4;
  }
  for (const d of s.duplicateTsns) {
    writeU32(buf, p, d);
    p += 4;
  }
  return p;
}
