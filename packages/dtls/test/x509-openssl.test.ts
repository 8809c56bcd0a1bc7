/**
 * Real peer: OpenSSL 3. Our generated certificate goes through `openssl x509 -text`, `openssl
 * verify` and `-fingerprint`; certificates made by `openssl req -x509` (ECDSA P-256, P-384,
 * RSA 2048, Ed25519) go through our decoder and must agree with OpenSSL and node's
 * X509Certificate. Skips when `openssl` is missing, unless REQUIRE_REAL_PEERS is set.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import {
  CertificateError,
  derToPem,
  describeCertificate,
  fingerprint,
  generateCertificate,
  loadPemCertificate,
  parseCertificate,
  pemToDer,
  verifySelfSigned,
  type ParsedKeyType,
} from '../src/x509/index.ts';
import { encodeDerTree, parseDerTree } from '../src/x509/der.ts';

const haveOpenssl = spawnSync('openssl', ['version'], { timeout: 10_000 }).status === 0;
const required = Boolean(process.env.REQUIRE_REAL_PEERS);
if (!haveOpenssl && !required) {
  console.warn('x509-openssl.test.ts: `openssl` not found, skipping the OpenSSL interop tests (REQUIRE_REAL_PEERS makes this a failure)');
}

function openssl(args: string[], input?: string): string {
  const r = spawnSync('openssl', args, { timeout: 30_000, input, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** "SHA256 Fingerprint=AB:CD:..." (the prefix's case differs between OpenSSL versions). */
function opensslFingerprint(pemFile: string, alg: 'sha1' | 'sha256' | 'sha512'): string {
  const out = openssl(['x509', '-in', pemFile, '-noout', '-fingerprint', `-${alg}`]).trim();
  return out.slice(out.indexOf('=') + 1);
}

/** "Signature Algorithm: ecdsa-with-SHA256" (the first one, inside Data). */
function opensslSignatureAlgorithm(text: string): string {
  const m = /Signature Algorithm: (\S+)/.exec(text);
  if (!m) throw new Error('no Signature Algorithm line');
  return m[1];
}

