import { strict as assert } from 'node:assert';
import { fromHex, readU32, toHex } from '@rtcstack/common';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import {
  AesCmKeystream,
  aesCmIv,
  gcmRtpIv,
  kdfPrf,
  kdfPrfInput,
  resolveProfile,
  SrtpContext,
  type DerivedKeys,
} from '../src/index.ts';

/**
 * Checks for test-vectors/{rfc3711,rfc6188,rfc7714,libsrtp}-srtp.json.
 *  kdf:              input {masterKey, masterSalt, label}; expected {prfInput?, output}
 *  aes-cm-keystream: input {sessionKey, sessionSalt, roc, seq, ssrc}; expected {blocks: [{block, counter, keystream}]}
 *  rtp-protect / rtp-unprotect / rtcp-protect / rtcp-unprotect:
 *    input {profile, masterKey+masterSalt | sessionKey+sessionSalt, packet, srtcpIndex?}; expected {packet, iv?}
 *    A fresh context per case, as libsrtp's driver does (so replay state never interferes).
 */
interface PacketInput {
  profile: string;
  masterKey?: string;
  masterSalt?: string;
  sessionKey?: string;
  sessionSalt?: string;
  packet: string;
  srtcpIndex?: number;
}
interface PacketExpected {
  packet: string;
  iv?: string;
}

const norm = (h: string): string => toHex(fromHex(h));

function contextFor(i: PacketInput): SrtpContext {
  const profile = resolveProfile(i.profile);
  if (i.sessionKey && i.sessionSalt) {
    // RFC 7714 §16/§17 state session keys; the same key and salt serve SRTP and SRTCP there.
    const k = { encryptionKey: fromHex(i.sessionKey), authKey: new Uint8Array(0), salt: fromHex(i.sessionSalt) };
    const keys: DerivedKeys = { rtp: k, rtcp: k };
    return new SrtpContext(profile, keys);
  }
  return new SrtpContext(profile, { key: fromHex(i.masterKey ?? ''), salt: fromHex(i.masterSalt ?? '') });
}

function packetCase(c: VectorCase): { ctx: SrtpContext; input: PacketInput; expected: PacketExpected } {
  const input = c.input as PacketInput;
  return { ctx: contextFor(input), input, expected: c.expected as PacketExpected };
}

function unprotected(r: ReturnType<SrtpContext['unprotectRtp']>): string {
  if (!r.ok) throw new Error(`unprotect failed: ${r.reason}`);
  return toHex(r.packet);
}

export const checks: VectorChecks = {
  kdf(c) {
    const i = c.input as { masterKey: string; masterSalt: string; label: number };
    const e = c.expected as { prfInput?: string; output: string };
    const salt = fromHex(i.masterSalt);
    // RFC 3711 B.3 prints the first AES input block; RFC 6188 §7.2 does not.
    if (e.prfInput !== undefined) assert.equal(toHex(kdfPrfInput(salt, i.label)), norm(e.prfInput), 'PRF input x*2^16');
    const want = fromHex(e.output);
    assert.equal(toHex(kdfPrf(fromHex(i.masterKey), salt, i.label, want.length)), toHex(want));
  },

  'aes-cm-keystream'(c) {
    const i = c.input as { sessionKey: string; sessionSalt: string; roc: number; seq: number; ssrc: number };
    const e = c.expected as { blocks: { block: number; counter: string; keystream: string }[] };
    const salt = fromHex(i.sessionSalt);
    const ks = new AesCmKeystream(fromHex(i.sessionKey), salt);
    const last = Math.max(...e.blocks.map((b) => b.block));
    const stream = ks.keystream(i.ssrc, i.roc, i.seq, (last + 1) * 16);
    const iv = aesCmIv(salt, i.ssrc, i.roc, i.seq);
    for (const b of e.blocks) {
      const ctr = new Uint8Array(iv);
      const sum = ((ctr[14] << 8) | ctr[15]) + b.block;
      ctr[14] = (sum >>> 8) & 0xff;
      ctr[15] = sum & 0xff;
      assert.equal(toHex(ctr), norm(b.counter), `counter of block ${b.block}`);
      assert.equal(toHex(stream.subarray(b.block * 16, b.block * 16 + 16)), norm(b.keystream), `keystream block ${b.block}`);
    }
  },

  'rtp-protect'(c) {
    const { ctx, input, expected } = packetCase(c);
    const pkt = fromHex(input.packet);
    assert.equal(toHex(ctx.protectRtp(pkt)), norm(expected.packet));
    if (expected.iv) {
      const ssrc = readU32(pkt, 8);
      assert.equal(toHex(gcmRtpIv(ctx.keys.rtp.salt, ssrc, 0, (pkt[2] << 8) | pkt[3])), norm(expected.iv), 'IV');
    }
  },

  'rtp-unprotect'(c) {
    const { ctx, input, expected } = packetCase(c);
    assert.equal(unprotected(ctx.unprotectRtp(fromHex(input.packet))), norm(expected.packet));
  },

  'rtcp-protect'(c) {
    const { ctx, input, expected } = packetCase(c);
    const pkt = fromHex(input.packet);
    if (input.srtcpIndex !== undefined) {
      ctx.setOutboundRtcpIndex(readU32(pkt, 4), input.srtcpIndex);
    }
    assert.equal(toHex(ctx.protectRtcp(pkt)), norm(expected.packet));
  },

  'rtcp-unprotect'(c) {
    const { ctx, input, expected } = packetCase(c);
    assert.equal(unprotected(ctx.unprotectRtcp(fromHex(input.packet))), norm(expected.packet));
  },
};
