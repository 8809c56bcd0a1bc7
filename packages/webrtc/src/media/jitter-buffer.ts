import type { RtpPacket } from '@rtcstack/rtp-rtcp';

/** A packet waiting in the jitter buffer, with sequence number and timestamp extended past wraps. */
export interface BufferedPacket {
  readonly sequence: number;
  readonly timestamp: number;
  readonly arrivedAt: number;
  /** Its duration in timestamp units, when the payload tells (G.711: one sample per octet). */
  readonly samples?: number;
  readonly packet: RtpPacket;
}

export type JitterBufferEvent =
  /** Play this packet now. */
  | { readonly kind: 'packet'; readonly entry: BufferedPacket }
  /** The slot of `sequence` has come and its packet has not: conceal `samples` at `timestamp`. */
  | { readonly kind: 'missing'; readonly sequence: number; readonly timestamp: number; readonly samples: number }
  /** A buffered packet whose slot went by (after the schedule was re-based): dropped. */
  | { readonly kind: 'late'; readonly entry: BufferedPacket };

export type InsertResult = 'buffered' | 'late' | 'duplicate';

/** This many packets in a row behind the schedule mean the schedule is wrong, not the network. */
const RESYNC_AFTER_LATE = 3;
/** A packet that would wait this much longer than the delay means the timestamps jumped ahead. */
const MAX_EARLY_MS = 1000;

export interface JitterBufferOptions {
  /** How long after its nominal time a packet is played: the room for jitter, reordering and repair. */
  readonly delayMs: number;
  readonly clockRate: number;
  /** Bound on held packets; beyond it the oldest is released at once. */
  readonly maxPackets?: number;
  /** Longest run of concealment before the buffer goes idle (the sender stopped, or a long outage). */
  readonly maxConcealMs?: number;
}

/**
 * A fixed-delay playout buffer. The first packet fixes the schedule: a packet with RTP timestamp t
 * plays at firstArrival + delay + (t - firstTimestamp) / clockRate. Packets come out in sequence
 * order, each at its time. When the time of the next slot comes and its packet has not, the slot
 * is reported missing (to be concealed) on time, so the output keeps its cadence. A packet that
 * arrives after its slot has passed is late. Fixed delay keeps it simple to read; adaptive buffers
 * (WebRTC's NetEq) move the delay with the measured jitter.
 */
export class JitterBuffer {
  readonly delayMs: number;
  readonly clockRate: number;
  private readonly maxPackets: number;
  private readonly maxConcealSamples: number;
  /** Sorted by sequence, ascending. Audio mostly arrives in order, so inserts land at the end. */
  private readonly queue: BufferedPacket[] = [];
  private base: { readonly arrivedAt: number; readonly timestamp: number } | undefined;
  /**
   * Where playout stands, once started: packets below `sequence` are done with (played or given
   * up), `timestamp` is the media time of the next slot and `slot` the sequence number it should
   * hold. Concealing a slot moves timestamp and slot only: a sender that paused (DTX, a stop)
   * resumes with the next sequence number, which is still welcome.
   */
  private next: { sequence: number; timestamp: number; slot: number } | undefined;
  private lastReleased: { readonly sequence: number; readonly timestamp: number } | undefined;
  /** Packet duration learned from the stream, in timestamp units. */
  private frameSamples: number | undefined;
  private concealedRun = 0;
  private lateStreak = 0;

