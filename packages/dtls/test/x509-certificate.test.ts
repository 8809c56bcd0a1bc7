/**
 * Our certificates (RFC 5280 §4.1): the generated self-signed ECDSA P-256 certificate parsed by
 * our decoder AND by node's X509Certificate (OpenSSL inside: an independent implementation),
 * tampering, signature checks, fingerprints (RFC 8122 §5), PEM (RFC 7468), the annotated view.
 */
import { X509Certificate, createECDH, createHash, generateKeyPairSync, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParseError, concatBytes, fromHex, seededRandom, toHex } from '@rtcstack/common';
import {
  CertificateError,
  derToPem,
  describeCertificate,
  fingerprint,
  fingerprintMatches,
  formatDerDescription,
  generateCertificate,
  loadPemCertificate,
  parseCertificate,
  parseSubjectPublicKeyInfo,
  pemToDer,
  verifySelfSigned,
  verifySignedBy,
  Oid,
  type FingerprintAlgorithm,
} from '../src/x509/index.ts';
import {
  derBitString,
  derBoolean,
  derExplicit,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derTime,
  encodeDerTree,
  parseDerTree,
} from '../src/x509/der.ts';
import { encodeName } from '../src/x509/name.ts';
import { encodeEcP256Spki, signCertificate } from '../src/x509/generate.ts';

const NOW = Date.UTC(2026, 10, 23, 12, 34, 56, 789);
const DAY = 86_400_000;
const local = generateCertificate({ now: NOW, random: seededRandom(1) });
const der = local.der;

function parseErrorOf(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw new Error(`expected ParseError, got ${String(e)}`);
  }
  throw new Error('expected ParseError, but it parsed');
}

const spkiOf = (k: { export(o: { type: 'spki'; format: 'der' }): Buffer }): string => toHex(k.export({ type: 'spki', format: 'der' }));

