import type { GapBlock } from './chunk.ts';

/**
 * The data receiver's record of which TSNs have arrived (RFC 9260 §6.2): the cumulative TSN
 * (every TSN up to it received) and, above it, sorted disjoint ranges of received TSNs; these
 * become the SACK's gap ack blocks. TSNs are unwrapped numbers (see tsn.ts).
 */
export class TsnTracker {
  cumulative: number;
  highest: number;
  /** Flattened [start0, end0, start1, end1, ...], all > cumulative + 1, sorted, non-adjacent. */
  private ranges: number[] = [];

  constructor(peerInitialTsn: number) {
    this.cumulative = peerInitialTsn - 1;
    this.highest = this.cumulative;
  }

  get hasGaps(): boolean {
    return this.ranges.length > 0;
  }

  has(tsn: number): boolean {
    if (tsn <= this.cumulative) return true;
    const r = this.ranges;
    for (let i = r.length - 2; i >= 0; i -= 2) {
      if (tsn > r[i + 1]) return false;
      if (tsn >= r[i]) return true;
    }
    return false;
  }

  /** Record a TSN; false if it was a duplicate. */
  add(tsn: number): boolean {
    if (tsn <= this.cumulative) return false;
    if (tsn > this.highest) this.highest = tsn;
    const r = this.ranges;
    if (tsn === this.cumulative + 1) {
      this.cumulative = tsn;
      if (r.length && r[0] === tsn + 1) {
        this.cumulative = r[1];
        r.splice(0, 2);
      }
      return true;
    }
    // Find the insertion point from the end: arrivals are mostly near the top.
    let i = r.length - 2;
    while (i >= 0 && r[i] > tsn) i -= 2;
    // Now r[i] <= tsn (or i < 0).
    if (i >= 0 && tsn <= r[i + 1]) return false;
    const joinsLeft = i >= 0 && r[i + 1] === tsn - 1;
    const joinsRight = i + 2 < r.length && r[i + 2] === tsn + 1;
    if (joinsLeft && joinsRight) {
      r[i + 1] = r[i + 3];
      r.splice(i + 2, 2);
    } else if (joinsLeft) r[i + 1] = tsn;
    else if (joinsRight) r[i + 2] = tsn;
    else r.splice(i + 2, 0, tsn, tsn);
    return true;
  }

  /** FORWARD TSN (RFC 3758 §3.6): treat every TSN up to newCumulative as received. */
  forwardTo(newCumulative: number): void {
    if (newCumulative <= this.cumulative) return;
    this.cumulative = newCumulative;
    if (newCumulative > this.highest) this.highest = newCumulative;
    const r = this.ranges;
    while (r.length && r[0] <= this.cumulative + 1) {
      if (r[1] > this.cumulative) this.cumulative = r[1];
      r.splice(0, 2);
    }
  }

  /** Gap ack blocks as 16-bit offsets from the cumulative TSN, at most `max` of them. */
  gapBlocks(max: number): GapBlock[] {
    const out: GapBlock[] = [];
    const r = this.ranges;
    for (let i = 0; i < r.length && out.length < max; i += 2) {
      const start = r[i] - this.cumulative;
      const end = r[i + 1] - this.cumulative;
      if (end > 0xffff) {
        if (start <= 0xffff) out.push({ start, end: 0xffff });
        break;
      }
      out.push({ start, end });
    }
    return out;
  }
}