  constructor(o: JitterBufferOptions) {
    this.delayMs = o.delayMs;
    this.clockRate = o.clockRate;
    this.maxPackets = o.maxPackets ?? 200;
    this.maxConcealSamples = ((o.maxConcealMs ?? 1000) * o.clockRate) / 1000;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Not keeping time: nothing played yet, duration unknown, or concealment ran out. */
  private get idle(): boolean {
    return this.next === undefined || this.frameSamples === undefined || this.concealedRun >= this.maxConcealSamples;
  }

  /** Playout time (ms) of RTP timestamp `timestamp` (extended). */
  playoutTime(timestamp: number): number | undefined {
    if (!this.base) return undefined;
    return this.base.arrivedAt + this.delayMs + ((timestamp - this.base.timestamp) * 1000) / this.clockRate;
  }

  /** Playout time of the slot of `sequence`, counted in packets from the last one played; undefined if unknown. */
  deadline(sequence: number): number | undefined {
    if (!this.lastReleased || this.frameSamples === undefined) return undefined;
    return this.playoutTime(this.lastReleased.timestamp + (sequence - this.lastReleased.sequence) * this.frameSamples);
  }

  /** Whether a packet with this (extended) sequence number could still be played if it arrived at `now`. */
  stillPlayable(sequence: number, now: number): boolean {
    if (this.next && sequence < this.next.sequence) return false;
    const d = this.deadline(sequence);
    return d === undefined || d >= now;
  }

  insert(entry: BufferedPacket): InsertResult {
    if (!this.base) this.base = { arrivedAt: entry.arrivedAt, timestamp: entry.timestamp };
    if (this.next && entry.sequence < this.next.sequence) return 'late';
    const wait = (this.playoutTime(entry.timestamp) as number) - entry.arrivedAt;
    if (wait < 0 && ++this.lateStreak < RESYNC_AFTER_LATE) return 'late';
    if (wait < 0 || wait > this.delayMs + MAX_EARLY_MS) {
      // Several in a row behind the schedule, or far ahead of it: the sender's timestamps jumped
      // (a restart that did not advance them, a clock step). Start the schedule again from here.
      this.base = { arrivedAt: entry.arrivedAt, timestamp: entry.timestamp };
      this.lateStreak = 0;
      if (this.next) {
        // Slots keep counting forward; a packet whose slot was already concealed stays late.
        this.next.timestamp = entry.timestamp + (this.next.slot - entry.sequence) * (this.frameSamples ?? 0);
        if (entry.sequence < this.next.slot) return 'late';
      }
    }
    this.lateStreak = 0;
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].sequence > entry.sequence) i--;
    if (i > 0 && this.queue[i - 1].sequence === entry.sequence) return 'duplicate';
    this.queue.splice(i, 0, entry);
    return 'buffered';
  }

  /** The slot time of a missing packet, when the next thing to play is one. */
  private missingSlotTime(): number | undefined {
    if (this.idle || !this.next) return undefined;
    const head = this.queue[0];
    if (head && head.timestamp <= this.next.timestamp) return undefined;
    return this.playoutTime(this.next.timestamp);
  }

  /** When something is next due: the head packet, or the slot of a missing one. */
  nextTimeout(): number | undefined {
    const head = this.queue[0];
    if (head && this.queue.length > this.maxPackets) return head.arrivedAt;
    let t = head ? this.playoutTime(head.timestamp) : undefined;
    const slot = this.missingSlotTime();
    if (slot !== undefined && (t === undefined || slot < t)) t = slot;
    return t;
  }

  /** The next event due at `now`, in playout order; undefined when nothing is due. */
  pop(now: number): JitterBufferEvent | undefined {
    const head = this.queue[0];
    if (head && this.queue.length > this.maxPackets) return this.release(head);
    if (head && !this.idle && this.next && head.timestamp < this.next.timestamp) {
      this.queue.shift();
      return { kind: 'late', entry: head };
    }
    const slot = this.missingSlotTime();
    if (slot !== undefined && slot <= now && this.next) {
      // The slot has come without its packet.
      const frame = this.frameSamples as number;
      const missing = { kind: 'missing', sequence: this.next.slot, timestamp: this.next.timestamp, samples: frame } as const;
      this.next.timestamp += frame;
      this.next.slot++;
      this.concealedRun += frame;
      return missing;
    }
    if (head && (this.playoutTime(head.timestamp) as number) <= now) return this.release(head);
    return undefined;
  }

  private release(head: BufferedPacket): JitterBufferEvent {
    this.queue.shift();
    // Learn the packet duration: from the payload, else from the successor's timestamp.
    if (head.samples !== undefined && head.samples > 0) this.frameSamples = head.samples;
    else this.learnFromNext(head);
    this.next = { sequence: head.sequence + 1, timestamp: head.timestamp + (this.frameSamples ?? 0), slot: head.sequence + 1 };
    this.lastReleased = head;
    this.concealedRun = 0;
    return { kind: 'packet', entry: head };
  }

  /** Without a payload duration, the next queued packet's timestamp tells (if it is the successor). */
  private learnFromNext(head: BufferedPacket): void {
    const after = this.queue[0];
    if (after && after.sequence === head.sequence + 1) {
      const d = after.timestamp - head.timestamp;
      if (d > 0 && d <= this.clockRate) this.frameSamples = d;
    }
  }
}
