import { createCipheriv, type Cipher } from 'node:crypto';
import { endianness } from 'node:os';

/**
 * AES in counter mode as SRTP defines it (RFC 3711 §4.1.1):
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16),  block j uses IV + j.
 *
 * Speed: node:crypto's per-call cost dominates small packets, so instead of creating an
 * 'aes-128-ctr' cipher per packet we keep ONE 'aes-*-ecb' cipher per session key and encrypt
 * the packet's counter blocks with a single update() call (ECB has no state between calls).
 * The counter blocks live in a reused buffer whose last two bytes per block (the block
 * counter j) are written once; only the 14-byte IV prefix is rewritten per packet.
 *
 * xor() goes one step further: the keystream depends only on (SSRC, ROC, SEQ), and SEQ
 * normally counts up by one, so on a miss it computes the keystream for the next RUN packets
 * of that SSRC in ONE update() call and serves the following packets from it. Each packet
 * still uses exactly the keystream RFC 3711 assigns to its index; only the call count drops.
 */
/** A precomputed run of keystream: packets lo = base .. base+count-1 of one SSRC and ROC. */
interface Run {
  hi: number;
  base: number;
  count: number;
  /** Blocks reserved per packet (payloads up to blocks * 16 bytes hit the run). */
  blocks: number;
  ks: Buffer;
}

const RUN_PACKETS = 32;
const MAX_RUN_BLOCKS = 2048; // 32 KiB of keystream per refill at most
const MAX_RUNS = 32; // SSRCs with a run kept at once
const LITTLE_ENDIAN = endianness() === 'LE';

export class AesCmKeystream {
  private readonly ecb: Cipher;
  private readonly salt: Uint8Array;
  private ctr: Buffer = Buffer.alloc(0);
  private runCtr = new Int32Array(0);
  private readonly runs = new Map<number, Run>();

