import type { ReportBlock, SenderReport } from '../rtcp/reports.ts';
import { msToCompactNtp, ntpMiddle32 } from './ntp.ts';

/** RFC 3550 Appendix A.1 constants. */
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
export const MIN_SEQUENTIAL = 2;
const SEQ_MOD = 0x10000;

export interface ReceiverStatsOptions {
  /** SSRC of the remote source being received. */
  readonly ssrc: number;
  /** Media clock rate (8000 for G.711). */
  readonly clockRate: number;
  /**
   * Packets in sequence needed before a new source is valid (A.1 probation). RFC default 2:
   * the first packet only starts probation. 1 accepts the first packet at once.
   */
  readonly minSequential?: number;
  /**
   * Update the A.8 jitter only from packets that advance the highest sequence number, skipping
   * reordered packets and retransmissions (NACK resends arrive late by about one RTT and would
   * read as delay variation). A.8 assumes packets in order; libwebrtc's receive statistics
   * (receive_statistics_impl.cc) return before UpdateJitter for such packets. Default false: the
   * RFC's code, which feeds every valid packet in arrival order.
   */
  readonly jitterInOrderOnly?: boolean;
}

/**
 * Reception statistics for one source, exactly as RFC 3550 Appendix A does them: sequence
 * validation and extended highest sequence number (A.1), loss (A.3), jitter (A.8), plus what is
 * needed for LSR/DLSR (§6.4.1). Sans-IO: every method takes `now` in ms.
 */
export class ReceiverStats {
  readonly ssrc: number;
  readonly clockRate: number;
  private readonly minSequential: number;
  private readonly jitterInOrderOnly: boolean;
  /** Whether the last valid packet advanced max_seq (or restarted the sequence). */
  private advanced = false;
  /** Packets left out of the jitter estimate because they arrived out of order (jitterInOrderOnly). */
  jitterSkipped = 0;
  private started = false;
  private maxSeq = 0;
  private cycles = 0; // count of sequence wraps, times 2^16
  private baseSeq = 0;
  private badSeq = SEQ_MOD + 1;
  private probation = 0;
  /** Valid packets received (A.1). */
  received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit: number | undefined;
  /** Interarrival jitter estimate in timestamp units, as a real number (A.8). */
  jitter = 0;
  private lastSr = 0;
  private lastSrArrival: number | undefined;

  constructor(o: ReceiverStatsOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.clockRate = o.clockRate;
    this.minSequential = o.minSequential ?? MIN_SEQUENTIAL;
    this.jitterInOrderOnly = o.jitterInOrderOnly ?? false;
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = SEQ_MOD + 1; // so seq == badSeq is false
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** A.1 update_seq: returns false for a packet that is not (yet) valid. */
  private updateSeq(seq: number): boolean {
    const udelta = (seq - this.maxSeq) & 0xffff;
    this.advanced = true;
    if (this.probation > 0) {
      // Source not valid until minSequential packets in sequence arrived.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          return true;
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      return false;
    } else if (udelta < MAX_DROPOUT) {
      // In order, with permissible gap (udelta 0 is a copy of the highest packet).
      this.advanced = udelta !== 0;
      if (seq < this.maxSeq) this.cycles += SEQ_MOD; // sequence number wrapped
      this.maxSeq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // The sequence number made a very large jump.
      if (seq === this.badSeq) {
        // Two sequential packets: assume the other side restarted without telling us.
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        return false;
      }
    } else {
      // Duplicate or reordered packet: counted, no change to max.
      this.advanced = false;
    }
    this.received++;
    return true;
  }

  /**
   * Account for one received RTP packet. `now` is the arrival time in ms. Returns whether the
   * packet passed A.1 validation (the caller may still deliver it; that is its choice).
   */
  handleRtp(now: number, sequenceNumber: number, timestamp: number): boolean {
    const seq = sequenceNumber & 0xffff;
    if (!this.started) {
      // A.1: init_seq(s, seq); s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL;
      this.started = true;
      this.initSeq(seq);
      this.maxSeq = (seq - 1) & 0xffff;
      this.probation = this.minSequential;
    }
    const valid = this.updateSeq(seq);
    if (!valid) return false;
    if (this.jitterInOrderOnly && !this.advanced) this.jitterSkipped++;
    else this.updateJitter(now, timestamp >>> 0);
    return true;
  }

  /** A.8: J += (|D| - J) / 16, with D the change in transit time, in timestamp units. */
  private updateJitter(now: number, timestamp: number): void {
    const arrival = (now * this.clockRate) / 1000;
    const transit = arrival - timestamp;
    if (this.transit !== undefined) {
      let d = transit - this.transit;
      // RTP timestamps are modulo 2^32: fold the difference into [-2^31, 2^31).
      d = ((((d + 2 ** 31) % 2 ** 32) + 2 ** 32) % 2 ** 32) - 2 ** 31;
      if (d < 0) d = -d;
      this.jitter += (d - this.jitter) / 16;
    }
    this.transit = transit;
  }

  /** Remember an SR from this source for LSR/DLSR (§6.4.1). */
  handleSenderReport(now: number, sr: Pick<SenderReport, 'ntpSeconds' | 'ntpFraction'>): void {
    this.lastSr = ntpMiddle32(sr.ntpSeconds, sr.ntpFraction);
    this.lastSrArrival = now;
  }

  /** A.1: cycles + max_seq. */
  get extendedHighestSequence(): number {
    return this.cycles + this.maxSeq;
  }

  /** A.3: packets expected so far. */
  get expected(): number {
    return !this.started || (this.received === 0 && this.probation > 0) ? 0 : this.extendedHighestSequence - this.baseSeq + 1;
  }

  /** A.3: cumulative lost, clamped to the 24-bit signed field. */
  get cumulativeLost(): number {
    const lost = this.expected - this.received;
    return Math.max(-0x800000, Math.min(0x7fffff, lost));
  }

  /** Jitter in milliseconds. */
  get jitterMs(): number {
    return (this.jitter * 1000) / this.clockRate;
  }

  /**
   * Build the report block for this source at `now` (A.3 fraction lost over the interval since
   * the previous call; DLSR from the last SR's arrival).
   */
  reportBlock(now: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    // A.3 writes lost_interval << 8; a multiply cannot overflow 32 bits when millions are lost.
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      ssrc: this.ssrc,
      fractionLost,
      cumulativeLost: this.cumulativeLost,
      highestSequence: this.extendedHighestSequence >>> 0,
      jitter: Math.floor(this.jitter) >>> 0,
      lastSr: this.lastSr,
      delaySinceLastSr: this.lastSrArrival === undefined ? 0 : msToCompactNtp(now - this.lastSrArrival),
    };
  }
}
