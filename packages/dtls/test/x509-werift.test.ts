/**
 * werift's certificates (made by @peculiar/x509, a pure-TypeScript X.509 stack) through our
 * decoder: a second, independent producer of the certificates our DTLS peers will send.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from 'werift';
import { toHex } from '@rtcstack/common';
import { fingerprint, loadPemCertificate, parseCertificate, pemToDer, verifySelfSigned } from '../src/x509/index.ts';

// werift's enums: SignatureAlgorithm ecdsa = 3, rsa = 1; HashAlgorithm sha256 = 4; secp256r1 = 23.
const kinds = [
  { name: 'ECDSA P-256', signatureHash: { hash: 4, signature: 3 }, keyType: 'ec-p256', local: 'ecdsa-p256', sig: 'ecdsa-with-SHA256' },
  { name: 'RSA 2048', signatureHash: { hash: 4, signature: 1 }, keyType: 'rsa', local: 'rsa', sig: 'sha256WithRSAEncryption' },
] as const;

describe('werift certificates', () => {
  for (const k of kinds) {
    it(`${k.name}: parse, agree with node, verify, load with the key`, async () => {
      for (let i = 0; i < 3; i++) {
        const { certPem, keyPem } = await createSelfSignedCertificate(k.signatureHash as never, 23 as never);
        const [der] = pemToDer(certPem, 'CERTIFICATE');
        const c = parseCertificate(der);
        const x = new X509Certificate(certPem);
        expect(c.keyType).toBe(k.keyType);
        expect(c.signatureAlgorithm).toBe(k.sig);
        expect(c.subject).toBe(x.subject);
        expect(c.subject).toBe('C=AU\nST=Some-State\nO=Internet Widgits Pty Ltd');
        expect(c.serialHex).toBe(x.serialNumber);
        expect(c.notAfter.getTime()).toBe(new Date(x.validTo).getTime());
        // @peculiar/x509 writes an empty Extensions SEQUENCE (a3 02 30 00): tolerated.
        expect(c.extensions).toEqual([]);
        expect(verifySelfSigned(c)).toBe(true);
        expect(fingerprint(der, 'sha-256')).toBe(x.fingerprint256);
        const l = loadPemCertificate(certPem, keyPem);
        expect(l.keyType).toBe(k.local);
        expect(toHex(l.der)).toBe(toHex(der));
      }
    });
  }
});
