/**
 * X.509 certificate decoding (RFC 5280 §4.1) with our own DER reader. The subjectPublicKeyInfo
 * is decoded here to learn the key type, then handed to node:crypto as SPKI DER.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate,
 *                              signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER,
 *     signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *     subjectPublicKeyInfo SubjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
 *     subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT Extensions OPTIONAL }
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { ParseError, bytesEqual } from '@rtcstack/common';
import {
  DerReader,
  TagClass,
  UniversalTag,
  X509_LAYER,
  contentOffset,
  decodeBitString,
  decodeOid,
  readSingle,
  parseDerTree,
  MAX_DER_DEPTH,
  type DerElement,
} from './der.ts';
import { formatName, readName, type DistinguishedName } from './name.ts';
import { Oid, signatureAlgorithmName } from './oids.ts';

export type ParsedKeyType = 'ec-p256' | 'ec-p384' | 'rsa' | 'ed25519' | 'other';

export interface AlgorithmIdentifier {
  readonly oid: string;
  /** The parameters element, if present (NULL for RSA, a curve OID for EC keys). */
  readonly parameters?: DerElement;
  /** The whole AlgorithmIdentifier TLV. */
  readonly der: Uint8Array;
}

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** Contents of extnValue: the DER of the extension's own value. */
  readonly value: Uint8Array;
}

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly publicKey: KeyObject;
  readonly keyType: ParsedKeyType;
  /** As node's X509Certificate.subject prints it: "C=US\nO=Acme\nCN=host". */
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** OpenSSL's name ("ecdsa-with-SHA256", "sha256WithRSAEncryption", "ED25519"), else the OID. */
  readonly signatureAlgorithm: string;
  /** Uppercase hex of the serial number's magnitude, "-" first if negative (node's form). */
  readonly serialHex: string;
  // Everything else a verifier or a lab may want.
  readonly version: 1 | 2 | 3;
  readonly serial: bigint;
  /** The TBSCertificate TLV: the bytes the signature covers (RFC 5280 §4.1.1.3). */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithmId: AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  readonly issuerName: DistinguishedName;
  readonly subjectName: DistinguishedName;
  /** The SubjectPublicKeyInfo TLV, as given to crypto.createPublicKey. */
  readonly spki: Uint8Array;
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  /** The raw subjectPublicKey bits (an EC point, an RSAPublicKey, an Ed25519 key). */
  readonly publicKeyBytes: Uint8Array;
  readonly extensions: readonly Extension[];
}

function fail(field: string, offset: number, reason: string): never {
  throw new ParseError(X509_LAYER, field, offset, reason);
}

function readAlgorithmIdentifier(r: DerReader, field: string): AlgorithmIdentifier {
  const { element, reader } = r.sequenceElement(field);
  const oid = reader.oid(`${field}.algorithm`);
  const parameters = reader.atEnd ? undefined : reader.next(`${field}.parameters`);
  reader.done(field);
  return { oid, parameters, der: element.raw };
}

/** RFC 5480 §2.1.1 / RFC 8017 App. C / RFC 8410 §3: the key type from the SPKI algorithm. */
function keyTypeOf(alg: AlgorithmIdentifier): ParsedKeyType {
  if (alg.oid === Oid.rsaEncryption) return 'rsa';
  if (alg.oid === Oid.ed25519) return 'ed25519';
  if (alg.oid === Oid.ecPublicKey && alg.parameters) {
    const p = alg.parameters;
    if (p.cls === TagClass.universal && p.tagNumber === UniversalTag.objectIdentifier && !p.constructed) {
      const curve = decodeOid(p.value, 'subjectPublicKeyInfo.algorithm.parameters', contentOffset(p));
      if (curve === Oid.prime256v1) return 'ec-p256';
      if (curve === Oid.secp384r1) return 'ec-p384';
    }
  }
  return 'other';
}

/** Uppercase hex of |n|, an even number of digits, "-" first if negative. */
export function serialToHex(n: bigint): string {
  const neg = n < 0n;
  let h = (neg ? -n : n).toString(16).toUpperCase();
  if (h.length % 2) h = '0' + h;
  return (neg ? '-' : '') + h;
}

export interface SubjectPublicKeyInfo {
  /** The SubjectPublicKeyInfo TLV. */
  readonly der: Uint8Array;
  readonly algorithm: AlgorithmIdentifier;
  readonly keyType: ParsedKeyType;
  /** The subjectPublicKey BIT STRING contents (no unused bits allowed). */
  readonly publicKeyBytes: Uint8Array;
  /** node:crypto's key, loaded from the same DER. */
  readonly publicKey: KeyObject;
}

