import type { RtpPacket } from '@rtcstack/rtp-rtcp';

/** A packet waiting in the jitter buffer, with sequence number and timestamp extended past wraps. */
export interface BufferedPacket {
  readonly sequence: number;
  readonly timestamp: number;
  readonly arrivedAt: number;
  readonly packet: RtpPacket;
}

export type JitterBufferEvent =
  /** Play this packet now. */
  | { readonly kind: 'packet'; readonly entry: BufferedPacket }
  /** `count` packets before `entry` never came in time: conceal them, then `entry` follows. */
  | { readonly kind: 'gap'; readonly count: number; readonly before: BufferedPacket };

export type InsertResult = 'buffered' | 'late' | 'duplicate';

export interface JitterBufferOptions {
  /** How long after its nominal time a packet is played: the room for jitter, reordering and repair. */
  readonly delayMs: number;
  readonly clockRate: number;
  /** Bound on held packets; beyond it the oldest is released at once. */
  readonly maxPackets?: number;
}

/**
 * A fixed-delay playout buffer. The first packet fixes the schedule: a packet with RTP timestamp
 * t plays at firstArrival + delay + (t - firstTimestamp) / clockRate. Packets are released in
 * sequence order when due; a packet arriving after its turn has passed is late (discarded), and
 * a hole is reported as a gap when the packet after it falls due. Fixed delay keeps it simple to
 * read; adaptive buffers (NetEq) move the delay with measured jitter.
 */
export class JitterBuffer {
  readonly delayMs: number;
  readonly clockRate: number;
  private readonly maxPackets: number;
  /** Sorted by sequence, ascending. Audio mostly arrives in order, so inserts land at the end. */
  private readonly queue: BufferedPacket[] = [];
  private base: { readonly arrivedAt: number; readonly timestamp: number } | undefined;
  /** The next sequence to play; undefined before the first release. */
  private nextSequence: number | undefined;

  constructor(o: JitterBufferOptions) {
    this.delayMs = o.delayMs;
    this.clockRate = o.clockRate;
    this.maxPackets = o.maxPackets ?? 200;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Playout time (ms) of RTP timestamp `timestamp` (extended). */
  playoutTime(timestamp: number): number | undefined {
    if (!this.base) return undefined;
    return this.base.arrivedAt + this.delayMs + ((timestamp - this.base.timestamp) * 1000) / this.clockRate;
  }

  /** Whether a packet with this (extended) sequence number could still be played if it arrived. */
  stillPlayable(sequence: number): boolean {
    return this.nextSequence === undefined || sequence >= this.nextSequence;
  }

  insert(entry: BufferedPacket): InsertResult {
    if (!this.base) this.base = { arrivedAt: entry.arrivedAt, timestamp: entry.timestamp };
    if (!this.stillPlayable(entry.sequence)) return 'late';
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].sequence > entry.sequence) i--;
    if (i > 0 && this.queue[i - 1].sequence === entry.sequence) return 'duplicate';
    this.queue.splice(i, 0, entry);
    return 'buffered';
  }

  /** When the head packet falls due. */
  nextTimeout(): number | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    if (this.queue.length > this.maxPackets) return head.arrivedAt;
    return this.playoutTime(head.timestamp);
  }

  /** The next event due at `now`, in playout order; undefined when nothing is due. */
  pop(now: number): JitterBufferEvent | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    const due = this.queue.length > this.maxPackets || (this.playoutTime(head.timestamp) ?? Infinity) <= now;
    if (!due) return undefined;
    if (this.nextSequence !== undefined && head.sequence > this.nextSequence) {
      const count = head.sequence - this.nextSequence;
      this.nextSequence = head.sequence;
      return { kind: 'gap', count, before: head };
    }
    this.queue.shift();
    this.nextSequence = head.sequence + 1;
    return { kind: 'packet', entry: head };
  }
}
