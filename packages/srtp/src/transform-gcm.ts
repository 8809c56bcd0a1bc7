import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { DerivedKeys } from './kdf.ts';
import type { SrtpTransform } from './transform.ts';

/**
 * SRTP_AEAD_AES_128_GCM / _256_GCM (RFC 7714).
 *
 * SRTP:   header | GCM ciphertext | 16-byte tag; AAD = the RTP header (§8.2)
 *         IV = salt XOR (00 00 | SSRC | ROC | SEQ)                           (§8.1)
 * SRTCP:  header(8) | ciphertext | tag | E||index; AAD = header | E||index    (§9.2)
 *         IV = salt XOR (00 00 | SSRC | 00 00 | index)                       (§9.1)
 *         E = 0 (authentication only, §9.3): AAD = the whole RTCP packet | E||index.
 * A GCM cipher object is bound to its IV, so one is created per packet (unavoidable in node).
 */
export class AesGcmTransform implements SrtpTransform {
  readonly rtpTagLength = 16;
  readonly rtcpTagLength = 16;
  private readonly alg: 'aes-128-gcm' | 'aes-256-gcm';
  private readonly rtpKey: Uint8Array;
  private readonly rtcpKey: Uint8Array;
  private readonly rtpSalt: Uint8Array;
  private readonly rtcpSalt: Uint8Array;
  /** Reused: createCipheriv copies the IV, so one buffer serves every packet. */
  private readonly iv = Buffer.alloc(12);

  constructor(keys: DerivedKeys) {
    this.alg = keys.rtp.encryptionKey.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
    this.rtpKey = keys.rtp.encryptionKey;
    this.rtcpKey = keys.rtcp.encryptionKey;
    this.rtpSalt = keys.rtp.salt;
    this.rtcpSalt = keys.rtcp.salt;
  }

  rtcpTrailerAt(len: number): number {
    return len - 4;
  }

  protectRtp(pkt: Uint8Array, h: number, ssrc: number, roc: number, seq: number): Uint8Array {
    const len = pkt.length;
    const c = createCipheriv(this.alg, this.rtpKey, gcmRtpIv(this.rtpSalt, ssrc, roc, seq, this.iv));
    c.setAAD(pkt.subarray(0, h));
    const ct = c.update(pkt.subarray(h));
    c.final();
    const out = Buffer.allocUnsafe(len + 16);
    out.set(pkt.subarray(0, h), 0);
    out.set(ct, h);
    out.set(c.getAuthTag(), len);
    return out;
  }

  unprotectRtp(pkt: Uint8Array, h: number, ssrc: number, roc: number, seq: number): Uint8Array | undefined {
    const end = pkt.length - 16;
    const d = createDecipheriv(this.alg, this.rtpKey, gcmRtpIv(this.rtpSalt, ssrc, roc, seq, this.iv));
    d.setAAD(pkt.subarray(0, h));
    d.setAuthTag(pkt.subarray(end));
    const pt = d.update(pkt.subarray(h, end));
    try {
      d.final(); // throws when the tag does not verify
    } catch {
      return undefined;
    }
    const out = Buffer.allocUnsafe(end);
    out.set(pkt.subarray(0, h), 0);
    out.set(pt, h);
    return out;
  }

  protectRtcp(pkt: Uint8Array, ssrc: number, index: number): Uint8Array {
    const len = pkt.length;
    const out = Buffer.allocUnsafe(len + 16 + 4);
    out.set(pkt.subarray(0, 8), 0);
    out.writeUInt32BE((0x80000000 | index) >>> 0, len + 16);
    const c = createCipheriv(this.alg, this.rtcpKey, gcmRtcpIv(this.rtcpSalt, ssrc, index));
    c.setAAD(Buffer.concat([pkt.subarray(0, 8), out.subarray(len + 16)]));
    out.set(c.update(pkt.subarray(8)), 8);
    c.final();
    out.set(c.getAuthTag(), len);
    return out;
  }

  unprotectRtcp(pkt: Uint8Array, ssrc: number, index: number, encrypted: boolean): Uint8Array | undefined {
    const trailerAt = pkt.length - 4;
    const tagAt = trailerAt - 16;
    const d = createDecipheriv(this.alg, this.rtcpKey, gcmRtcpIv(this.rtcpSalt, ssrc, index));
    const trailer = pkt.subarray(trailerAt);
    d.setAAD(Buffer.concat([pkt.subarray(0, encrypted ? 8 : tagAt), trailer]));
    d.setAuthTag(pkt.subarray(tagAt, trailerAt));
    const pt = encrypted ? d.update(pkt.subarray(8, tagAt)) : undefined;
    try {
      d.final();
    } catch {
      return undefined;
    }
    const out = Buffer.allocUnsafe(tagAt);
    if (pt) {
      out.set(pkt.subarray(0, 8), 0);
      out.set(pt, 8);
    } else out.set(pkt.subarray(0, tagAt), 0);
    return out;
  }
}

/** RFC 7714 §8.1: 12-byte IV = salt XOR (0x0000 | SSRC | ROC | SEQ). */
export function gcmRtpIv(salt: Uint8Array, ssrc: number, roc: number, seq: number, iv: Buffer = Buffer.alloc(12)): Buffer {
  iv[0] = salt[0];
  iv[1] = salt[1];
  iv[2] = salt[2] ^ (ssrc >>> 24);
  iv[3] = salt[3] ^ ((ssrc >>> 16) & 0xff);
  iv[4] = salt[4] ^ ((ssrc >>> 8) & 0xff);
  iv[5] = salt[5] ^ (ssrc & 0xff);
  iv[6] = salt[6] ^ (roc >>> 24);
  iv[7] = salt[7] ^ ((roc >>> 16) & 0xff);
  iv[8] = salt[8] ^ ((roc >>> 8) & 0xff);
  iv[9] = salt[9] ^ (roc & 0xff);
  iv[10] = salt[10] ^ (seq >>> 8);
  iv[11] = salt[11] ^ (seq & 0xff);
  return iv;
}

/** RFC 7714 §9.1: 12-byte IV = salt XOR (0x0000 | SSRC | 0x0000 | 0 || SRTCP index). */
export function gcmRtcpIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc >>> 0, 2);
  iv.writeUInt32BE(index & 0x7fffffff, 8);
  for (let i = 0; i < 12; i++) iv[i] ^= salt[i];
  return iv;
}
