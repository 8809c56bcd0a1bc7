/**
 * RFC 6347 §4.1.2.6: anti-replay with a sliding window (the RFC 4303 §3.4.3 algorithm).
 * One window per epoch. `check` is called before decrypting, `accept` only after the record
 * authenticated, so a forged record cannot move the window.
 */
export class ReplayWindow {
  /** Highest sequence number accepted so far (-1: none). */
  private top = -1;
  /** Bit i set: top - i was received (i < size). */
  private bits = 0n;

  constructor(readonly size = 64) {}

  /** True when `seq` is new and not too old to judge. */
  check(seq: number): boolean {
    if (seq > this.top) return true;
    const diff = this.top - seq;
    if (diff >= this.size) return false;
    return ((this.bits >> BigInt(diff)) & 1n) === 0n;
  }

  accept(seq: number): void {
    if (seq > this.top) {
      const shift = this.top < 0 ? this.size : seq - this.top;
      this.bits = shift >= this.size ? 1n : ((this.bits << BigInt(shift)) | 1n) & ((1n << BigInt(this.size)) - 1n);
      this.top = seq;
    } else {
      this.bits |= 1n << BigInt(this.top - seq);
    }
  }
}