describe('generateCertificate: self-signed ECDSA P-256, ecdsa-with-SHA256', () => {
  const parsed = parseCertificate(der);

  it('parses with our decoder into the fields we put in', () => {
    expect(parsed.version).toBe(3);
    expect(parsed.keyType).toBe('ec-p256');
    expect(parsed.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(parsed.signatureAlgorithmId.oid).toBe(Oid.ecdsaWithSHA256);
    // RFC 5758 §3.2: ecdsa-with-SHA256 has no parameters.
    expect(parsed.signatureAlgorithmId.parameters).toBeUndefined();
    expect(parsed.subject).toBe('CN=WebRTC');
    expect(parsed.issuer).toBe('CN=WebRTC');
    expect(parsed.notBefore.getTime()).toBe(Math.floor((NOW - DAY) / 1000) * 1000);
    expect(parsed.notAfter.getTime()).toBe(Math.floor((NOW + 30 * DAY) / 1000) * 1000);
    expect(parsed.extensions).toEqual([]);
    expect(spkiOf(parsed.publicKey)).toBe(spkiOf(local.publicKey));
    expect(local.keyType).toBe('ecdsa-p256');
  });

  it('draws a positive 16-octet serial from the injected RandomSource (RFC 5280 §4.1.2.2)', () => {
    expect(parsed.serialHex).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(parsed.serial > 0n).toBe(true);
    const again = parseCertificate(generateCertificate({ now: NOW, random: seededRandom(1) }).der);
    expect(again.serialHex).toBe(parsed.serialHex);
    const other = parseCertificate(generateCertificate({ now: NOW, random: seededRandom(2) }).der);
    expect(other.serialHex).not.toBe(parsed.serialHex);
  });

  it('encodes the SubjectPublicKeyInfo exactly as node:crypto exports it (RFC 5480 §2)', () => {
    expect(toHex(encodeEcP256Spki(local.publicKey))).toBe(spkiOf(local.publicKey));
    expect(toHex(parsed.spki)).toBe(spkiOf(local.publicKey));
  });

  it('verifies its own signature', () => {
    expect(verifySelfSigned(parsed)).toBe(true);
    expect(verifySignedBy(parsed, local.publicKey)).toBe(true);
  });

  it('is accepted by node X509Certificate with the same fields', () => {
    const x = new X509Certificate(der);
    expect(x.subject).toBe(parsed.subject);
    expect(x.issuer).toBe(parsed.issuer);
    expect(x.serialNumber).toBe(parsed.serialHex);
    expect(new Date(x.validFrom).getTime()).toBe(parsed.notBefore.getTime());
    expect(new Date(x.validTo).getTime()).toBe(parsed.notAfter.getTime());
    expect(x.verify(local.publicKey)).toBe(true);
    expect(x.checkIssued(x)).toBe(true);
    expect(x.checkPrivateKey(local.privateKey)).toBe(true);
    expect(x.fingerprint256).toBe(fingerprint(der, 'sha-256'));
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('honours commonName and validityDays', () => {
    const c = parseCertificate(generateCertificate({ now: NOW, commonName: 'peer-a', validityDays: 365 }).der);
    expect(c.subject).toBe('CN=peer-a');
    expect(c.notAfter.getTime()).toBe(Math.floor((NOW + 365 * DAY) / 1000) * 1000);
  });

  it('refuses nonsense options instead of encoding garbage dates', () => {
    expect(() => generateCertificate({ now: Number.NaN })).toThrow(RangeError);
    expect(() => generateCertificate({ now: NOW, validityDays: 0 })).toThrow(RangeError);
    expect(() => generateCertificate({ now: NOW, validityDays: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('uses GeneralizedTime after 2049 and node still agrees (RFC 5280 §4.1.2.5)', () => {
    const late = generateCertificate({ now: Date.UTC(2049, 11, 20), validityDays: 30 });
    const c = parseCertificate(late.der);
    const tree = parseDerTree(late.der);
    const validity = tree.children?.[0].children?.[4];
    expect(validity?.children?.map((n) => n.tagNumber)).toEqual([23, 24]);
    expect(c.notAfter.toISOString()).toBe('2050-01-19T00:00:00.000Z');
    expect(new Date(new X509Certificate(late.der).validTo).getTime()).toBe(c.notAfter.getTime());
    expect(verifySelfSigned(c)).toBe(true);
  });

  it('round-trips through the generic DER tree byte for byte', () => {
    expect(toHex(encodeDerTree(parseDerTree(der)))).toBe(toHex(der));
  });
});

describe('tampered DER is a ParseError naming field and offset', () => {
  const cases: { name: string; bytes: () => Uint8Array; field: string; offset?: number }[] = [
    { name: 'outer length one too long', bytes: () => withByte(der, 3, der[3] + 1), field: 'certificate.length', offset: 0 },
    { name: 'outer length one too short', bytes: () => withByte(der, 3, der[3] - 1), field: 'certificate' },
    { name: 'truncated by one byte', bytes: () => der.subarray(0, der.length - 1), field: 'certificate.length', offset: 0 },
    { name: 'truncated to the header', bytes: () => der.subarray(0, 4), field: 'certificate.length', offset: 0 },
    { name: 'trailing garbage', bytes: () => concatBytes(der, Uint8Array.of(0)), field: 'certificate', offset: der.length },
    { name: 'outer tag SET instead of SEQUENCE', bytes: () => withByte(der, 0, 0x31), field: 'certificate', offset: 0 },
    { name: 'tbsCertificate tag changed to [0]', bytes: () => withByte(der, 4, 0xa0), field: 'tbsCertificate', offset: 4 },
    { name: 'version tag [0] changed to [1]', bytes: () => withByte(der, 7, 0xa1), field: 'tbsCertificate.serialNumber', offset: 7 },
    { name: 'serialNumber tag changed to OCTET STRING', bytes: () => withByte(der, 12, 0x04), field: 'tbsCertificate.serialNumber', offset: 12 },
    { name: 'indefinite length on the outer SEQUENCE', bytes: () => concatBytes(Uint8Array.of(0x30, 0x80), der.subarray(4), Uint8Array.of(0, 0)), field: 'certificate.length', offset: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = parseErrorOf(() => parseCertificate(c.bytes()));
      expect(e.layer).toBe('x509');
      expect(e.field).toBe(c.field);
      if (c.offset !== undefined) expect(e.offset).toBe(c.offset);
    });
  }
});

function withByte(b: Uint8Array, at: number, v: number): Uint8Array {
  const m = b.slice();
  m[at] = v & 0xff;
  return m;
}

describe('certificate structure rules (RFC 5280 §4.1)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = encodeEcP256Spki(publicKey);
  const name = encodeName([{ oid: Oid.commonName, value: 'x' }]);
  const alg = derSequence(derOid(Oid.ecdsaWithSHA256));
  const validity = derSequence(derTime(new Date(NOW)), derTime(new Date(NOW + DAY)));
  const tbs = (head: Uint8Array[], tail: Uint8Array[] = [], sig = alg): Uint8Array =>
    derSequence(...head, derInteger(5), sig, name, validity, name, spki, ...tail);
  const ext = (oid: string, critical: boolean | undefined, value: Uint8Array): Uint8Array =>
    derSequence(derOid(oid), ...(critical === undefined ? [] : [derBoolean(critical)]), derOctetString(value));
  const v3 = derExplicit(0, derInteger(2));

  it('a v1 certificate (no version field) parses and verifies', () => {
    const c = parseCertificate(signCertificate(tbs([]), privateKey));
    expect(c.version).toBe(1);
    expect(verifySelfSigned(c)).toBe(true);
  });

  it('an explicit v1 version is not DER (DEFAULT, X.690 §11.5)', () => {
    const e = parseErrorOf(() => parseCertificate(signCertificate(tbs([derExplicit(0, derInteger(0))]), privateKey)));
    expect(e.field).toBe('tbsCertificate.version');
  });

  it('an unknown version is refused', () => {
    expect(parseErrorOf(() => parseCertificate(signCertificate(tbs([derExplicit(0, derInteger(7))]), privateKey))).field).toBe('tbsCertificate.version');
  });

  it('extensions parse in v3, with critical flags', () => {
    const bc = derSequence(derBoolean(true));
    const c = parseCertificate(signCertificate(tbs([v3], [derExplicit(3, derSequence(ext(Oid.basicConstraints, true, bc), ext(Oid.subjectKeyIdentifier, undefined, derOctetString(Uint8Array.of(1)))))]), privateKey));
    expect(c.extensions.map((x) => [x.oid, x.critical])).toEqual([
      [Oid.basicConstraints, true],
      [Oid.subjectKeyIdentifier, false],
    ]);
    expect(toHex(c.extensions[0].value)).toBe(toHex(bc));
    expect(new X509Certificate(c.der).ca).toBe(true);
  });

  it('extensions in a v1 certificate are refused', () => {
    const e = parseErrorOf(() => parseCertificate(signCertificate(tbs([], [derExplicit(3, derSequence(ext(Oid.keyUsage, undefined, Uint8Array.of(3, 1, 0))))]), privateKey)));
    expect(e.field).toBe('tbsCertificate.extensions');
  });

  it('critical FALSE written out is refused (DEFAULT, X.690 §11.5)', () => {
    const e = parseErrorOf(() => parseCertificate(signCertificate(tbs([v3], [derExplicit(3, derSequence(ext(Oid.keyUsage, false, Uint8Array.of(3, 1, 0))))]), privateKey)));
    expect(e.field).toBe('tbsCertificate.extensions[0].critical');
  });

  it('a duplicate extension is refused (RFC 5280 §4.2)', () => {
    const one = ext(Oid.keyUsage, undefined, Uint8Array.of(3, 1, 0));
    const e = parseErrorOf(() => parseCertificate(signCertificate(tbs([v3], [derExplicit(3, derSequence(one, one))]), privateKey)));
    expect(e.field).toBe('tbsCertificate.extensions[1]');
  });

  it('an empty Extensions SEQUENCE is tolerated, as werift (@peculiar/x509) writes one', () => {
    // SIZE (1..MAX) is a constraint, not a DER encoding rule; OpenSSL accepts it too.
    const c = parseCertificate(signCertificate(tbs([v3], [derExplicit(3, derSequence())]), privateKey));
    expect(c.extensions).toEqual([]);
    expect(verifySelfSigned(c)).toBe(true);
  });

  it('the outer signatureAlgorithm must equal tbsCertificate.signature (RFC 5280 §4.1.1.2)', () => {
    const t = tbs([v3], [], derSequence(derOid(Oid.ecdsaWithSHA384)));
    const signed = signCertificate(t, privateKey); // outer says ecdsa-with-SHA256
    expect(parseErrorOf(() => parseCertificate(signed)).field).toBe('signatureAlgorithm');
  });

  it('an EC key that is not on the curve is refused by node:crypto, reported as ParseError', () => {
    const bad = derSequence(derSequence(derOid(Oid.ecPublicKey), derOid(Oid.prime256v1)), derBitString(concatBytes(Uint8Array.of(4), new Uint8Array(64).fill(1))));
    const t = derSequence(v3, derInteger(5), alg, name, validity, name, bad);
    const e = parseErrorOf(() => parseCertificate(signCertificate(t, privateKey)));
    expect(e.field).toBe('tbsCertificate.subjectPublicKeyInfo');
  });
});

describe('signature verification', () => {
  const parsed = parseCertificate(der);

  it('a flipped bit in the signature value fails verification, and node agrees', () => {
    const t = withByte(der, der.length - 1, der[der.length - 1] ^ 0x01);
    const c = parseCertificate(t);
    expect(verifySelfSigned(c)).toBe(false);
    expect(new X509Certificate(t).verify(local.publicKey)).toBe(false);
  });

  it('a changed byte in the signed part (the CN) fails verification', () => {
    const at = toHex(der).indexOf(toHex(new TextEncoder().encode('WebRTC'))) / 2;
    const c = parseCertificate(withByte(der, at, 'w'.charCodeAt(0)));
    expect(c.issuer).toBe('CN=webRTC');
    expect(verifySelfSigned(c)).toBe(false);
  });

  it('another key does not verify it', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifySignedBy(parsed, other)).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(verifySignedBy(parsed, rsa)).toBe(false);
  });

  it('a signature that is not a DER ECDSA-Sig-Value fails instead of throwing', () => {
    const sigAt = der.length - parsed.signatureValue.length;
    const c = parseCertificate(withByte(der, sigAt, 0x31));
    expect(verifySelfSigned(c)).toBe(false);
  });

  it('issuer different from subject is not self-signed, even with a good signature', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const t = derSequence(
      derExplicit(0, derInteger(2)),
      derInteger(9),
      derSequence(derOid(Oid.ecdsaWithSHA256)),
      encodeName([{ oid: Oid.commonName, value: 'ca' }]),
      derSequence(derTime(new Date(NOW)), derTime(new Date(NOW + DAY))),
      encodeName([{ oid: Oid.commonName, value: 'leaf' }]),
      encodeEcP256Spki(publicKey),
    );
    const c = parseCertificate(signCertificate(t, privateKey));
    expect(verifySignedBy(c, publicKey)).toBe(true);
    expect(verifySelfSigned(c)).toBe(false);
  });
});

describe('fingerprints (RFC 8122 §5)', () => {
  const algs: [FingerprintAlgorithm, string][] = [
    ['sha-1', 'sha1'],
    ['sha-224', 'sha224'],
    ['sha-256', 'sha256'],
    ['sha-384', 'sha384'],
    ['sha-512', 'sha512'],
  ];
  for (const [alg, node] of algs) {
    it(`${alg}: uppercase hex pairs joined by ':' of the hash of the DER`, () => {
      const f = fingerprint(der, alg);
      expect(f).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})*$/);
      expect(f.replace(/:/g, '').toLowerCase()).toBe(createHash(node).update(der).digest('hex'));
    });
  }

  it('agrees with node X509Certificate.fingerprint / fingerprint256 / fingerprint512', () => {
    const x = new X509Certificate(der);
    expect(fingerprint(der, 'sha-1')).toBe(x.fingerprint);
    expect(fingerprint(der, 'sha-256')).toBe(x.fingerprint256);
    expect(fingerprint(der, 'sha-512')).toBe(x.fingerprint512);
  });

  it('fingerprintMatches accepts the fingerprint, case-insensitively', () => {
    const f = fingerprint(der, 'sha-256');
    expect(fingerprintMatches(der, { algorithm: 'sha-256', value: f })).toBe(true);
    expect(fingerprintMatches(der, { algorithm: 'SHA-256', value: f.toLowerCase() })).toBe(true);
  });

  it('fingerprintMatches rejects every one-nibble change', () => {
    const f = fingerprint(der, 'sha-256');
    for (let i = 0; i < f.length; i++) {
      if (f[i] === ':') continue;
      const changed = f.slice(0, i) + (f[i] === '0' ? '1' : '0') + f.slice(i + 1);
      expect(fingerprintMatches(der, { algorithm: 'sha-256', value: changed })).toBe(false);
    }
  });

  it('fingerprintMatches rejects the wrong algorithm, unknown algorithms and malformed values', () => {
    const f256 = fingerprint(der, 'sha-256');
    expect(fingerprintMatches(der, { algorithm: 'sha-384', value: f256 })).toBe(false);
    expect(fingerprintMatches(der, { algorithm: 'md5', value: createHash('md5').update(der).digest('hex') })).toBe(false);
    expect(fingerprintMatches(der, { algorithm: 'sha256', value: f256 })).toBe(false);
    for (const v of ['', f256.replace(/:/g, ''), f256 + ':', f256.slice(0, -1), `${f256}:00`, f256.replace(/:/g, '-')]) {
      expect(fingerprintMatches(der, { algorithm: 'sha-256', value: v })).toBe(false);
    }
    const other = generateCertificate({ now: NOW }).der;
    expect(fingerprintMatches(other, { algorithm: 'sha-256', value: f256 })).toBe(false);
  });
});