  constructor(sessionKey: Uint8Array, sessionSalt: Uint8Array) {
    if (sessionSalt.length !== 14) throw new RangeError('AES-CM session salt must be 14 bytes');
    this.ecb = createCipheriv(sessionKey.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', sessionKey, null);
    this.ecb.setAutoPadding(false);
    this.salt = sessionSalt;
  }

  /** The 16-byte IV for packet index i = hi32 * 2^16 + lo16 of stream `ssrc`. */
  iv(ssrc: number, hi32: number, lo16: number): Uint8Array {
    return aesCmIv(this.salt, ssrc, hi32, lo16);
  }

  /** Keystream bytes [0, length) for one packet. */
  keystream(ssrc: number, hi32: number, lo16: number, length: number): Uint8Array {
    const blocks = (length + 15) >>> 4;
    if (blocks > 0x10000) throw new RangeError('SRTP payload longer than 2^16 AES blocks');
    if (this.ctr.length < blocks * 16) this.grow(blocks);
    const c = this.ctr;
    const s = this.salt;
    const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    const s4 = s[4] ^ (ssrc >>> 24), s5 = s[5] ^ ((ssrc >>> 16) & 0xff), s6 = s[6] ^ ((ssrc >>> 8) & 0xff), s7 = s[7] ^ (ssrc & 0xff);
    const s8 = s[8] ^ (hi32 >>> 24), s9 = s[9] ^ ((hi32 >>> 16) & 0xff), s10 = s[10] ^ ((hi32 >>> 8) & 0xff), s11 = s[11] ^ (hi32 & 0xff);
    const s12 = s[12] ^ (lo16 >>> 8), s13 = s[13] ^ (lo16 & 0xff);
    for (let at = 0, end = blocks * 16; at < end; at += 16) {
      c[at] = s0; c[at + 1] = s1; c[at + 2] = s2; c[at + 3] = s3;
      c[at + 4] = s4; c[at + 5] = s5; c[at + 6] = s6; c[at + 7] = s7;
      c[at + 8] = s8; c[at + 9] = s9; c[at + 10] = s10; c[at + 11] = s11;
      c[at + 12] = s12; c[at + 13] = s13;
    }
    return this.ecb.update(c.subarray(0, blocks * 16));
  }

  /** dst[dstAt + k] = src[srcAt + k] XOR keystream[k] for k < length. */
  xor(ssrc: number, hi32: number, lo16: number, src: Uint8Array, srcAt: number, dst: Uint8Array, dstAt: number, length: number): void {
    if (length === 0) return;
    const blocks = (length + 15) >>> 4;
    let ks: Uint8Array;
    let off = 0;
    const run = this.runs.get(ssrc);
    if (run && run.hi === hi32 && lo16 >= run.base && lo16 < run.base + run.count && blocks <= run.blocks) {
      ks = run.ks;
      off = (lo16 - run.base) * run.blocks * 16;
    } else if (LITTLE_ENDIAN && blocks <= MAX_RUN_BLOCKS) {
      ks = this.refill(ssrc, hi32, lo16, blocks).ks;
    } else {
      ks = this.keystream(ssrc, hi32, lo16, length);
    }
    xorBytes(src, srcAt, ks, off, dst, dstAt, length);
  }

  /** Keystream for packets lo16 .. lo16 + K - 1 of `ssrc` (same ROC), `blocks` (rounded up) each. */
  private refill(ssrc: number, hi32: number, lo16: number, need: number): Run {
    const blocks = (need + 7) & ~7;
    const count = Math.max(1, Math.min(RUN_PACKETS, Math.floor(MAX_RUN_BLOCKS / blocks), 65536 - lo16));
    const n = count * blocks;
    if (this.runCtr.length < n * 4) this.runCtr = new Int32Array(MAX_RUN_BLOCKS * 4);
    const c = this.runCtr;
    const s = this.salt;
    // Counter block bytes as little-endian 32-bit words (LITTLE_ENDIAN is checked by the caller).
    const w0 = s[0] | (s[1] << 8) | (s[2] << 16) | (s[3] << 24);
    const w1 = (s[4] ^ (ssrc >>> 24)) | ((s[5] ^ ((ssrc >>> 16) & 0xff)) << 8) | ((s[6] ^ ((ssrc >>> 8) & 0xff)) << 16) | ((s[7] ^ (ssrc & 0xff)) << 24);
    const w2 = (s[8] ^ (hi32 >>> 24)) | ((s[9] ^ ((hi32 >>> 16) & 0xff)) << 8) | ((s[10] ^ ((hi32 >>> 8) & 0xff)) << 16) | ((s[11] ^ (hi32 & 0xff)) << 24);
    for (let p = 0, at = 0; p < count; p++) {
      const lo = lo16 + p;
      const t = (s[12] ^ (lo >>> 8)) | ((s[13] ^ (lo & 0xff)) << 8);
      for (let j = 0; j < blocks; j++, at += 4) {
        c[at] = w0;
        c[at + 1] = w1;
        c[at + 2] = w2;
        c[at + 3] = t | ((j >>> 8) << 16) | ((j & 0xff) << 24);
      }
    }
    const ks = this.ecb.update(new Uint8Array(c.buffer, 0, n * 16));
    const run: Run = { hi: hi32, base: lo16, count, blocks, ks };
    if (!this.runs.has(ssrc) && this.runs.size >= MAX_RUNS) this.runs.delete(this.runs.keys().next().value as number);
    this.runs.set(ssrc, run);
    return run;
  }

  private grow(blocks: number): void {
    const n = Math.max(blocks, 96); // 96 blocks = 1536 bytes covers any MTU-sized packet
    const c = Buffer.alloc(n * 16);
    for (let j = 0; j < n; j++) {
      c[j * 16 + 14] = j >>> 8;
      c[j * 16 + 15] = j & 0xff;
    }
    this.ctr = c;
  }
}

/** RFC 3711 §4.1.1 IV: salt (14 bytes, shifted left 16 bits) XOR SSRC<<64 XOR index<<16. */
export function aesCmIv(salt: Uint8Array, ssrc: number, hi32: number, lo16: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(salt.subarray(0, 14));
  iv[4] ^= ssrc >>> 24; iv[5] ^= (ssrc >>> 16) & 0xff; iv[6] ^= (ssrc >>> 8) & 0xff; iv[7] ^= ssrc & 0xff;
  iv[8] ^= hi32 >>> 24; iv[9] ^= (hi32 >>> 16) & 0xff; iv[10] ^= (hi32 >>> 8) & 0xff; iv[11] ^= hi32 & 0xff;
  iv[12] ^= lo16 >>> 8; iv[13] ^= lo16 & 0xff;
  return iv;
}

/**
 * dst[d + k] = a[i + k] ^ b[j + k]. Word-at-a-time when all three are 4-byte aligned (RTP
 * headers are multiples of 4 bytes, so the payload usually is): XOR in JS is the hot loop for
 * large packets, and 32-bit words make it about 4x cheaper. Byte order does not matter for XOR.
 */
export function xorBytes(a: Uint8Array, i: number, b: Uint8Array, j: number, dst: Uint8Array, d: number, length: number): void {
  let k = 0;
  const ai = a.byteOffset + i;
  const bj = b.byteOffset + j;
  const dd = dst.byteOffset + d;
  if (length >= 64 && ((ai | bj | dd) & 3) === 0) {
    const words = length >>> 2;
    const a32 = new Int32Array(a.buffer, ai, words);
    const b32 = new Int32Array(b.buffer, bj, words);
    const d32 = new Int32Array(dst.buffer, dd, words);
    for (let w = 0; w < words; w++) d32[w] = a32[w] ^ b32[w];
    k = words << 2;
  }
  for (; k < length; k++) dst[d + k] = a[i + k] ^ b[j + k];
}
