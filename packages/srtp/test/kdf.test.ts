import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@rtcstack/common';
import { KDF_LABELS, kdfPrf } from '../src/index.ts';

/*
 * AES_256_CM_PRF, the KDF AEAD_AES_256_GCM uses (RFC 7714 §11). The RFC 3711 B.3 vector in
 * test-vectors/ only exercises the AES-128 PRF, and the RFC 7714 §16/§17 examples start from
 * session keys, so without this case a 256-bit master key is never checked against a known answer.
 * Source: RFC 6188 §7.2 "AES_256_CM_PRF Test Cases", as transcribed in baresip/re
 * test/srtp.c test_srtp_keys256().
 */
const master = {
  key: 'f0f04914b513f2763a1b1fa130f10e29' + '98f6f6e43e4309d1e622a0e332b9f1b6',
  salt: '3b04803de51ee7c96423ab5b78d2',
};
const cases = [
  { what: 'cipher key', label: KDF_LABELS.rtpEncryption, out: '5ba1064e30ec51613cad926c5a28ef73' + '1ec7fb397f70a960653caf06554cd8c4' },
  { what: 'auth key', label: KDF_LABELS.rtpAuth, out: 'fd9c32d39ed5fbb5a9dc96b30818454d1313dc05' },
  { what: 'cipher salt', label: KDF_LABELS.rtpSalt, out: 'fa31791685ca444a9e07c6c64e93' },
];

describe('AES_256_CM_PRF (RFC 6188 §7.2)', () => {
  it.each(cases)('label $label: $what', ({ label, out }) => {
    const want = fromHex(out);
    expect(toHex(kdfPrf(fromHex(master.key), fromHex(master.salt), label, want.length))).toBe(out);
  });
});
