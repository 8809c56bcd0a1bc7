/**
 * RTP sequence numbers (16 bits) and timestamps (32 bits) wrap. To order packets and measure gaps
 * we put them on an unbounded number line: each value is read as the one nearest to the highest
 * seen so far (a signed half-range step). RFC 3550 Appendix A.1 does the same with a cycle count.
 */
export class Unwrapper {
  private highest: number | undefined;
  private readonly modulus: number;

  constructor(bits: 16 | 32) {
    this.modulus = 2 ** bits;
  }

  /** The extended value of `v` (may be below the first value seen, for reordered packets). */
  unwrap(v: number): number {
    const m = this.modulus;
    if (this.highest === undefined) {
      this.highest = v;
      return v;
    }
    const base = ((this.highest % m) + m) % m;
    let d = (v - base) % m;
    if (d < 0) d += m;
    if (d >= m / 2) d -= m; // behind: a late or reordered packet
    const ext = this.highest + d;
    if (ext > this.highest) this.highest = ext;
    return ext;
  }
}