describe('PEM (RFC 7468)', () => {
  it('derToPem / pemToDer round trip, 64-character lines', () => {
    const pem = derToPem(der, 'CERTIFICATE');
    expect(pem.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
    expect(pem.trimEnd().endsWith('-----END CERTIFICATE-----')).toBe(true);
    for (const line of pem.split('\n').slice(1, -2)) expect(line.length).toBeLessThanOrEqual(64);
    expect(pemToDer(pem).map(toHex)).toEqual([toHex(der)]);
    expect(new X509Certificate(pem).fingerprint256).toBe(fingerprint(der, 'sha-256'));
  });

  it('filters by label, keeps order, ignores text around blocks and CRLF', () => {
    const other = generateCertificate({ now: NOW }).der;
    const text = `subject=CN=WebRTC\r\n${derToPem(der, 'CERTIFICATE')}junk\n${derToPem(Uint8Array.of(1, 2, 3), 'PRIVATE KEY')}${derToPem(other, 'CERTIFICATE')}`.replace(/\n/g, '\r\n');
    expect(pemToDer(text, 'CERTIFICATE').map(toHex)).toEqual([toHex(der), toHex(other)]);
    expect(pemToDer(text).length).toBe(3);
    expect(pemToDer(text, 'PUBLIC KEY')).toEqual([]);
  });

  it('refuses bad base64, mismatched END labels, missing END lines and encrypted PEM', () => {
    const bad = [
      '-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n',
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY-----\n',
      '-----BEGIN CERTIFICATE-----\nMIIB\n',
      '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nMIIB\n-----END RSA PRIVATE KEY-----\n',
    ];
    for (const b of bad) {
      const e = parseErrorOf(() => pemToDer(b));
      expect(e.layer).toBe('x509');
      expect(e.field.startsWith('pem.')).toBe(true);
    }
  });
});

describe('loadPemCertificate', () => {
  it('loads our own certificate and PKCS#8 key back', () => {
    const pem = derToPem(der, 'CERTIFICATE');
    const key = local.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const l = loadPemCertificate(pem, key);
    expect(toHex(l.der)).toBe(toHex(der));
    expect(l.keyType).toBe('ecdsa-p256');
    expect(spkiOf(l.publicKey)).toBe(spkiOf(local.publicKey));
  });

  it('refuses a key that does not belong to the certificate', () => {
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadPemCertificate(derToPem(der, 'CERTIFICATE'), otherKey)).toThrow(CertificateError);
  });

  it('refuses PEM without a certificate, and unreadable keys', () => {
    expect(() => loadPemCertificate('nothing here', 'x')).toThrow(CertificateError);
    expect(() => loadPemCertificate(derToPem(der, 'CERTIFICATE'), 'not a key')).toThrow(CertificateError);
  });
});

