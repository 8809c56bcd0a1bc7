import { constantTimeEqual } from '@rtcstack/common';
import { AesCmKeystream } from './aes-cm.ts';
import { HMAC_BLOCK, HmacSha1 } from './hmac-sha1.ts';
import type { DerivedKeys } from './kdf.ts';
import type { SrtpTransform } from './transform.ts';

/**
 * SRTP_AES128_CM_HMAC_SHA1_80 / _32 (RFC 3711 §4.1.1 encryption, §4.2.1 authentication).
 *
 * SRTP packet:   header | AES-CM(payload) | tag      tag = HMAC-SHA1(k_a, header | ciphertext | ROC)
 * SRTCP packet:  header(8) | AES-CM(rest) | E||index(4) | tag   tag covers everything before it
 */
export class AesCmHmacTransform implements SrtpTransform {
  private readonly rtpKs: AesCmKeystream;
  private readonly rtcpKs: AesCmKeystream;
  private readonly rtpMac: HmacSha1;
  private readonly rtcpMac: HmacSha1;
  /** ipad block + room for an inbound packet: the received bytes are copied in to be hashed. */
  private rtpScratch: Buffer;
  private rtcpScratch: Buffer;

  constructor(
    keys: DerivedKeys,
    readonly rtpTagLength: number,
    readonly rtcpTagLength: number,
  ) {
    this.rtpKs = new AesCmKeystream(keys.rtp.encryptionKey, keys.rtp.salt);
    this.rtcpKs = new AesCmKeystream(keys.rtcp.encryptionKey, keys.rtcp.salt);
    this.rtpMac = new HmacSha1(keys.rtp.authKey);
    this.rtcpMac = new HmacSha1(keys.rtcp.authKey);
    this.rtpScratch = this.rtpMac.scratch(1500);
    this.rtcpScratch = this.rtcpMac.scratch(1500);
  }

  rtcpTrailerAt(len: number): number {
    return len - this.rtcpTagLength - 4;
  }

  protectRtp(pkt: Uint8Array, h: number, ssrc: number, roc: number, seq: number): Uint8Array {
    const len = pkt.length;
    const tag = this.rtpTagLength;
    // [ipad(64) | header | ciphertext | tag]: the packet is built right after the HMAC ipad
    // block so the tag is computed without copying; the caller gets the view after the pad.
    const buf = Buffer.allocUnsafe(HMAC_BLOCK + len + tag);
    buf.set(this.rtpMac.ipad, 0);
    buf.set(pkt.subarray(0, h), HMAC_BLOCK);
    this.rtpKs.xor(ssrc, roc, seq, pkt, h, buf, HMAC_BLOCK + h, len - h);
    // §4.2: the MAC covers the authenticated portion followed by the ROC. The ROC goes where
    // the tag will be (the tag is >= 4 bytes) and is then overwritten by it.
    buf.writeUInt32BE(roc >>> 0, HMAC_BLOCK + len);
    this.rtpMac.prefixed(buf, len + 4).copy(buf, HMAC_BLOCK + len, 0, tag);
    return buf.subarray(HMAC_BLOCK);
  }

  unprotectRtp(pkt: Uint8Array, h: number, ssrc: number, roc: number, seq: number): Uint8Array | undefined {
    const end = pkt.length - this.rtpTagLength;
    if (this.rtpScratch.length < HMAC_BLOCK + end + 4) this.rtpScratch = this.rtpMac.scratch(end + 4);
    const s = this.rtpScratch;
    s.set(pkt.subarray(0, end), HMAC_BLOCK);
    s.writeUInt32BE(roc >>> 0, HMAC_BLOCK + end);
    const mac = this.rtpMac.prefixed(s, end + 4);
    if (!constantTimeEqual(mac.subarray(0, this.rtpTagLength), pkt.subarray(end))) return undefined;
    const out = Buffer.allocUnsafe(end);
    out.set(pkt.subarray(0, h), 0);
    this.rtpKs.xor(ssrc, roc, seq, pkt, h, out, h, end - h);
    return out;
  }

  protectRtcp(pkt: Uint8Array, ssrc: number, index: number): Uint8Array {
    const len = pkt.length;
    const buf = Buffer.allocUnsafe(HMAC_BLOCK + len + 4 + this.rtcpTagLength);
    buf.set(this.rtcpMac.ipad, 0);
    buf.set(pkt.subarray(0, 8), HMAC_BLOCK);
    this.rtcpKs.xor(ssrc, index >>> 16, index & 0xffff, pkt, 8, buf, HMAC_BLOCK + 8, len - 8);
    buf.writeUInt32BE((0x80000000 | index) >>> 0, HMAC_BLOCK + len); // E = 1: encrypted (§3.4)
    this.rtcpMac.prefixed(buf, len + 4).copy(buf, HMAC_BLOCK + len + 4, 0, this.rtcpTagLength);
    return buf.subarray(HMAC_BLOCK);
  }

  unprotectRtcp(pkt: Uint8Array, ssrc: number, index: number, encrypted: boolean): Uint8Array | undefined {
    const tagAt = pkt.length - this.rtcpTagLength;
    if (this.rtcpScratch.length < HMAC_BLOCK + tagAt) this.rtcpScratch = this.rtcpMac.scratch(tagAt);
    this.rtcpScratch.set(pkt.subarray(0, tagAt), HMAC_BLOCK);
    const mac = this.rtcpMac.prefixed(this.rtcpScratch, tagAt);
    if (!constantTimeEqual(mac.subarray(0, this.rtcpTagLength), pkt.subarray(tagAt))) return undefined;
    const end = tagAt - 4;
    const out = Buffer.allocUnsafe(end);
    if (!encrypted) {
      out.set(pkt.subarray(0, end), 0);
      return out;
    }
    out.set(pkt.subarray(0, 8), 0);
    this.rtcpKs.xor(ssrc, index >>> 16, index & 0xffff, pkt, 8, out, 8, end - 8);
    return out;
  }
}
