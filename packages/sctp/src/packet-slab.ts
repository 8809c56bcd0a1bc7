/**
 * Output packet memory: packets are carved from one 64 KiB slab per process instead of one
 * allocation per packet (the bulk path builds tens of thousands per second), and instead of one
 * slab per association (an idle association would pin 64 KiB).
 *
 * Safe to share because a region is handed out once and never reused: a packet given to the
 * caller may still sit in a socket queue, and fresh memory is zero, which DATA chunk padding
 * relies on. JavaScript runs one flush at a time, and take()/commit() happen within one flush
 * with no user code in between. A worker thread gets its own module instance, so its own slab.
 */
export class PacketSlab {
  private slab = new Uint8Array(0);
  private at = 0;

  constructor(private readonly size = 65536) {}

  /** Room for a packet of up to n bytes, zero-filled; commit() says how much was used. */
  take(n: number): Uint8Array {
    if (this.slab.length - this.at < n) {
      this.slab = new Uint8Array(Math.max(this.size, n));
      this.at = 0;
    }
    return this.slab.subarray(this.at, this.at + n);
  }

  /** Keep the first `used` bytes of the last take() (8-byte aligned); the rest goes back. */
  commit(used: number): void {
    this.at += (used + 7) & ~7;
  }
}

/** The process-wide slab every association builds its packets in. */
export const sharedPacketSlab = new PacketSlab();