describe.skipIf(!haveOpenssl && !required)('OpenSSL 3 and our certificates', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rtcstack-x509-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('openssl is installed', () => {
    expect(haveOpenssl).toBe(true);
  });

  describe('our generated certificate, read by OpenSSL', () => {
    const local = generateCertificate({ now: Date.now(), commonName: 'rtcstack' });
    const parsed = parseCertificate(local.der);

    it('`openssl x509 -inform DER -text` prints what we encoded', () => {
      const derFile = join(dir, 'ours.der');
      writeFileSync(derFile, local.der);
      const text = openssl(['x509', '-inform', 'DER', '-in', derFile, '-noout', '-text']);
      expect(text).toMatch(/Version: 3 \(0x2\)/);
      expect(opensslSignatureAlgorithm(text)).toBe('ecdsa-with-SHA256');
      expect(text).toMatch(/Issuer: CN = rtcstack/);
      expect(text).toMatch(/Subject: CN = rtcstack/);
      expect(text).toMatch(/ASN1 OID: prime256v1/);
      const serial = /Serial Number:\s*\n\s*([0-9a-f:]+)/.exec(text)?.[1];
      expect(serial?.replace(/:/g, '').toUpperCase()).toBe(parsed.serialHex);
    });

    it('`openssl verify` accepts its self-signature, and rejects a tampered one', () => {
      const pemFile = join(dir, 'ours.pem');
      writeFileSync(pemFile, derToPem(local.der, 'CERTIFICATE'));
      // -check_ss_sig: OpenSSL does not check a trust anchor's own signature unless asked.
      expect(openssl(['verify', '-check_ss_sig', '-CAfile', pemFile, pemFile]).trim()).toBe(`${pemFile}: OK`);
      const bad = local.der.slice();
      bad[bad.length - 1] ^= 0x01;
      const badFile = join(dir, 'tampered.pem');
      writeFileSync(badFile, derToPem(bad, 'CERTIFICATE'));
      const r = spawnSync('openssl', ['verify', '-check_ss_sig', '-CAfile', badFile, badFile], { timeout: 30_000, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(verifySelfSigned(parseCertificate(bad))).toBe(false);
    });

    it('fingerprints equal `openssl x509 -fingerprint`', () => {
      const pemFile = join(dir, 'ours-fp.pem');
      writeFileSync(pemFile, derToPem(local.der, 'CERTIFICATE'));
      expect(fingerprint(local.der, 'sha-256')).toBe(opensslFingerprint(pemFile, 'sha256'));
      expect(fingerprint(local.der, 'sha-1')).toBe(opensslFingerprint(pemFile, 'sha1'));
      expect(fingerprint(local.der, 'sha-512')).toBe(opensslFingerprint(pemFile, 'sha512'));
    });

    it('`openssl asn1parse` walks the same tree (offsets, depth, lengths)', () => {
      const derFile = join(dir, 'ours-asn1.der');
      writeFileSync(derFile, local.der);
      const lines = openssl(['asn1parse', '-inform', 'DER', '-in', derFile]).trim().split('\n');
      const theirs = lines.map((l) => {
        const m = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)/.exec(l);
        if (!m) throw new Error(`unexpected asn1parse line ${l}`);
        return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])].join('/');
      });
      const ours = describeCertificate(local.der).map((r) => [r.offset, r.depth, r.header.length / 2, r.length].join('/'));
      expect(ours).toEqual(theirs);
    });
  });

  const kinds: { name: string; newkey: string[]; keyType: ParsedKeyType; subj: string; extra?: string[]; loadable: boolean }[] = [
    { name: 'ECDSA P-256', newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], keyType: 'ec-p256', subj: '/C=DE/O=rtcstack, test/CN=p256.example', loadable: true },
    { name: 'ECDSA P-384', newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], keyType: 'ec-p384', subj: '/CN=p384.example+serialNumber=42', loadable: false },
    { name: 'RSA 2048', newkey: ['-newkey', 'rsa:2048'], keyType: 'rsa', subj: '/C=FR/L=Orléans/CN=Grüße rsa', extra: ['-utf8'], loadable: true },
    { name: 'Ed25519', newkey: ['-newkey', 'ed25519'], keyType: 'ed25519', subj: '/O=#hash;semi/CN= spaced ', loadable: false },
  ];

  for (const k of kinds) {
    describe(`a certificate from \`openssl req -x509\` with ${k.name}`, () => {
      let certPem = '';
      let keyPem = '';
      let certFile = '';
      let keyFile = '';
      let text = '';
      beforeAll(() => {
        const base = join(dir, k.name.replace(/\W+/g, '-'));
        certFile = `${base}.crt`;
        keyFile = `${base}.key`;
        openssl(['req', '-x509', ...k.newkey, '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '3', '-subj', k.subj, ...(k.extra ?? [])]);
        certPem = readFileSync(certFile, 'utf8');
        keyPem = readFileSync(keyFile, 'utf8');
        text = openssl(['x509', '-in', certFile, '-noout', '-text']);
      });

      it('parses with our decoder, agreeing with node X509Certificate and `openssl x509 -text`', () => {
        const [der] = pemToDer(certPem, 'CERTIFICATE');
        const c = parseCertificate(der);
        const x = new X509Certificate(certPem);
        expect(c.keyType).toBe(k.keyType);
        expect(c.subject).toBe(x.subject);
        expect(c.issuer).toBe(x.issuer);
        expect(c.serialHex).toBe(x.serialNumber);
        expect(c.notBefore.getTime()).toBe(new Date(x.validFrom).getTime());
        expect(c.notAfter.getTime()).toBe(new Date(x.validTo).getTime());
        expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(3 * 86_400_000);
        expect(toHex(c.publicKey.export({ type: 'spki', format: 'der' }))).toBe(toHex(x.publicKey.export({ type: 'spki', format: 'der' })));
        expect(c.signatureAlgorithm).toBe(opensslSignatureAlgorithm(text));
        expect(c.version).toBe(3);
        // The extensions OpenSSL lists, with their critical flags, in order.
        const listed = [...text.matchAll(/^\s+X509v3 [A-Za-z ]+:( critical)?\s*$/gm)]
          .filter((m) => !m[0].includes('X509v3 extensions:'))
          .map((m) => m[1] !== undefined);
        expect(listed.length).toBeGreaterThan(0);
        expect(c.extensions.map((e) => e.critical)).toEqual(listed);
        expect(verifySelfSigned(c)).toBe(true);
        expect(toHex(encodeDerTree(parseDerTree(der)))).toBe(toHex(der));
      });

      it('the DER equals `openssl x509 -outform DER`, and fingerprints equal OpenSSL’s', () => {
        const [der] = pemToDer(certPem, 'CERTIFICATE');
        const r = spawnSync('openssl', ['x509', '-in', certFile, '-outform', 'DER'], { timeout: 30_000 });
        expect(toHex(new Uint8Array(r.stdout))).toBe(toHex(der));
        expect(fingerprint(der, 'sha-256')).toBe(opensslFingerprint(certFile, 'sha256'));
        expect(fingerprint(der, 'sha-1')).toBe(opensslFingerprint(certFile, 'sha1'));
        expect(fingerprint(der, 'sha-256')).toBe(new X509Certificate(certPem).fingerprint256);
      });

      if (k.loadable) {
        it('loadPemCertificate takes it with its PKCS#8 key and with the traditional key format', () => {
          const want = k.keyType === 'rsa' ? 'rsa' : 'ecdsa-p256';
          const trad =
            k.keyType === 'rsa'
              ? openssl(['rsa', '-in', keyFile, '-traditional'])
              : openssl(['ec', '-in', keyFile]);
          expect(trad).toMatch(k.keyType === 'rsa' ? /BEGIN RSA PRIVATE KEY/ : /BEGIN EC PRIVATE KEY/);
          for (const key of [keyPem, trad]) {
            const l = loadPemCertificate(certPem, key);
            expect(l.keyType).toBe(want);
            expect(toHex(l.der)).toBe(toHex(pemToDer(certPem)[0]));
            const msg = new TextEncoder().encode('DTLS ServerKeyExchange params');
            expect(verify('sha256', msg, l.publicKey, sign('sha256', msg, l.privateKey))).toBe(true);
          }
        });
      } else {
        it('loadPemCertificate refuses it: the DTLS layer signs with ECDSA P-256 or RSA only', () => {
          expect(() => loadPemCertificate(certPem, keyPem)).toThrow(CertificateError);
        });
      }
    });
  }
});
