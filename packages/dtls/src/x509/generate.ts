/**
 * Our local certificate: a self-signed ECDSA P-256 certificate built with our DER writer
 * (RFC 5280 §4.1), as WebRTC endpoints make one per peer connection (RFC 8827 §6.5), or a
 * certificate and key loaded from PEM files (e.g. made by `openssl req -x509`).
 * node:crypto supplies the key pair and the signature; every byte of the certificate is ours.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { bytesEqual, cryptoRandom, type RandomSource } from '@rtcstack/common';
import { parseCertificate } from './certificate.ts';
import {
  derBitString,
  derExplicit,
  derInteger,
  derOid,
  derSequence,
  derTime,
  derUnsignedInteger,
} from './der.ts';
import { encodeName } from './name.ts';
import { Oid } from './oids.ts';
import { pemToDer } from './pem.ts';

export type LocalKeyType = 'ecdsa-p256' | 'rsa';

export interface LocalCertificate {
  readonly der: Uint8Array;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyType: LocalKeyType;
}

export interface GenerateCertificateOptions {
  /** Current time in ms (sans-IO: the caller's clock). */
  readonly now: number;
  /** Subject and issuer CN. Default "WebRTC", as browsers use. */
  readonly commonName?: string;
  /** Validity after `now`. Default 30 days. */
  readonly validityDays?: number;
  /** Source of the serial number. Default node:crypto's CSPRNG. */
  readonly random?: RandomSource;
}

/** Everything that goes into our TBSCertificate. */
export interface CertificateTemplate {
  /** Unsigned big-endian serial number (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
  readonly serial: Uint8Array;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
}

const DAY_MS = 86_400_000;
export const SERIAL_OCTETS = 16;

/** RFC 5480 §2: SubjectPublicKeyInfo for a P-256 key, the point uncompressed (04 || X || Y). */
export function encodeEcP256Spki(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new RangeError('not a P-256 public key');
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  const point = new Uint8Array(65);
  point[0] = 0x04;
  point.set(x, 1 + 32 - x.length);
  point.set(y, 33 + 32 - y.length);
  return derSequence(derSequence(derOid(Oid.ecPublicKey), derOid(Oid.prime256v1)), derBitString(point));
}

/** RFC 5758 §3.2: ecdsa-with-SHA256 with the parameters field absent. */
const ecdsaWithSha256 = (): Uint8Array => derSequence(derOid(Oid.ecdsaWithSHA256));

/**
 * TBSCertificate (RFC 5280 §4.1.2): v3, as browsers' WebRTC certificates are, with no
 * extensions; issuer = subject = CN only; validity encoded per §4.1.2.5.
 */
export function encodeTbsCertificate(t: CertificateTemplate): Uint8Array {
  const name = encodeName([{ oid: Oid.commonName, value: t.commonName }]);
  return derSequence(
    derExplicit(0, derInteger(2)),
    derUnsignedInteger(t.serial),
    ecdsaWithSha256(),
    name,
    derSequence(derTime(t.notBefore), derTime(t.notAfter)),
    name,
    t.spki,
  );
}

/** Certificate ::= SEQUENCE { tbs, signatureAlgorithm, signatureValue } signed with `privateKey`. */
export function signCertificate(tbs: Uint8Array, privateKey: KeyObject): Uint8Array {
  // crypto.sign gives the DER ECDSA-Sig-Value that RFC 5758 §3.2 puts in the BIT STRING.
  const signature = new Uint8Array(sign('sha256', tbs, privateKey));
  return derSequence(tbs, ecdsaWithSha256(), derBitString(signature));
}

/** A fresh self-signed ECDSA P-256 certificate, signed ecdsa-with-SHA256. */
export function generateCertificate(opts: GenerateCertificateOptions): LocalCertificate {
  const random = opts.random ?? cryptoRandom;
  const validityDays = opts.validityDays ?? 30;
  if (!Number.isFinite(opts.now)) throw new RangeError('generateCertificate: now must be a finite time in ms');
  if (!(validityDays > 0) || !Number.isFinite(validityDays)) throw new RangeError('generateCertificate: validityDays must be positive');
  const serial = random(SERIAL_OCTETS).slice(0, SERIAL_OCTETS);
  // Positive and exactly 16 octets: top bit clear, next bit set.
  serial[0] = (serial[0] & 0x7f) | 0x40;
  const seconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tbs = encodeTbsCertificate({
    serial,
    commonName: opts.commonName ?? 'WebRTC',
    // A day of slack for peers whose clocks run behind.
    notBefore: seconds(opts.now - DAY_MS),
    notAfter: seconds(opts.now + validityDays * DAY_MS),
    spki: encodeEcP256Spki(publicKey),
  });
  return { der: signCertificate(tbs, privateKey), privateKey, publicKey, keyType: 'ecdsa-p256' };
}

/** Raised by loadPemCertificate for keys the DTLS layer cannot use or that do not match. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

/**
 * A certificate (the first CERTIFICATE block) and its private key from PEM text, e.g. made by
 * `openssl req -x509`. The key may be PKCS#8 ("PRIVATE KEY"), SEC1 ("EC PRIVATE KEY") or PKCS#1
 * ("RSA PRIVATE KEY"), unencrypted. Only ECDSA P-256 and RSA certificates are accepted.
 */
export function loadPemCertificate(certPem: string, keyPem: string): LocalCertificate {
  const blocks = pemToDer(certPem, 'CERTIFICATE');
  if (blocks.length === 0) throw new CertificateError('no "-----BEGIN CERTIFICATE-----" block in the certificate PEM');
  const der = blocks[0];
  const parsed = parseCertificate(der);
  let keyType: LocalKeyType;
  if (parsed.keyType === 'ec-p256') keyType = 'ecdsa-p256';
  else if (parsed.keyType === 'rsa') keyType = 'rsa';
  else throw new CertificateError(`certificate key type ${parsed.keyType} is not supported for DTLS (need ECDSA P-256 or RSA)`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch (e) {
    throw new CertificateError(`cannot read the private key: ${e instanceof Error ? e.message : String(e)}`);
  }
  const spkiOf = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
  if (!bytesEqual(spkiOf(createPublicKey(privateKey)), spkiOf(parsed.publicKey))) {
    throw new CertificateError('the private key does not belong to the certificate');
  }
  return { der, privateKey, publicKey: parsed.publicKey, keyType };
}
