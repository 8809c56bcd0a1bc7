/**
 * Sliding replay window (RFC 3711 §3.3.2): remembers which of the last `size` indices were
 * accepted. `check` is a pure question asked BEFORE authentication; `accept` updates the window
 * and must only be called AFTER the packet authenticated, or a forged packet could advance it.
 * Indices are SRTP packet indices (48 bit) or SRTCP indices (31 bit): exact as JS numbers.
 */
export class ReplayWindow {
  private top = -1;
  private readonly bits: Uint32Array;

  constructor(readonly size = 128) {
    if (size < 64 || size % 32 !== 0) throw new RangeError('replay window must be >= 64 and a multiple of 32');
    this.bits = new Uint32Array(size / 32);
  }

  /** Highest accepted index, or -1 before the first packet. */
  get highest(): number {
    return this.top;
  }

  /** true when `index` is new and inside (or ahead of) the window. */
  check(index: number): boolean {
    if (index > this.top) return true;
    if (this.top - index >= this.size) return false;
    const p = index % this.size;
    return (this.bits[p >>> 5] & (1 << (p & 31))) === 0;
  }

  accept(index: number): void {
    const size = this.size;
    if (index > this.top) {
      if (this.top < 0 || index - this.top >= size) this.bits.fill(0);
      else for (let k = this.top + 1; k <= index; k++) {
        const p = k % size;
        this.bits[p >>> 5] &= ~(1 << (p & 31));
      }
      this.top = index;
    }
    const p = index % size;
    this.bits[p >>> 5] |= 1 << (p & 31);
  }
}
