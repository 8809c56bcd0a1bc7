import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureScheme } from '../src/constants.ts';
import { chooseScheme, createSignature, verifySignature } from '../src/signature.ts';
import type { LocalCertificate } from '../src/x509/index.ts';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecCert = { der: new Uint8Array(0), privateKey: ec.privateKey, publicKey: ec.publicKey, keyType: 'ecdsa-p256' } as LocalCertificate;
const rsaCert = { der: new Uint8Array(0), privateKey: rsa.privateKey, publicKey: rsa.publicKey, keyType: 'rsa' } as LocalCertificate;
const data = new TextEncoder().encode('client_random + server_random + params');

describe('signatures (RFC 5246 §4.7; schemes RFC 8446 §4.2.3)', () => {
  it.each([
    ['ecdsa_secp256r1_sha256', SignatureScheme.ecdsa_secp256r1_sha256, ecCert],
    ['rsa_pkcs1_sha256', SignatureScheme.rsa_pkcs1_sha256, rsaCert],
    ['rsa_pss_rsae_sha256', SignatureScheme.rsa_pss_rsae_sha256, rsaCert],
  ] as const)('%s: verifies, and rejects a flipped bit in data or signature', (_n, scheme, cert) => {
    const sig = createSignature(scheme, cert, data);
    expect(verifySignature(scheme, cert.publicKey, data, sig)).toBe(true);
    const d2 = data.slice();
    d2[3] ^= 1;
    expect(verifySignature(scheme, cert.publicKey, d2, sig)).toBe(false);
    const s2 = sig.slice();
    s2[s2.length - 1] ^= 1;
    expect(verifySignature(scheme, cert.publicKey, data, s2)).toBe(false);
  });
  it('a PKCS#1 signature does not pass as PSS, nor the reverse', () => {
    const pkcs1 = createSignature(SignatureScheme.rsa_pkcs1_sha256, rsaCert, data);
    const pss = createSignature(SignatureScheme.rsa_pss_rsae_sha256, rsaCert, data);
    expect(verifySignature(SignatureScheme.rsa_pss_rsae_sha256, rsa.publicKey, data, pkcs1)).toBe(false);
    expect(verifySignature(SignatureScheme.rsa_pkcs1_sha256, rsa.publicKey, data, pss)).toBe(false);
  });
  it('a scheme that does not match the key type never verifies', () => {
    const sig = createSignature(SignatureScheme.ecdsa_secp256r1_sha256, ecCert, data);
    expect(verifySignature(SignatureScheme.rsa_pkcs1_sha256, ec.publicKey, data, sig)).toBe(false);
    expect(verifySignature(0x0603, ec.publicKey, data, sig)).toBe(false); // ecdsa_secp521r1_sha512: not offered
  });
  it('picks our first scheme the peer offered', () => {
    expect(chooseScheme(rsaCert, [0x0401])).toBe(SignatureScheme.rsa_pkcs1_sha256);
    expect(chooseScheme(rsaCert, [0x0401, 0x0804])).toBe(SignatureScheme.rsa_pss_rsae_sha256);
    expect(chooseScheme(ecCert, [0x0401])).toBeUndefined();
  });
});
