import type { ByteReader, ByteWriter } from '@rtcstack/common';
import type { RtcpCommon } from './header.ts';

/**
 * Feedback messages share one layout (RFC 4585 §6.1): common header with FMT in the count field,
 * SSRC of the packet sender, SSRC of the media source, then feedback control information (FCI).
 */
interface FeedbackBase extends RtcpCommon {
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
}

/** One NACK FCI entry (RFC 4585 §6.2.1): packet id plus a bitmask of the 16 following losses. */
export interface NackPair {
  /** PID: a lost sequence number. */
  readonly pid: number;
  /** BLP: bit i set means pid + i + 1 is lost too. */
  readonly blp: number;
}

/** Generic NACK (RTPFB FMT 1): "please retransmit these packets". */
export interface GenericNack extends FeedbackBase {
  readonly type: 'nack';
  readonly pairs: readonly NackPair[];
}

/** PLI (PSFB FMT 1, RFC 4585 §6.3.1): "I lost picture data, send a key frame". No FCI. */
export interface PictureLossIndication extends FeedbackBase {
  readonly type: 'pli';
}

/** One FIR entry (RFC 5104 §4.3.1.1): target SSRC and a command sequence number. */
export interface FirEntry {
  readonly ssrc: number;
  readonly sequenceNumber: number;
}

/** FIR (PSFB FMT 4, RFC 5104 §4.3.1): "send a decoder refresh point now". */
export interface FullIntraRequest extends FeedbackBase {
  readonly type: 'fir';
  readonly entries: readonly FirEntry[];
}

/** Any other transport-layer feedback FMT, FCI kept raw. */
export interface OtherRtpFeedback extends FeedbackBase {
  readonly type: 'rtpfb';
  readonly fmt: number;
  readonly fci: Uint8Array;
}

/** Any other payload-specific feedback FMT (or AFB that is not REMB), FCI kept raw. */
export interface OtherPsFeedback extends FeedbackBase {
  readonly type: 'psfb';
  readonly fmt: number;
  readonly fci: Uint8Array;
}

export function readFeedbackSsrcs(r: ByteReader): { senderSsrc: number; mediaSsrc: number } {
  if (r.remaining < 8) r.fail('feedback.ssrc', `feedback needs 8 bytes of SSRCs, only ${r.remaining} remain`);
  return { senderSsrc: r.u32('feedback.senderSsrc'), mediaSsrc: r.u32('feedback.mediaSsrc') };
}

export function readNack(r: ByteReader, s: { senderSsrc: number; mediaSsrc: number }): Omit<GenericNack, 'padding'> {
  // RFC 4585 §6.2.1: at least one entry.
  if (r.remaining === 0 || r.remaining % 4 !== 0) r.fail('nack.fci', `FCI of ${r.remaining} bytes is not one or more 4-byte entries`);
  const pairs: NackPair[] = [];
  while (!r.atEnd) pairs.push({ pid: r.u16('nack.pid'), blp: r.u16('nack.blp') });
  return { type: 'nack', ...s, pairs };
}

export function readPli(r: ByteReader, s: { senderSsrc: number; mediaSsrc: number }): Omit<PictureLossIndication, 'padding'> {
  // RFC 4585 §6.3.1: PLI carries no FCI.
  if (!r.atEnd) r.fail('pli.fci', `PLI has no FCI but ${r.remaining} byte(s) follow`);
  return { type: 'pli', ...s };
}

export function readFir(r: ByteReader, s: { senderSsrc: number; mediaSsrc: number }): Omit<FullIntraRequest, 'padding'> {
  // RFC 5104 §4.3.1.2: one or more entries.
  if (r.remaining === 0 || r.remaining % 8 !== 0) r.fail('fir.fci', `FCI of ${r.remaining} bytes is not one or more 8-byte entries`);
  const entries: FirEntry[] = [];
  while (!r.atEnd) {
    const ssrc = r.u32('fir.ssrc');
    const sequenceNumber = r.u8('fir.seq');
    r.skip(3, 'fir.reserved');
    entries.push({ ssrc, sequenceNumber });
  }
  return { type: 'fir', ...s, entries };
}

export function writeFeedbackSsrcs(w: ByteWriter, p: FeedbackBase): void {
  w.u32(p.senderSsrc).u32(p.mediaSsrc);
}

export function writeNackFci(w: ByteWriter, p: GenericNack): void {
  for (const x of p.pairs) w.u16(x.pid).u16(x.blp);
}

export function writeFirFci(w: ByteWriter, p: FullIntraRequest): void {
  for (const e of p.entries) w.u32(e.ssrc).u8(e.sequenceNumber).u24(0);
}

/** Expand NACK pairs to the list of lost sequence numbers (RFC 4585 §6.2.1), in order. */
export function nackSequenceNumbers(pairs: readonly NackPair[]): number[] {
  const out: number[] = [];
  for (const { pid, blp } of pairs) {
    out.push(pid);
    for (let i = 0; i < 16; i++) if (blp & (1 << i)) out.push((pid + i + 1) & 0xffff);
  }
  return out;
}

/**
 * The reverse: pack lost sequence numbers (in sending order, wrap-aware) into PID/BLP pairs.
 * A number within 1..16 after the current PID becomes a BLP bit; anything else starts a new pair.
 */
export function nackPairsFromSequenceNumbers(seqs: readonly number[]): NackPair[] {
  const out: NackPair[] = [];
  let pid = -1;
  let blp = 0;
  for (const raw of seqs) {
    const s = raw & 0xffff;
    if (pid >= 0) {
      const d = (s - pid) & 0xffff;
      if (d >= 1 && d <= 16) {
        blp |= 1 << (d - 1);
        continue;
      }
      if (d === 0) continue;
      out.push({ pid, blp });
    }
    pid = s;
    blp = 0;
  }
  if (pid >= 0) out.push({ pid, blp });
  return out;
}
