import { describe, expect, it } from 'vitest';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpPacket,
  SrtcpSession,
  SrtpSession as WeriftSrtp,
} from 'werift';
import { toHex } from '@rtcstack/common';
import { SRTP_PROFILES, SrtpSession } from '../src/index.ts';
import { keysFor, rtcpRr, rtp } from './helpers.ts';

/**
 * Interop with an independent implementation (werift 0.25, pure TypeScript) for the profiles
 * it shares with us: what we protect it unprotects, and the other way round.
 */
const shared = [
  [SRTP_PROFILES.SRTP_AES128_CM_HMAC_SHA1_80, ProtectionProfileAes128CmHmacSha1_80],
  [SRTP_PROFILES.SRTP_AEAD_AES_128_GCM, ProtectionProfileAeadAes128Gcm],
] as const;

describe.each(shared.map(([p, w]) => [p.name, p, w] as const))('%s with werift', (_n, p, wProfile) => {
  const a = keysFor(p, 1); // werift's key
  const b = keysFor(p, 2); // ours
  const wkeys = {
    localMasterKey: Buffer.from(a.key),
    localMasterSalt: Buffer.from(a.salt),
    remoteMasterKey: Buffer.from(b.key),
    remoteMasterSalt: Buffer.from(b.salt),
  };
  const seqs = [65530, 65531, 65533, 65532, 65534, 65535, 0, 1, 2, 3];

  it('RTP: werift protects, we unprotect (across the sequence wrap)', () => {
    const w = new WeriftSrtp({ keys: wkeys, profile: wProfile });
    const ours = new SrtpSession({ profile: p, local: b, remote: a });
    for (const seq of seqs) {
      const plain = rtp({ seq, payload: new Uint8Array(160).fill(seq & 0xff) });
      const pkt = RtpPacket.deSerialize(Buffer.from(plain));
      const r = ours.unprotectRtp(w.encrypt(pkt.payload, pkt.header));
      expect(r.ok && toHex(r.packet), `seq ${seq}`).toBe(toHex(plain));
    }
  });

  it('RTP: we protect, werift unprotects', () => {
    const w = new WeriftSrtp({ keys: wkeys, profile: wProfile });
    const ours = new SrtpSession({ profile: p, local: b, remote: a });
    for (const seq of seqs) {
      const plain = rtp({ seq, payload: new Uint8Array(1200).fill(seq & 0xff) });
      expect(toHex(w.decrypt(Buffer.from(ours.protectRtp(plain)))), `seq ${seq}`).toBe(toHex(plain));
    }
  });

  it('RTCP both ways', () => {
    const w = new SrtcpSession({ keys: wkeys, profile: wProfile });
    const ours = new SrtpSession({ profile: p, local: b, remote: a });
    for (let i = 0; i < 3; i++) {
      const plain = rtcpRr(0x55667788 + i);
      const r = ours.unprotectRtcp(w.encrypt(Buffer.from(plain)));
      expect(r.ok && toHex(r.packet)).toBe(toHex(plain));
      expect(toHex(w.decrypt(Buffer.from(ours.protectRtcp(plain))))).toBe(toHex(plain));
    }
  });
});
