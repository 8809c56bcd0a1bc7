export interface NackOptions {
  /** Wait this long after a hole appears before asking, in case the packet was only reordered. */
  readonly reorderWaitMs?: number;
  /** Ask again after this long if the packet still has not come (should exceed the RTT). */
  readonly retryIntervalMs?: number;
  /** Each sequence number is asked for at most this many times. */
  readonly maxRequests?: number;
  /** Holes tracked at most; a bigger jump is a sender restart, not loss worth repairing. */
  readonly maxMissing?: number;
}

interface Missing {
  requests: number;
  /** When to ask next; Infinity once the hole is no longer asked for (kept to count a late repair). */
  nextAt: number;
}

/**
 * Decides which lost packets to ask for with generic NACKs (RFC 4585 §6.2.1), on extended
 * sequence numbers. Not eager: a hole is only requested after a short reorder wait, re-requested
 * after a retry interval, a bounded number of times, and only while it could still be played.
 */
export class NackGenerator {
  readonly reorderWaitMs: number;
  retryIntervalMs: number;
  readonly maxRequests: number;
  readonly maxMissing: number;
  private highest: number | undefined;
  private readonly missing = new Map<number, Missing>();
  /** Holes dropped after maxRequests without arriving. */
  gaveUp = 0;
  /** Requested packets that did arrive afterwards (in time to play or not). */
  repaired = 0;

  constructor(o: NackOptions = {}) {
    this.reorderWaitMs = o.reorderWaitMs ?? 10;
    this.retryIntervalMs = o.retryIntervalMs ?? 50;
    this.maxRequests = o.maxRequests ?? 3;
    this.maxMissing = o.maxMissing ?? 250;
  }

  /** Holes still being asked for. */
  get missingCount(): number {
    let n = 0;
    for (const m of this.missing.values()) if (m.nextAt !== Infinity) n++;
    return n;
  }

  /** A packet with extended sequence `sequence` arrived at `now`. */
  onPacket(now: number, sequence: number): void {
    if (this.highest === undefined) {
      this.highest = sequence;
      return;
    }
    if (sequence > this.highest) {
      const gap = sequence - this.highest - 1;
      if (gap > this.maxMissing) {
        this.missing.clear(); // a jump, not a loss burst: nothing sensible to repair
      } else {
        for (let s = this.highest + 1; s < sequence; s++) this.missing.set(s, { requests: 0, nextAt: now + this.reorderWaitMs });
        // Keep only the newest maxMissing holes (Map order is insertion order: oldest first).
        for (const s of this.missing.keys()) {
          if (this.missing.size <= this.maxMissing) break;
          this.missing.delete(s);
        }
      }
      this.highest = sequence;
      return;
    }
    const m = this.missing.get(sequence);
    if (m) {
      if (m.requests > 0) this.repaired++;
      this.missing.delete(sequence);
    }
    // Retired holes far behind can no longer come back: forget them.
    for (const s of this.missing.keys()) {
      if (s >= this.highest - this.maxMissing) break;
      this.missing.delete(s);
    }
  }

  /**
   * The sequence numbers to request at `now` (ascending). `playable(seq)` says whether a packet
   * could still be used; holes that cannot are forgotten.
   */
  due(now: number, playable: (sequence: number) => boolean): number[] {
    const out: number[] = [];
    for (const [s, m] of this.missing) {
      if (m.nextAt > now) continue;
      if (!playable(s)) {
        // Too late to help: stop asking (a resend already on its way may still arrive).
        if (m.requests === 0) this.missing.delete(s);
        else m.nextAt = Infinity;
        continue;
      }
      if (m.requests >= this.maxRequests) {
        m.nextAt = Infinity;
        this.gaveUp++;
        continue;
      }
      m.requests++;
      m.nextAt = now + this.retryIntervalMs;
      out.push(s);
    }
    return out.sort((a, b) => a - b);
  }

  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const m of this.missing.values()) if (m.nextAt !== Infinity && (t === undefined || m.nextAt < t)) t = m.nextAt;
    return t;
  }
}
