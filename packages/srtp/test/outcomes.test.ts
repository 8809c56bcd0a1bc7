import { describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import { ALL_PROFILES, SRTP_PROFILES, SrtpContext } from '../src/index.ts';
import { keysFor, pair, rtcpRr, rtp } from './helpers.ts';

describe.each(ALL_PROFILES.map((p) => [p.name, p] as const))('%s', (_name, p) => {
  it('RTP round trip keeps the header (CSRCs, extension) in the clear and encrypts the payload', () => {
    const { alice, bob } = pair(p);
    const plain = rtp({ seq: 7, csrcs: [1, 2], extension: new Uint8Array([0x10, 0xaa, 0, 0]) });
    const prot = alice.protectRtp(plain);
    const h = 12 + 8 + 8;
    expect(prot.length).toBe(plain.length + p.rtpTagLength);
    expect(toHex(prot.subarray(0, h))).toBe(toHex(plain.subarray(0, h)));
    expect(toHex(prot.subarray(h, plain.length))).not.toBe(toHex(plain.subarray(h)));
    const r = bob.unprotectRtp(prot);
    expect(r.ok && toHex(r.packet)).toBe(toHex(plain));
  });

  it('RTCP round trip: header in the clear, E||index trailer, tag', () => {
    const { alice, bob } = pair(p);
    const plain = rtcpRr();
    const prot = alice.protectRtcp(plain);
    expect(prot.length).toBe(plain.length + 4 + p.rtcpTagLength);
    expect(toHex(prot.subarray(0, 8))).toBe(toHex(plain.subarray(0, 8)));
    const at = p.kind === 'aead-aes-gcm' ? prot.length - 4 : plain.length;
    expect(toHex(prot.subarray(at, at + 4))).toBe('80000001');
    const r = bob.unprotectRtcp(prot);
    expect(r.ok && toHex(r.packet)).toBe(toHex(plain));
    expect(bob.unprotectRtcp(alice.protectRtcp(plain))).toMatchObject({ ok: true, index: 2 });
  });

  it('a tampered tag is an auth failure, counted', () => {
    const { alice, bob } = pair(p);
    const prot = new Uint8Array(alice.protectRtp(rtp({ seq: 1 })));
    prot[prot.length - 1] ^= 0x01;
    expect(bob.unprotectRtp(prot)).toMatchObject({ ok: false, reason: 'auth-failed', ssrc: 0x11223344 });
    const rtcp = new Uint8Array(alice.protectRtcp(rtcpRr()));
    rtcp[rtcp.length - 1] ^= 0x80;
    expect(bob.unprotectRtcp(rtcp)).toMatchObject({ ok: false, reason: 'auth-failed' });
    expect(bob.stats.authFailed).toBe(2);
  });

  it('a tampered payload, header or ROC-affecting SEQ is an auth failure', () => {
    const { alice, bob } = pair(p);
    for (const at of [1, 3, 5, 9, 12, 40]) {
      const prot = new Uint8Array(alice.protectRtp(rtp({ seq: 100 + at })));
      prot[at] ^= 0x04;
      expect(bob.unprotectRtp(prot), `byte ${at}`).toMatchObject({ ok: false, reason: 'auth-failed' });
    }
    // The SRTCP E||index trailer is authenticated too.
    const rtcp = new Uint8Array(alice.protectRtcp(rtcpRr()));
    rtcp[p.kind === 'aead-aes-gcm' ? rtcp.length - 1 : rtcp.length - p.rtcpTagLength - 1] ^= 0x02;
    expect(bob.unprotectRtcp(rtcp)).toMatchObject({ ok: false, reason: 'auth-failed' });
  });

  it('the wrong key is an auth failure', () => {
    const prot = new SrtpContext(p, keysFor(p, 1)).protectRtp(rtp({ seq: 1 }));
    expect(new SrtpContext(p, keysFor(p, 3)).unprotectRtp(prot)).toMatchObject({ ok: false, reason: 'auth-failed' });
  });

  it('a truncated packet is a ParseError naming the field, counted', () => {
    const { alice, bob } = pair(p);
    const prot = alice.protectRtp(rtp({ seq: 1, csrcs: [1, 2, 3] }));
    const short = bob.unprotectRtp(prot.subarray(0, 12 + p.rtpTagLength - 1));
    expect(short).toMatchObject({ ok: false, reason: 'parse-error' });
    if (!short.ok && short.reason === 'parse-error') expect(short.error.field).toBe('srtp.length');
    // CSRCs that run into the tag
    const r = bob.unprotectRtp(prot.subarray(0, 12 + 8 + p.rtpTagLength));
    expect(r.ok === false && r.reason === 'parse-error' && r.error.field).toBe('rtp.csrc');
    expect(bob.unprotectRtcp(alice.protectRtcp(rtcpRr()).subarray(0, 11 + p.rtcpTagLength))).toMatchObject({
      ok: false,
      reason: 'parse-error',
    });
    // Not version 2
    const v1 = new Uint8Array(alice.protectRtp(rtp({ seq: 2 })));
    v1[0] = 0x40;
    const bad = bob.unprotectRtp(v1);
    expect(bad.ok === false && bad.reason === 'parse-error' && bad.error.field).toBe('rtp.version');
    expect(bob.stats.parseErrors).toBe(4);
  });

  it('a replayed packet is rejected, counted, and does not disturb the stream', () => {
    const { alice, bob } = pair(p);
    const a = alice.protectRtp(rtp({ seq: 1 }));
    const b = alice.protectRtp(rtp({ seq: 2 }));
    expect(bob.unprotectRtp(a).ok).toBe(true);
    expect(bob.unprotectRtp(a)).toMatchObject({ ok: false, reason: 'replayed', index: 1 });
    expect(bob.unprotectRtp(b).ok).toBe(true);
    const c = alice.protectRtcp(rtcpRr());
    expect(bob.unprotectRtcp(c).ok).toBe(true);
    expect(bob.unprotectRtcp(c)).toMatchObject({ ok: false, reason: 'replayed', index: 1 });
    expect(bob.stats).toMatchObject({ replayed: 2, rtpUnprotected: 2, rtcpUnprotected: 1 });
  });

  it('packets older than the replay window are rejected as replays', () => {
    const { alice, bob } = pair(p, { replayWindow: 64 });
    const old = alice.protectRtp(rtp({ seq: 1 }));
    for (let s = 2; s < 200; s++) alice.protectRtp(rtp({ seq: s }));
    expect(bob.unprotectRtp(alice.protectRtp(rtp({ seq: 200 }))).ok).toBe(true);
    expect(bob.unprotectRtp(old)).toMatchObject({ ok: false, reason: 'replayed' });
  });

  it('unknown SSRC: rejected when contexts are not auto-created, accepted once registered', () => {
    const { alice, bob } = pair(p, { acceptUnknownSsrc: false });
    const prot = alice.protectRtp(rtp({ seq: 1, ssrc: 0xabcdef01 }));
    expect(bob.unprotectRtp(prot)).toMatchObject({ ok: false, reason: 'unknown-ssrc', ssrc: 0xabcdef01 });
    expect(bob.unprotectRtcp(alice.protectRtcp(rtcpRr(0xabcdef01)))).toMatchObject({ ok: false, reason: 'unknown-ssrc' });
    expect(bob.stats.unknownSsrc).toBe(2);
    bob.inbound.addInboundSsrc(0xabcdef01);
    expect(bob.unprotectRtp(prot).ok).toBe(true);
  });

  it('default (WebRTC) behaviour: a new SSRC gets a context, but only once it authenticates', () => {
    const { alice, bob } = pair(p);
    const forged = new Uint8Array(alice.protectRtp(rtp({ seq: 9, ssrc: 0x01020304 })));
    forged[forged.length - 2] ^= 0xff;
    expect(bob.unprotectRtp(forged)).toMatchObject({ ok: false, reason: 'auth-failed' });
    expect(bob.inbound.inboundRoc(0x01020304)).toBeUndefined();
    expect(bob.unprotectRtp(alice.protectRtp(rtp({ seq: 10, ssrc: 0x01020304 }))).ok).toBe(true);
    expect(bob.inbound.inboundRoc(0x01020304)).toBe(0);
  });

  it('protect refuses a non-RTP packet with a ParseError', () => {
    const { alice } = pair(p);
    expect(() => alice.protectRtp(new Uint8Array(8))).toThrow(/srtp: rtp.header/);
  });
});

it('SRTP_AES128_CM_HMAC_SHA1_32: 4-byte SRTP tag, but SRTCP keeps the 80-bit tag (RFC 5764 §4.1.2)', () => {
  const p = SRTP_PROFILES.SRTP_AES128_CM_HMAC_SHA1_32;
  const { alice } = pair(p);
  expect(alice.protectRtp(rtp({ seq: 1 })).length).toBe(rtp({ seq: 1 }).length + 4);
  expect(alice.protectRtcp(rtcpRr()).length).toBe(rtcpRr().length + 4 + 10);
});
