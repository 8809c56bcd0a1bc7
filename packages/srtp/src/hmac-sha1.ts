import * as nodeCrypto from 'node:crypto';

/**
 * HMAC-SHA1 (RFC 2104) for the SRTP tag, built on node:crypto's SHA-1.
 *
 *   HMAC(K, m) = SHA1((K ^ opad) | SHA1((K ^ ipad) | m))
 *
 * Why not crypto.createHmac per packet: creating the Hmac object (JS wrapper, digest lookup,
 * key setup) costs more than hashing a voice packet. With the pad blocks computed once per
 * session, a tag is two one-shot crypto.hash() calls. The caller lays the message out right
 * after a 64-byte ipad block (`prefixed`), so the inner hash needs no extra copy.
 * Measured in bench/srtp.ts; falls back to createHmac where crypto.hash is missing (< 20.12).
 */
const oneShot: ((alg: string, data: Uint8Array, enc: 'buffer') => Buffer) | undefined =
  'hash' in nodeCrypto && typeof nodeCrypto.hash === 'function'
    ? (alg, data, enc) => nodeCrypto.hash(alg, data, enc)
    : undefined;

export const HMAC_BLOCK = 64;

export class HmacSha1 {
  /** K ^ ipad, to be placed before the message. */
  readonly ipad: Buffer;
  /** K ^ opad followed by room for the inner digest. */
  private readonly outer: Buffer;

  constructor(private readonly key: Uint8Array) {
    if (key.length > HMAC_BLOCK) throw new RangeError('HMAC keys longer than 64 bytes are not used by SRTP');
    this.ipad = Buffer.alloc(HMAC_BLOCK, 0x36);
    this.outer = Buffer.alloc(HMAC_BLOCK + 20, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.ipad[i] ^= key[i];
      this.outer[i] ^= key[i];
    }
  }

  /** A buffer of `HMAC_BLOCK + n` bytes whose first 64 bytes hold the ipad block. */
  scratch(n: number): Buffer {
    const b = Buffer.allocUnsafe(HMAC_BLOCK + n);
    b.set(this.ipad, 0);
    return b;
  }

  /** HMAC over buf[64 .. 64 + n), where buf[0 .. 64) already holds the ipad block. 20 bytes. */
  prefixed(buf: Uint8Array, n: number): Buffer {
    if (!oneShot) return nodeCrypto.createHmac('sha1', this.key).update(buf.subarray(HMAC_BLOCK, HMAC_BLOCK + n)).digest();
    const inner = oneShot('sha1', buf.subarray(0, HMAC_BLOCK + n), 'buffer');
    inner.copy(this.outer, HMAC_BLOCK);
    return oneShot('sha1', this.outer, 'buffer');
  }

  /** HMAC over a message held anywhere (slower path for labs and tests). */
  mac(message: Uint8Array): Buffer {
    const b = this.scratch(message.length);
    b.set(message, HMAC_BLOCK);
    return this.prefixed(b, message.length);
  }
}