/**
 * node:crypto's key for a SubjectPublicKeyInfo. A P-256 key with an uncompressed point
 * (04 || X || Y, RFC 5480 §2.2) is imported as a JWK (RFC 7518 §6.2.1: "x" and "y" in
 * base64url): node validates the point either way, but the JWK path skips OpenSSL 3's generic
 * DER decoder and costs about a third less (~70 instead of ~105 µs). Every other key as DER.
 */
function loadPublicKey(keyType: ParsedKeyType, point: Uint8Array, spkiDer: Uint8Array): KeyObject {
  if (keyType === 'ec-p256' && point.length === 65 && point[0] === 0x04) {
    const b = Buffer.from(point.buffer, point.byteOffset, point.byteLength);
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b.toString('base64url', 1, 33), y: b.toString('base64url', 33, 65) }, format: 'jwk' });
  }
  return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
}

/**
 * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 * (RFC 5280 §4.1.2.7): decoded by us for the key type, then loaded by node:crypto as SPKI DER.
 */
function decodeSpki(el: DerElement, buf: Uint8Array, field: string): SubjectPublicKeyInfo {
  const spki = DerReader.of(el, buf);
  const algorithm = readAlgorithmIdentifier(spki, `${field}.algorithm`);
  const bitsAt = spki.offset;
  const keyBits = spki.bitString(`${field}.subjectPublicKey`);
  if (keyBits.unusedBits !== 0) fail(`${field}.subjectPublicKey`, bitsAt, 'key BIT STRING has unused bits');
  spki.done(field);
  const keyType = keyTypeOf(algorithm);
  let publicKey: KeyObject;
  try {
    publicKey = loadPublicKey(keyType, keyBits.bytes, el.raw);
  } catch (e) {
    fail(field, el.offset, `node:crypto rejected the key: ${e instanceof Error ? e.message : String(e)}`);
  }
  // A second opinion on the key type: what we decoded must agree with what node loaded.
  const nodeType = publicKey.asymmetricKeyType;
  const agrees =
    keyType === 'other' ||
    (keyType === 'rsa' && nodeType === 'rsa') ||
    (keyType === 'ed25519' && nodeType === 'ed25519') ||
    ((keyType === 'ec-p256' || keyType === 'ec-p384') && nodeType === 'ec');
  if (!agrees) fail(field, el.offset, `decoded ${keyType} but node:crypto loaded ${nodeType}`);
  return { der: el.raw, algorithm, keyType, publicKeyBytes: keyBits.bytes, publicKey };
}

