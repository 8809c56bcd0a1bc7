import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@rtcstack/common';
import { AesCmKeystream } from './aes-cm.ts';
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
  private readonly rtpAuthKey: Uint8Array;
  private readonly rtcpAuthKey: Uint8Array;
  private readonly rocBytes = Buffer.alloc(4);

  constructor(
    keys: DerivedKeys,
    readonly rtpTagLength: number,
    readonly rtcpTagLength: number,
  ) {
    this.rtpKs = new AesCmKeystream(keys.rtp.encryptionKey, keys.rtp.salt);
    this.rtcpKs = new AesCmKeystream(keys.rtcp.encryptionKey, keys.rtcp.salt);
    this.rtpAuthKey = keys.rtp.authKey;
    this.rtcpAuthKey = keys.rtcp.authKey;
  }

  rtcpTrailerAt(len: number): number {
    return len - this.rtcpTagLength - 4;
  }

  protectRtp(pkt: Uint8Array, h: number, ssrc: number, roc: number, seq: number): Uint8Array {
    const len = pkt.length;
    const out = Buffer.allocUnsafe(len + this.rtpTagLength);
    out.set(pkt.subarray(0, h), 0);
    this.rtpKs.xor(ssrc, roc, seq, pkt, h, out, h, len - h);
    // §4.2: the MAC covers the authenticated portion followed by the ROC. Put the ROC where the
    // tag will go (the tag is >= 4 bytes) so HMAC sees one contiguous buffer.
    out.writeUInt32BE(roc >>> 0, len);
    const mac = createHmac('sha1', this.rtpAuthKey).update(out.subarray(0, len + 4)).digest();
    mac.copy(out, len, 0, this.rtpTagLength);
    return out;
  }

  unprotectRtp(pkt: Uint8Array, h: number, ssrc: number, roc: number, seq: number): Uint8Array | undefined {
    const end = pkt.length - this.rtpTagLength;
    this.rocBytes.writeUInt32BE(roc >>> 0, 0);
    const mac = createHmac('sha1', this.rtpAuthKey).update(pkt.subarray(0, end)).update(this.rocBytes).digest();
    if (!constantTimeEqual(mac.subarray(0, this.rtpTagLength), pkt.subarray(end))) return undefined;
    const out = Buffer.allocUnsafe(end);
    out.set(pkt.subarray(0, h), 0);
    this.rtpKs.xor(ssrc, roc, seq, pkt, h, out, h, end - h);
    return out;
  }

  protectRtcp(pkt: Uint8Array, ssrc: number, index: number): Uint8Array {
    const len = pkt.length;
    const out = Buffer.allocUnsafe(len + 4 + this.rtcpTagLength);
    out.set(pkt.subarray(0, 8), 0);
    this.rtcpKs.xor(ssrc, index >>> 16, index & 0xffff, pkt, 8, out, 8, len - 8);
    out.writeUInt32BE((0x80000000 | index) >>> 0, len); // E = 1: encrypted (§3.4)
    const mac = createHmac('sha1', this.rtcpAuthKey).update(out.subarray(0, len + 4)).digest();
    mac.copy(out, len + 4, 0, this.rtcpTagLength);
    return out;
  }

  unprotectRtcp(pkt: Uint8Array, ssrc: number, index: number, encrypted: boolean): Uint8Array | undefined {
    const tagAt = pkt.length - this.rtcpTagLength;
    const mac = createHmac('sha1', this.rtcpAuthKey).update(pkt.subarray(0, tagAt)).digest();
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
