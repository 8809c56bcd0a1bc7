import type { RtpPacket } from '../rtp/packet.ts';
import { g711Decode, g711Encode, type G711Law } from './g711.ts';

/** RFC 3551 §6 Table 4: the static payload types of G.711. */
export const G711PayloadType = { PCMU: 0, PCMA: 8 } as const;
/** RFC 3551 §4.5.14: 8000 Hz clock, one octet per sample. */
export const G711_CLOCK_RATE = 8000;
/** 20 ms at 8 kHz: the default packetisation (RFC 3551 §4.2, ptime 20). */
export const G711_FRAME_SAMPLES = 160;

export function lawForPayloadType(pt: number): G711Law | undefined {
  if (pt === G711PayloadType.PCMU) return 'ulaw';
  if (pt === G711PayloadType.PCMA) return 'alaw';
  return undefined;
}

export interface G711PacketizerOptions {
  readonly ssrc: number;
  /** 0 = PCMU (µ-law), 8 = PCMA (A-law); or a dynamic PT with `law`. */
  readonly payloadType: number;
  readonly law?: G711Law;
  /** Random in real use (RFC 3550 §5.1); explicit here so the core stays deterministic. */
  readonly initialSequence: number;
  readonly initialTimestamp: number;
}

/**
 * Turns 16-bit audio frames into RTP packets: one G.711 octet per sample, sequence +1 and
 * timestamp + samples per packet; marker set on the first packet of a talkspurt (RFC 3551 §4.1).
 */
export class G711Packetizer {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly law: G711Law;
  private seq: number;
  private ts: number;
  private first = true;

  constructor(o: G711PacketizerOptions) {
    const law = o.law ?? lawForPayloadType(o.payloadType);
    if (!law) throw new RangeError(`rtp: payload type ${o.payloadType} is not G.711; pass law`);
    this.ssrc = o.ssrc >>> 0;
    this.payloadType = o.payloadType;
    this.law = law;
    this.seq = o.initialSequence & 0xffff;
    this.ts = o.initialTimestamp >>> 0;
  }

  /** Next sequence number / timestamp the packetizer will use. */
  get nextSequence(): number {
    return this.seq;
  }
  get nextTimestamp(): number {
    return this.ts;
  }

  /** Start a new talkspurt: the next packet carries the marker bit. */
  markTalkspurt(): void {
    this.first = true;
  }

  /** Skip `samples` of silence without sending (timestamp advances, sequence does not). */
  skip(samples: number): void {
    this.ts = (this.ts + samples) >>> 0;
    this.first = true;
  }

  packetize(samples: Int16Array): RtpPacket {
    const p: RtpPacket = {
      marker: this.first,
      payloadType: this.payloadType,
      sequenceNumber: this.seq,
      timestamp: this.ts,
      ssrc: this.ssrc,
      csrcs: [],
      payload: g711Encode(this.law, samples),
      padding: 0,
    };
    this.first = false;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + samples.length) >>> 0;
    return p;
  }
}

/** Decode a G.711 RTP packet's payload to 16-bit samples (the law follows the payload type). */
export function depacketizeG711(p: RtpPacket, law?: G711Law): Int16Array {
  const l = law ?? lawForPayloadType(p.payloadType);
  if (!l) throw new RangeError(`rtp: payload type ${p.payloadType} is not G.711; pass law`);
  return g711Decode(l, p.payload);
}