/** A standalone SubjectPublicKeyInfo (e.g. "-----BEGIN PUBLIC KEY-----" DER). */
export function parseSubjectPublicKeyInfo(der: Uint8Array): SubjectPublicKeyInfo {
  const el = readSingle(der, 'subjectPublicKeyInfo');
  if (el.cls !== TagClass.universal || el.tagNumber !== UniversalTag.sequence) {
    fail('subjectPublicKeyInfo', 0, 'SubjectPublicKeyInfo must be a SEQUENCE');
  }
  return decodeSpki(el, der, 'subjectPublicKeyInfo');
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const root = readSingle(der, 'certificate');
  if (root.cls !== TagClass.universal || root.tagNumber !== UniversalTag.sequence) {
    fail('certificate', 0, 'a certificate must be a SEQUENCE');
  }
  const cert = DerReader.of(root, der);

  // TBSCertificate (RFC 5280 §4.1.2)
  const { element: tbsEl, reader: tbs } = cert.sequenceElement('tbsCertificate');
  let version: 1 | 2 | 3 = 1;
  const explicitVersion = tbs.optionalExplicit(0, 'tbsCertificate.version');
  if (explicitVersion) {
    const at = explicitVersion.reader.offset;
    const v = explicitVersion.reader.integer('tbsCertificate.version');
    explicitVersion.reader.done('tbsCertificate.version');
    // DER omits a DEFAULT value (X.690 §11.5), so an explicit v1 (0) is not DER.
    if (v === 0n) fail('tbsCertificate.version', at, 'version v1 must be omitted in DER (DEFAULT)');
    if (v !== 1n && v !== 2n) fail('tbsCertificate.version', at, `unknown version ${v}`);
    version = v === 1n ? 2 : 3;
  }
  const serial = tbs.integer('tbsCertificate.serialNumber');
  const innerSig = readAlgorithmIdentifier(tbs, 'tbsCertificate.signature');
  const issuerName = readName(tbs, 'tbsCertificate.issuer');
  const validity = tbs.sequence('tbsCertificate.validity');
  const notBefore = validity.time('tbsCertificate.validity.notBefore');
  const notAfter = validity.time('tbsCertificate.validity.notAfter');
  validity.done('tbsCertificate.validity');
  const subjectName = readName(tbs, 'tbsCertificate.subject');

  // SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)
  const spkiEl = tbs.sequenceElement('tbsCertificate.subjectPublicKeyInfo').element;
  const key = decodeSpki(spkiEl, der, 'tbsCertificate.subjectPublicKeyInfo');

  // Unique identifiers (v2, v3) and extensions (v3 only), RFC 5280 §4.1.2.8-9.
  for (const [n, name] of [
    [1, 'issuerUniqueID'],
    [2, 'subjectUniqueID'],
  ] as const) {
    const at = tbs.offset;
    const uid = tbs.optionalImplicit(n, `tbsCertificate.${name}`);
    if (uid) {
      if (version === 1) fail(`tbsCertificate.${name}`, at, 'unique identifiers need version 2 or 3');
      decodeBitString(uid.value, `tbsCertificate.${name}`, contentOffset(uid));
    }
  }
  const extensions: Extension[] = [];
  const extAt = tbs.offset;
  const explicitExt = tbs.optionalExplicit(3, 'tbsCertificate.extensions');
  if (explicitExt) {
    if (version !== 3) fail('tbsCertificate.extensions', extAt, 'extensions need version 3');
    const list = explicitExt.reader.sequence('tbsCertificate.extensions');
    explicitExt.reader.done('tbsCertificate.extensions');
    // Extensions is SIZE (1..MAX), but @peculiar/x509 (werift's certificates) writes an empty
    // SEQUENCE. That breaks a constraint, not a DER rule; OpenSSL accepts it and so do we.
    for (let i = 0; !list.atEnd; i++) {
      const f = `tbsCertificate.extensions[${i}]`;
      const at = list.offset;
      const ext = list.sequence(f);
      const oid = ext.oid(`${f}.extnID`);
      let critical = false;
      const p = ext.peek();
      if (p && p.cls === TagClass.universal && p.tagNumber === UniversalTag.boolean) {
        const cAt = ext.offset;
        critical = ext.boolean(`${f}.critical`);
        if (!critical) fail(`${f}.critical`, cAt, 'critical FALSE must be omitted in DER (DEFAULT)');
      }
      const value = ext.octetString(`${f}.extnValue`);
      ext.done(f);
      // RFC 5280 §4.2: at most one instance of a given extension.
      if (extensions.some((e) => e.oid === oid)) fail(f, at, `duplicate extension ${oid}`);
      extensions.push({ oid, critical, value });
    }
  }
  tbs.done('tbsCertificate');

  const sigAlg = readAlgorithmIdentifier(cert, 'signatureAlgorithm');
  const sigAt = cert.offset;
  const sigBits = cert.bitString('signatureValue');
  if (sigBits.unusedBits !== 0) fail('signatureValue', sigAt, 'signature BIT STRING has unused bits');
  cert.done('certificate');
  // The schema above skips what it does not interpret (ANY parameters, non-string name values):
  // one pass over the whole tree makes sure every nested TLV is strict DER too.
  parseDerTree(der, MAX_DER_DEPTH, 'certificate');
  // RFC 5280 §4.1.1.2: the outer algorithm MUST equal the one inside the signed part.
  if (!bytesEqual(sigAlg.der, innerSig.der)) {
    fail('signatureAlgorithm', sigAt - sigAlg.der.length, 'differs from tbsCertificate.signature');
  }

  return {
    der,
    publicKey: key.publicKey,
    keyType: key.keyType,
    subject: formatName(subjectName),
    issuer: formatName(issuerName),
    notBefore,
    notAfter,
    signatureAlgorithm: signatureAlgorithmName[sigAlg.oid] ?? sigAlg.oid,
    serialHex: serialToHex(serial),
    version,
    serial,
    tbs: tbsEl.raw,
    signatureAlgorithmId: sigAlg,
    signatureValue: sigBits.bytes,
    issuerName,
    subjectName,
    spki: spkiEl.raw,
    publicKeyAlgorithm: key.algorithm,
    publicKeyBytes: key.publicKeyBytes,
    extensions,
  };
}