describe('describeCertificate: an annotated DER tree for the lab', () => {
  const rows = describeCertificate(der);
  it('names each RFC 5280 field with its offset, tag and length', () => {
    const byMeaning = new Map(rows.map((r) => [r.meaning, r]));
    expect(rows[0]).toMatchObject({ offset: 0, depth: 0, tag: 'SEQUENCE', meaning: 'Certificate', length: der.length - rows[0].header.length / 2 });
    expect(byMeaning.get('serialNumber')).toMatchObject({ offset: 12, tag: 'INTEGER', length: 16 });
    expect(byMeaning.get('notBefore')?.value).toBe(parseCertificate(der).notBefore.toISOString());
    expect(byMeaning.get('value (CN)')?.value).toBe('"WebRTC"');
    expect(byMeaning.get('parameters (namedCurve)')?.value).toBe('1.2.840.10045.3.1.7 (prime256v1)');
    expect(byMeaning.get('subjectPublicKey')?.value).toMatch(/^0 unused bits, 04/);
    expect(byMeaning.get('signatureValue')).toBeDefined();
    // Offsets and headers are real: each row's header bytes are at its offset.
    for (const r of rows) expect(toHex(der.subarray(r.offset, r.offset + r.header.length / 2))).toBe(r.header);
  });

  it('formats one line per element', () => {
    const text = formatDerDescription(rows);
    expect(text.split('\n').length).toBe(rows.length);
    expect(text).toMatch(/tbsCertificate/);
  });

  it('throws ParseError (only) on bad DER', () => {
    expect(() => describeCertificate(der.subarray(0, 10))).toThrow(ParseError);
  });
});

