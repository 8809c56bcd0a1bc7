import { describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import { ALL_PROFILES, keyingMaterialLength, splitKeyingMaterial, srtpSessionFromDtls } from '../src/index.ts';
import { rtcpRr, rtp } from './helpers.ts';

describe('DTLS-SRTP keying material (RFC 5764 §4.2)', () => {
  it.each([
    ['SRTP_AES128_CM_HMAC_SHA1_80', 60],
    ['SRTP_AES128_CM_HMAC_SHA1_32', 60],
    ['SRTP_AEAD_AES_128_GCM', 56],
    ['SRTP_AEAD_AES_256_GCM', 88],
  ] as const)('%s needs %i bytes', (name, n) => {
    expect(keyingMaterialLength(name)).toBe(n);
  });

  it('splits client key | server key | client salt | server salt', () => {
    const m = new Uint8Array(60).map((_, i) => i);
    const { client, server } = splitKeyingMaterial(0x0001, m);
    expect(toHex(client.key)).toBe(toHex(m.subarray(0, 16)));
    expect(toHex(server.key)).toBe(toHex(m.subarray(16, 32)));
    expect(toHex(client.salt)).toBe(toHex(m.subarray(32, 46)));
    expect(toHex(server.salt)).toBe(toHex(m.subarray(46, 60)));
    const g = splitKeyingMaterial('SRTP_AEAD_AES_128_GCM', m); // 60 exported, first 56 used
    expect(toHex(g.client.salt)).toBe(toHex(m.subarray(32, 44)));
    expect(toHex(g.server.salt)).toBe(toHex(m.subarray(44, 56)));
    expect(() => splitKeyingMaterial('SRTP_AEAD_AES_256_GCM', m)).toThrow(RangeError);
  });

  for (const p of ALL_PROFILES) {
    it(`${p.name}: the client's and the server's sessions talk to each other`, () => {
      const keyingMaterial = new Uint8Array(keyingMaterialLength(p)).map((_, i) => (i * 37 + 11) & 0xff);
      const client = srtpSessionFromDtls({ profile: p.id, keyingMaterial, role: 'client' });
      const server = srtpSessionFromDtls({ profile: p.id, keyingMaterial, role: 'server' });
      const a = rtp({ seq: 1 });
      expect(toHex((server.unprotectRtp(client.protectRtp(a)) as { packet: Uint8Array }).packet)).toBe(toHex(a));
      expect(toHex((client.unprotectRtp(server.protectRtp(a)) as { packet: Uint8Array }).packet)).toBe(toHex(a));
      expect(server.unprotectRtcp(client.protectRtcp(rtcpRr())).ok).toBe(true);
      // A packet reflected back to its sender does not authenticate: the directions use different keys.
      expect(client.unprotectRtp(client.protectRtp(rtp({ seq: 2 })))).toMatchObject({ ok: false, reason: 'auth-failed' });
    });
  }
});
