/** A sent RTP packet kept for retransmission. */
export interface HistoryEntry {
  readonly sequenceNumber: number;
  /** The exact bytes first sent. Without RFC 4588 (RTX) negotiated, a resend is the same packet again. */
  readonly data: Uint8Array;
  readonly payloadLength: number;
  readonly sentAt: number;
  lastResentAt: number | undefined;
}

/**
 * The sender's short memory of what it sent, for answering generic NACKs (RFC 4585 §6.2.1).
 * Entries older than `historyMs` are forgotten: a packet that old would arrive too late to play.
 */
export class PacketHistory {
  // Map iteration is insertion order, which is send order: pruning looks only at the front.
  private readonly entries = new Map<number, HistoryEntry>();

  constructor(readonly historyMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  add(now: number, sequenceNumber: number, data: Uint8Array, payloadLength: number): void {
    this.prune(now);
    this.entries.delete(sequenceNumber);
    this.entries.set(sequenceNumber, { sequenceNumber, data, payloadLength, sentAt: now, lastResentAt: undefined });
  }

  /** The packet with this sequence number, if still held at `now`. */
  get(now: number, sequenceNumber: number): HistoryEntry | undefined {
    this.prune(now);
    return this.entries.get(sequenceNumber & 0xffff);
  }

  private prune(now: number): void {
    for (const [seq, e] of this.entries) {
      if (now - e.sentAt <= this.historyMs) break;
      this.entries.delete(seq);
    }
  }
}
