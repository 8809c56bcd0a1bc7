/**
 * `npm run lab:srtp -- [options] [packet-hex]`: protect (or unprotect) ONE packet step by step.
 *
 *   --profile NAME   SRTP_AES128_CM_HMAC_SHA1_80 (default), _32, SRTP_AEAD_AES_128_GCM,
 *                    SRTP_AEAD_AES_256_GCM (SDES names like AEAD_AES_128_GCM work too)
 *   --key HEX        master key      (default: libsrtp's test key for the profile)
 *   --salt HEX       master salt
 *   --roc N          rollover counter of the packet (default 0)
 *   --unprotect      the packet is SRTP; verify and decrypt it
 *   --rtcp           the packet is RTCP / SRTCP (then --index N sets the SRTCP index, default 1)
 *   --json           print the result as JSON (output packet as hex) for scripts
 *   Exit status 1 when --unprotect rejects the packet (the JSON then has "result": "<reason>").
 *
 * Without a packet, the built-in example is libsrtp's reference packet (test/srtp_driver.c,
 * srtp_validate / srtp_validate_gcm): SSRC cafebabe, SEQ 1234, 16 bytes of 0xab.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { fromHex, hexDump, readU32 as u32, toHex } from '@rtcstack/common';
import {
  aesCmIv,
  AesCmKeystream,
  deriveSessionKeys,
  gcmRtcpIv,
  gcmRtpIv,
  HmacSha1,
  KDF_LABELS,
  kdfPrfInput,
  resolveProfile,
  rtpHeaderLength,
  SrtpContext,
  type SrtpProfile,
} from '../src/index.ts';

// Bad arguments (a key of the wrong length, a packet that is not RTP, ...): one line, exit 2.
process.on('uncaughtException', (e) => {
  console.error(`lab:srtp: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});

const args = process.argv.slice(2);
const flag = (n: string): boolean => args.includes(n);
const value = (n: string): string | undefined => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : undefined;
};
const valued = new Set(['--profile', '--key', '--salt', '--roc', '--index']);
const positional = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));

const json = flag('--json');
const unprotect = flag('--unprotect');
const rtcp = flag('--rtcp');
const profile: SrtpProfile = resolveProfile(value('--profile') ?? 'SRTP_AES128_CM_HMAC_SHA1_80');
const gcm = profile.kind === 'aead-aes-gcm';

// libsrtp test/srtp_driver.c: test_key (AES-CM) and test_key_gcm, and the reference packets.
const EXAMPLE = {
  key: gcm ? '000102030405060708090a0b0c0d0e0f' + (profile.keyLength === 32 ? '101112131415161718191a1b1c1d1e1f' : '') : 'e1f97a0d3e018be0d64fa32c06de4139',
  salt: gcm ? 'a0a1a2a3a4a5a6a7a8a9aaab' : '0ec675ad498afeebb6960b3aabe6',
  rtp: '800f1234decafbadcafebabeabababababababababababababababab',
  rtcp: '81c8000bcafebabeabababababababababababababababab',
};
const masterKey = fromHex(value('--key') ?? EXAMPLE.key);
const masterSalt = fromHex(value('--salt') ?? EXAMPLE.salt);
const roc = Number(value('--roc') ?? 0) >>> 0;
const srtcpIndex = Number(value('--index') ?? 1) & 0x7fffffff;

const out: string[] = [];
const say = (s = ''): void => {
  out.push(s);
};
const hx = (b: Uint8Array): string => toHex(b);
const report: Record<string, unknown> = { mode: unprotect ? 'unprotect' : 'protect', kind: rtcp ? 'rtcp' : 'rtp', profile: profile.name };

// ---- 1. keys ---------------------------------------------------------------------------------
say(`SRTP lab — ${unprotect ? 'UNPROTECT' : 'PROTECT'} one ${rtcp ? 'RTCP' : 'RTP'} packet with ${profile.name} (0x${profile.id.toString(16).padStart(4, '0')})`);
say(`  cipher ${profile.kind}, master key ${profile.keyLength} B, master salt ${profile.saltLength} B, ${rtcp ? 'SRTCP' : 'SRTP'} tag ${rtcp ? profile.rtcpTagLength : profile.rtpTagLength} B`);
say();
say('1. Master key and salt (from DTLS-SRTP: RFC 5764 §4.2 exporter, or --key/--salt)');
say(`   master key   ${hx(masterKey)}`);
say(`   master salt  ${hx(masterSalt)}`);
const keys = deriveSessionKeys(profile, { key: masterKey, salt: masterSalt });
const dir = rtcp ? keys.rtcp : keys.rtp;
say();
say(`2. Session keys (RFC 3711 §4.3, kdr = 0): AES-${masterKey.length * 8} in counter mode keyed with the master key,`);
say('   input x*2^16 where x = master salt XOR (label << 48); the label picks the key');
const labels = rtcp
  ? ([['encryption key', KDF_LABELS.rtcpEncryption, dir.encryptionKey], ['auth key', KDF_LABELS.rtcpAuth, dir.authKey], ['salt', KDF_LABELS.rtcpSalt, dir.salt]] as const)
  : ([['encryption key', KDF_LABELS.rtpEncryption, dir.encryptionKey], ['auth key', KDF_LABELS.rtpAuth, dir.authKey], ['salt', KDF_LABELS.rtpSalt, dir.salt]] as const);
for (const [name, label, k] of labels) {
  if (k.length === 0) {
    say(`   label ${label} (${name}): not used — GCM authenticates with the encryption key`);
    continue;
  }
  say(`   label ${label} ${name.padEnd(15)} PRF input ${hx(kdfPrfInput(masterSalt, label))} -> ${hx(k)}`);
}
report.masterKey = hx(masterKey);
report.masterSalt = hx(masterSalt);
report.sessionKeys = { encryptionKey: hx(dir.encryptionKey), authKey: hx(dir.authKey), salt: hx(dir.salt) };

// ---- 2. the packet -----------------------------------------------------------------------------
let pkt: Uint8Array;
if (positional[0]) pkt = fromHex(positional.join(''));
else if (!unprotect) pkt = fromHex(rtcp ? EXAMPLE.rtcp : EXAMPLE.rtp);
else {
  // Built-in unprotect example: protect the example first (same as libsrtp's reference packet).
  const c = new SrtpContext(profile, { key: masterKey, salt: masterSalt });
  const plain = fromHex(rtcp ? EXAMPLE.rtcp : EXAMPLE.rtp);
  if (rtcp) c.setOutboundRtcpIndex(0xcafebabe, srtcpIndex);
  else c.setOutboundRoc(0xcafebabe, roc);
  pkt = rtcp ? c.protectRtcp(plain) : c.protectRtp(plain);
}
report.input = hx(pkt);

const tagLen = rtcp ? profile.rtcpTagLength : profile.rtpTagLength;
say();
say(`3. The ${unprotect ? 'protected ' : ''}packet (${pkt.length} bytes)`);
say(hexDump(pkt, '   '));

let outPkt: Uint8Array | undefined;
if (!rtcp) {
  const end = unprotect ? pkt.length - tagLen : pkt.length;
  if (end < 12) throw new Error(`a ${pkt.length}-byte packet is shorter than the 12-byte RTP header${unprotect ? ` plus the ${tagLen}-byte tag` : ''}`);
  const h = rtpHeaderLength(pkt, end);
  const seq = (pkt[2] << 8) | pkt[3];
  const ssrc = u32(pkt, 8);
  say(`   RTP header ${h} B: V=${pkt[0] >> 6} P=${(pkt[0] >> 5) & 1} X=${(pkt[0] >> 4) & 1} CC=${pkt[0] & 15} M=${pkt[1] >> 7} PT=${pkt[1] & 0x7f} SEQ=${seq} TS=${u32(pkt, 4)} SSRC=0x${ssrc.toString(16).padStart(8, '0')}`);
  say(`   the header stays in the clear; bytes ${h}..${end - 1} are the ${unprotect ? 'encrypted ' : ''}payload${unprotect ? `, the last ${tagLen} the tag` : ''}`);
  const index = roc * 65536 + seq;
  say();
  say(`4. Packet index (RFC 3711 §3.3.1): i = ROC * 2^16 + SEQ = ${roc} * 65536 + ${seq} = ${index} (0x${index.toString(16).padStart(12, '0')})`);
  say('   the ROC is never sent: both sides count wraps of SEQ (a receiver estimates it, Appendix A)');
  const body = pkt.subarray(h, end);
  let iv: Uint8Array;
  let ks: Uint8Array;
  let tag: Uint8Array;
  let cipherText: Uint8Array;
  let plainPayload: Uint8Array;
  say();
  if (!gcm) {
    iv = aesCmIv(dir.salt, ssrc, roc, seq);
    say('5. IV (RFC 3711 §4.1.1) = (salt * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)');
    say(`   salt*2^16  ${hx(dir.salt)}0000`);
    say(`   SSRC*2^64  00000000${ssrc.toString(16).padStart(8, '0')}0000000000000000`);
    say(`   i*2^16     0000000000000000${index.toString(16).padStart(12, '0')}0000`);
    say(`   IV         ${hx(iv)}`);
    ks = new AesCmKeystream(dir.encryptionKey, dir.salt).keystream(ssrc, roc, seq, body.length).subarray(0, body.length);
    say();
    say('6. Keystream = AES_k(IV), AES_k(IV+1), ... (one block per 16 payload bytes)');
    say(hexDump(ks, '   '));
    const xored = new Uint8Array(body.length).map((_, k) => body[k] ^ ks[k]);
    cipherText = unprotect ? body : xored;
    plainPayload = unprotect ? xored : body;
    const mac = new HmacSha1(dir.authKey);
    const authed = new Uint8Array(h + cipherText.length + 4);
    authed.set(pkt.subarray(0, h), 0);
    authed.set(cipherText, h);
    new DataView(authed.buffer).setUint32(h + cipherText.length, roc);
    const full = mac.mac(authed);
    tag = full.subarray(0, tagLen);
    say();
    say(`7. ${unprotect ? 'Plaintext' : 'Ciphertext'} = ${unprotect ? 'ciphertext' : 'payload'} XOR keystream`);
    say(hexDump(unprotect ? plainPayload : cipherText, '   '));
    say();
    say('8. Tag (RFC 3711 §4.2) = first bytes of HMAC-SHA1(auth key, header | ciphertext | ROC)');
    say('   the ROC (4 bytes) is appended for the MAC only: it is authenticated, never sent');
    say(hexDump(authed, '   '));
    say(`   HMAC-SHA1  ${hx(full)}`);
    say(`   tag        ${hx(tag)} (${tagLen} bytes)`);
  } else {
    iv = gcmRtpIv(dir.salt, ssrc, roc, seq);
    say('5. IV (RFC 7714 §8.1) = salt XOR (00 00 | SSRC | ROC | SEQ), 12 bytes');
    say(`   salt       ${hx(dir.salt)}`);
    say(`   0|SSRC|ROC|SEQ 0000${ssrc.toString(16).padStart(8, '0')}${roc.toString(16).padStart(8, '0')}${seq.toString(16).padStart(4, '0')}`);
    say(`   IV         ${hx(iv)}`);
    const alg = profile.keyLength === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
    say();
    say('6. AES-GCM: AAD = the RTP header (authenticated, not encrypted); the payload is encrypted in');
    say('   counter mode from IV||00000002 and GHASH over AAD and ciphertext gives the 16-byte tag');
    say(`   AAD        ${hx(pkt.subarray(0, h))}`);
    if (!unprotect) {
      const c = createCipheriv(alg, dir.encryptionKey, iv);
      c.setAAD(pkt.subarray(0, h));
      cipherText = new Uint8Array(c.update(body));
      c.final();
      tag = new Uint8Array(c.getAuthTag());
      plainPayload = body;
    } else {
      cipherText = body;
      tag = pkt.subarray(end);
      const d = createDecipheriv(alg, dir.encryptionKey, iv);
      d.setAAD(pkt.subarray(0, h));
      d.setAuthTag(tag);
      plainPayload = new Uint8Array(d.update(body));
      try {
        d.final();
      } catch {
        say('   TAG DOES NOT VERIFY');
      }
    }
    ks = new Uint8Array(body.length).map((_, k) => cipherText[k] ^ plainPayload[k]);
    say();
    say('7. Keystream (= ciphertext XOR plaintext), then the other side:');
    say(hexDump(ks, '   '));
    say(`   ${unprotect ? 'plaintext' : 'ciphertext'}:`);
    say(hexDump(unprotect ? plainPayload : cipherText, '   '));
    say();
    say(`8. Tag (GCM, 16 bytes): ${hx(tag)}`);
  }
  report.header = { length: h, seq, ssrc, roc, index };
  report.iv = hx(iv);
  report.keystream = hx(ks);
  report.ciphertext = hx(cipherText);
  report.plaintext = hx(plainPayload);
  report.tag = hx(tag);
  const ctx = new SrtpContext(profile, { key: masterKey, salt: masterSalt });
  if (unprotect) {
    ctx.addInboundSsrc(ssrc, roc);
    const r = ctx.unprotectRtp(pkt);
    say();
    if (r.ok) {
      outPkt = r.packet;
      say(`9. Received tag ${hx(pkt.subarray(end))} matches (constant-time compare): the packet is authentic.`);
      say('   Only now may the replay window and ROC move (RFC 3711 §3.3.2). The RTP packet:');
    } else say(`9. REJECTED: ${r.reason}`);
    report.result = r.ok ? 'ok' : r.reason;
  } else {
    ctx.setOutboundRoc(ssrc, roc);
    outPkt = ctx.protectRtp(pkt);
    const byHand = hx(pkt.subarray(0, h)) + hx(cipherText) + hx(tag);
    say();
    say(`9. The SRTP packet = header | ciphertext | tag — ${byHand === hx(outPkt) ? 'identical to' : 'DIFFERS FROM'} SrtpContext.protectRtp:`);
    report.matchesContext = byHand === hx(outPkt);
  }
} else {
  // RTCP: header (8 bytes) clear, the rest encrypted, then E||index and the tag.
  const ssrc = u32(pkt, 4);
  const ctx = new SrtpContext(profile, { key: masterKey, salt: masterSalt });
  say(`   RTCP header: V=${pkt[0] >> 6} PT=${pkt[1]} length=${(pkt[2] << 8) | pkt[3]} sender SSRC=0x${ssrc.toString(16).padStart(8, '0')}`);
  say('   the first 8 bytes stay in the clear (RFC 3711 §3.4); the rest of the compound packet is encrypted');
  let index = srtcpIndex;
  if (unprotect) {
    const at = gcm ? pkt.length - 4 : pkt.length - tagLen - 4;
    const word = u32(pkt, at);
    index = word & 0x7fffffff;
    say(`   E||SRTCP index at byte ${at}: ${hx(pkt.subarray(at, at + 4))} -> E=${word >>> 31} index=${index}`);
  }
  const iv = gcm ? gcmRtcpIv(dir.salt, ssrc, index) : aesCmIv(dir.salt, ssrc, index >>> 16, index & 0xffff);
  say();
  say(gcm ? '4. IV (RFC 7714 §9.1) = salt XOR (00 00 | SSRC | 00 00 | index)' : '4. IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (SRTCP index * 2^16)');
  say(`   IV ${hx(iv)}`);
  if (unprotect) {
    ctx.addInboundSsrc(ssrc);
    const r = ctx.unprotectRtcp(pkt);
    say(r.ok ? '5. Tag verified; decrypted RTCP:' : `5. REJECTED: ${r.reason}`);
    if (r.ok) outPkt = r.packet;
    report.result = r.ok ? 'ok' : r.reason;
  } else {
    ctx.setOutboundRtcpIndex(ssrc, index);
    outPkt = ctx.protectRtcp(pkt);
    say(gcm ? '5. SRTCP = header | ciphertext | 16-byte tag | E||index (AAD = header | E||index, §9.2):' : '5. SRTCP = header | ciphertext | E||index | tag (HMAC over everything before the tag):');
  }
  report.header = { ssrc, srtcpIndex: index };
  report.iv = hx(iv);
}
if (outPkt) {
  say(hexDump(outPkt, '   '));
  report.output = hx(outPkt);
}

if (json) console.log(JSON.stringify(report, null, 2));
else console.log(out.join('\n'));
// A rejected packet is a failure for scripts too.
if (report.result !== undefined && report.result !== 'ok') process.exitCode = 1;