describe('parseCertificate never throws anything but ParseError (fast-check)', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        try {
          parseCertificate(b);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes behind a valid certificate prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length }), fc.uint8Array({ maxLength: 200 }), (cut, tail) => {
        try {
          parseCertificate(concatBytes(der.subarray(0, cut), tail));
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated certificates: ParseError, or a certificate whose DER re-encodes exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: der.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('set', 'insert', 'delete'),
        (edits, how) => {
          let m: Uint8Array = der.slice();
          for (const [at, v] of edits) {
            const i = at % m.length;
            if (how === 'set') m[i] = v;
            else if (how === 'insert') m = concatBytes(m.subarray(0, i), Uint8Array.of(v), m.subarray(i));
            else m = concatBytes(m.subarray(0, i), m.subarray(i + 1));
          }
          let c;
          try {
            c = parseCertificate(m);
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
            return;
          }
          expect(toHex(encodeDerTree(parseDerTree(c.der)))).toBe(toHex(m));
          // Whatever survived parsing, the signature check answers true/false without throwing.
          expect(typeof verifySelfSigned(c)).toBe('boolean');
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('SubjectPublicKeyInfo key types go to node:crypto unchanged', () => {
  it('P-384, RSA and Ed25519 keys are typed from the algorithm identifier', () => {
    const table = [
      ['ec-p384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey],
      ['rsa', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey],
      ['ed25519', generateKeyPairSync('ed25519').publicKey],
      ['other', generateKeyPairSync('x25519').publicKey],
    ] as const;
    for (const [type, key] of table) {
      const spki = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
      const t = derSequence(derInteger(1), derSequence(derOid(Oid.ecdsaWithSHA256)), encodeName([]), derSequence(derTime(new Date(NOW)), derTime(new Date(NOW))), encodeName([]), spki);
      const c = parseCertificate(derSequence(t, derSequence(derOid(Oid.ecdsaWithSHA256)), derBitString(fromHex('3000'))));
      expect(c.keyType).toBe(type);
      expect(spkiOf(c.publicKey)).toBe(spkiOf(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })));
      expect(verifySelfSigned(c)).toBe(false);
    }
  });
});

describe('loading the public key into node:crypto', () => {
  it('a P-256 key with an uncompressed point (loaded as JWK) is exactly the key of its SPKI', () => {
    for (let i = 0; i < 5; i++) {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
      const k = parseSubjectPublicKeyInfo(spki);
      expect(k.keyType).toBe('ec-p256');
      expect(k.publicKeyBytes[0]).toBe(4);
      expect(toHex(new Uint8Array(k.publicKey.export({ format: 'der', type: 'spki' })))).toBe(toHex(spki));
    }
  });

  it('a P-256 key with a compressed point (02/03 || X, RFC 5480 §2.2) still loads, as DER, to the same key', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const compressed = new Uint8Array(ecdh.getPublicKey(undefined, 'compressed'));
    const spki = derSequence(derSequence(derOid(Oid.ecPublicKey), derOid(Oid.prime256v1)), derBitString(compressed));
    const k = parseSubjectPublicKeyInfo(spki);
    expect(k.keyType).toBe('ec-p256');
    const jwk = k.publicKey.export({ format: 'jwk' });
    expect(Buffer.from(jwk.x!, 'base64url').toString('hex')).toBe(toHex(new Uint8Array(ecdh.getPublicKey()).subarray(1, 33)));
  });
});
