import { describe, expect, it } from 'vitest';
import { PacketSlab } from '../src/packet-slab.ts';

describe('PacketSlab: packet memory shared by every association in the process', () => {
  it('hands out zero-filled regions that never overlap a committed one', () => {
    const slab = new PacketSlab(256);
    const a = slab.take(100);
    a.fill(0xaa, 0, 37);
    slab.commit(37);
    const b = slab.take(100);
    expect(b.every((x) => x === 0)).toBe(true); // DATA padding relies on zero bytes
    b.fill(0xbb);
    slab.commit(100);
    expect(a.subarray(0, 37).every((x) => x === 0xaa)).toBe(true); // b did not write into a
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 37);
  });

  it('uncommitted room is handed out again; a request that does not fit starts a fresh slab', () => {
    const slab = new PacketSlab(256);
    const a = slab.take(200);
    const again = slab.take(200); // nothing committed: same room
    expect(again.byteOffset).toBe(a.byteOffset);
    slab.commit(200);
    const c = slab.take(100); // 256 - 200 < 100
    expect(c.buffer).not.toBe(a.buffer);
    expect(c.length).toBe(100);
    const big = slab.take(1000); // larger than the slab size
    expect(big.length).toBe(1000);
  });
});
