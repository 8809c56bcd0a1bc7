import type { ByteReader, ByteWriter } from '@rtcstack/common';
import type { RtcpCommon } from './header.ts';

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1), RTPFB FMT 15: for a run of transport-wide sequence numbers, whether each packet arrived
 * and, if it did, its arrival time relative to the previous one.
 *
 * | base sequence number | packet status count | reference time (24, ×64 ms) | fb pkt count |
 * | packet chunks (16 bits each) ...           | recv deltas (1 or 2 bytes each) ...         |
 */
export const TwccSymbol = {
  NOT_RECEIVED: 0,
  SMALL_DELTA: 1, // received, delta fits one unsigned byte (0..63.75 ms)
  LARGE_DELTA: 2, // received, delta is two bytes signed
  RESERVED: 3,
} as const;
export type TwccSymbolValue = (typeof TwccSymbol)[keyof typeof TwccSymbol];

/** §3.1.3: one symbol repeated runLength times (T=0). */
export interface TwccRunLengthChunk {
  readonly kind: 'run';
  readonly symbol: number;
  readonly runLength: number;
}

/** §3.1.4: a vector of 14 one-bit or 7 two-bit symbols (T=1). */
export interface TwccVectorChunk {
  readonly kind: 'vector';
  readonly symbolSize: 1 | 2;
  readonly symbols: readonly number[];
}

export type TwccChunk = TwccRunLengthChunk | TwccVectorChunk;

export interface TransportCcFeedback extends RtcpCommon {
  readonly type: 'twcc';
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly baseSequence: number;
  readonly packetStatusCount: number;
  /** 24-bit signed, in multiples of 64 ms. */
  readonly referenceTime: number;
  readonly feedbackPacketCount: number;
  readonly chunks: readonly TwccChunk[];
  /** One per received packet in the counted range, in 250 µs ticks. */
  readonly deltas: readonly number[];
}

/** Symbols of the chunks, cut to the packet status count. */
export function twccSymbols(chunks: readonly TwccChunk[], count: number): number[] {
  const out: number[] = [];
  for (const c of chunks) {
    if (c.kind === 'run') for (let i = 0; i < c.runLength && out.length < count; i++) out.push(c.symbol);
    else for (const s of c.symbols) if (out.length < count) out.push(s);
  }
  return out;
}

export function readTwcc(r: ByteReader, s: { senderSsrc: number; mediaSsrc: number }): Omit<TransportCcFeedback, 'padding'> {
  const baseSequence = r.u16('twcc.baseSequence');
  const packetStatusCount = r.u16('twcc.packetStatusCount');
  const ref = r.u24('twcc.referenceTime');
  const referenceTime = ref & 0x800000 ? ref - 0x1000000 : ref;
  const feedbackPacketCount = r.u8('twcc.feedbackPacketCount');
  const chunks: TwccChunk[] = [];
  let seen = 0;
  while (seen < packetStatusCount) {
    const v = r.u16('twcc.chunk');
    if ((v & 0x8000) === 0) {
      const runLength = v & 0x1fff;
      chunks.push({ kind: 'run', symbol: (v >> 13) & 0x3, runLength });
      seen += runLength;
    } else if ((v & 0x4000) === 0) {
      const symbols: number[] = [];
      for (let i = 13; i >= 0; i--) symbols.push((v >> i) & 1);
      chunks.push({ kind: 'vector', symbolSize: 1, symbols });
      seen += 14;
    } else {
      const symbols: number[] = [];
      for (let i = 6; i >= 0; i--) symbols.push((v >> (2 * i)) & 3);
      chunks.push({ kind: 'vector', symbolSize: 2, symbols });
      seen += 7;
    }
  }
  const deltas: number[] = [];
  for (const sym of twccSymbols(chunks, packetStatusCount)) {
    if (sym === TwccSymbol.SMALL_DELTA) deltas.push(r.u8('twcc.delta.small'));
    else if (sym === TwccSymbol.LARGE_DELTA) {
      const d = r.u16('twcc.delta.large');
      deltas.push(d & 0x8000 ? d - 0x10000 : d);
    } else if (sym === TwccSymbol.RESERVED) {
      // libwebrtc (rtcp_packet/transport_feedback.cc) rejects the reserved symbol too.
      r.fail('twcc.chunk', 'reserved status symbol 3 in the counted range');
    }
  }
  if (!r.atEnd) r.fail('twcc', `${r.remaining} byte(s) after the receive deltas`);
  return { type: 'twcc', ...s, baseSequence, packetStatusCount, referenceTime, feedbackPacketCount, chunks, deltas };
}

export function writeTwccFci(w: ByteWriter, p: TransportCcFeedback): void {
  w.u16(p.baseSequence).u16(p.packetStatusCount).u24(p.referenceTime & 0xffffff).u8(p.feedbackPacketCount);
  for (const c of p.chunks) {
    if (c.kind === 'run') {
      if (c.runLength > 0x1fff) throw new RangeError('rtcp: TWCC run length exceeds 13 bits');
      w.u16(((c.symbol & 3) << 13) | c.runLength);
    } else if (c.symbolSize === 1) {
      if (c.symbols.length !== 14) throw new RangeError('rtcp: a one-bit TWCC vector has 14 symbols');
      let v = 0x8000;
      c.symbols.forEach((x, i) => (v |= (x & 1) << (13 - i)));
      w.u16(v);
    } else {
      if (c.symbols.length !== 7) throw new RangeError('rtcp: a two-bit TWCC vector has 7 symbols');
      let v = 0xc000;
      c.symbols.forEach((x, i) => (v |= (x & 3) << (2 * (6 - i))));
      w.u16(v);
    }
  }
  const syms = twccSymbols(p.chunks, p.packetStatusCount);
  if (syms.length < p.packetStatusCount) throw new RangeError('rtcp: TWCC chunks describe fewer packets than packetStatusCount');
  let d = 0;
  for (const s of syms) {
    if (s === TwccSymbol.SMALL_DELTA) w.u8(p.deltas[d++]);
    else if (s === TwccSymbol.LARGE_DELTA) w.u16(p.deltas[d++] & 0xffff);
  }
  if (d !== p.deltas.length) throw new RangeError(`rtcp: TWCC has ${p.deltas.length} deltas but the symbols need ${d}`);
}

/** One packet's fate as TWCC reports it: arrival time in µs relative to the reference time. */
export interface TwccPacketResult {
  readonly sequenceNumber: number;
  readonly received: boolean;
  /** Arrival time (µs) from the reference time, when received. */
  readonly arrivalUs?: number;
}

/** Expand a feedback into per-packet results (§3.1.5: deltas accumulate from reference time). */
export function twccPacketResults(p: TransportCcFeedback): TwccPacketResult[] {
  const out: TwccPacketResult[] = [];
  let t = p.referenceTime * 64_000;
  let d = 0;
  twccSymbols(p.chunks, p.packetStatusCount).forEach((s, i) => {
    const sequenceNumber = (p.baseSequence + i) & 0xffff;
    if (s === TwccSymbol.SMALL_DELTA || s === TwccSymbol.LARGE_DELTA) {
      t += p.deltas[d++] * 250;
      out.push({ sequenceNumber, received: true, arrivalUs: t });
    } else out.push({ sequenceNumber, received: false });
  });
  return out;
}
