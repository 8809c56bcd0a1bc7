/**
 * Checks for the X.509 / DER vector files (test-vectors/go-asn1-der.json,
 * test-vectors/rfc8410-x509.json), merged into test/vectors.ts. Each check throws on mismatch; a `valid: false` case must raise a
 * ParseError from layer 'x509'.
 */
import { fromHex, isParseError, toHex } from '@rtcstack/common';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import {
  TagClass,
  decodeBitString,
  decodeBoolean,
  decodeGeneralizedTime,
  decodeInteger,
  decodeOid,
  decodeUtcTime,
  derBitString,
  derExplicit,
  derGeneralizedTime,
  derInteger,
  derOctetString,
  derOid,
  derPrintableString,
  derSequence,
  derSetOf,
  derTime,
  derTlv,
  derUtf8String,
  encodeDerTree,
  parseDerTree,
  readHeader,
  type TagClassValue,
} from '../src/x509/der.ts';
import { parseCertificate, parseSubjectPublicKeyInfo } from '../src/x509/certificate.ts';
import { pemToDer } from '../src/x509/pem.ts';

type Json = Record<string, unknown>;
const inp = (c: VectorCase): Json => (c.input ?? {}) as Json;
const exp = (c: VectorCase): Json => (c.expected ?? {}) as Json;

function eq(what: string, got: unknown, want: unknown): void {
  if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

/** Valid cases must not throw; invalid ones must throw a ParseError('x509', ...). */
function run(c: VectorCase, fn: () => void): void {
  if (c.valid !== false) {
    fn();
    return;
  }
  try {
    fn();
  } catch (e) {
    if (!isParseError(e)) throw new Error(`expected a ParseError, got ${String(e)}`);
    if (e.layer !== 'x509') throw new Error(`ParseError from layer ${e.layer}, want x509`);
    const x = exp(c);
    if (x.errorField !== undefined) eq('error field', e.field, x.errorField);
    if (x.errorOffset !== undefined) eq('error offset', e.offset, x.errorOffset);
    return;
  }
  throw new Error(`accepted an input that must be rejected (${c.reason})`);
}

function inputBytes(c: VectorCase): Uint8Array {
  const i = inp(c);
  if (typeof i.pem === 'string') return pemToDer(i.pem, typeof i.label === 'string' ? i.label : undefined)[0];
  return fromHex(String(i.hex));
}

const contents = (c: VectorCase): Uint8Array => fromHex(String(inp(c).contents));
const text = (c: VectorCase): Uint8Array => new TextEncoder().encode(String(inp(c).text));

/** The small value language of der-encode cases (see go-asn1-der.json). */
function encodeValue(v: Json): Uint8Array {
  if ('integer' in v) return derInteger(BigInt(String(v.integer)));
  if ('sequence' in v) return derSequence(...(v.sequence as Json[]).map(encodeValue));
  if ('set' in v) return derSetOf(...(v.set as Json[]).map(encodeValue));
  if ('octets' in v) return derOctetString(fromHex(String(v.octets)));
  if ('explicit' in v) return derExplicit(Number(v.explicit), encodeValue(v.inner as Json));
  if ('time' in v) return derTime(new Date(String(v.time)));
  if ('generalizedTime' in v) return derGeneralizedTime(new Date(String(v.generalizedTime)));
  if ('bitString' in v) return derBitString(fromHex(String(v.bitString)), Number(v.unusedBits ?? 0));
  if ('oid' in v) return derOid(String(v.oid));
  if ('printable' in v) return derPrintableString(String(v.printable));
  if ('utf8' in v) return derUtf8String(String(v.utf8));
  if ('ia5' in v) return derTlv(TagClass.universal, false, 22, new TextEncoder().encode(String(v.ia5)));
  if ('numeric' in v) return derTlv(TagClass.universal, false, 18, new TextEncoder().encode(String(v.numeric)));
  if ('tagged' in v) {
    const t = v.tagged as Json;
    return derTlv(Number(t.class) as TagClassValue, Boolean(t.constructed), Number(t.tag), fromHex(String(t.contents)));
  }
  throw new Error(`unknown value ${JSON.stringify(v)}`);
}

export const x509Checks: VectorChecks = {
  /** input.contents (hex) -> expected.value (boolean) */
  'der-boolean'(c) {
    run(c, () => eq('value', decodeBoolean(contents(c), 'v', 0), exp(c).value));
  },
  /** input.contents (hex) -> expected.value (decimal string) */
  'der-integer'(c) {
    run(c, () => eq('value', decodeInteger(contents(c), 'v', 0).toString(), exp(c).value));
  },
  /** input.contents (hex, with the unused-bits octet) -> expected.bytes (hex), expected.bitLength */
  'der-bit-string'(c) {
    run(c, () => {
      const bs = decodeBitString(contents(c), 'v', 0);
      eq('bytes', toHex(bs.bytes), exp(c).bytes);
      eq('bitLength', bs.bytes.length * 8 - bs.unusedBits, exp(c).bitLength);
    });
  },
  /** input.contents (hex) -> expected.oid (dotted) */
  'der-oid'(c) {
    run(c, () => eq('oid', decodeOid(contents(c), 'v', 0), exp(c).oid));
  },
  /** input.text -> expected.iso */
  'der-utc-time'(c) {
    run(c, () => eq('time', decodeUtcTime(text(c), 'v', 0).toISOString(), exp(c).iso));
  },
  'der-generalized-time'(c) {
    run(c, () => eq('time', decodeGeneralizedTime(text(c), 'v', 0).toISOString(), exp(c).iso));
  },
  /** input.hex (identifier + length octets) -> expected.class/constructed/tag/length */
  'der-header'(c) {
    run(c, () => {
      const b = fromHex(String(inp(c).hex));
      const h = readHeader(b, 0, b.length, 'header');
      const x = exp(c);
      eq('class', h.cls, x.class);
      eq('constructed', h.constructed, x.constructed);
      eq('tag', h.tagNumber, x.tag);
      eq('length', h.length, x.length);
    });
  },
  /** input.value (value language) -> expected.hex; the hex also parses and re-encodes exactly */
  'der-encode'(c) {
    const want = String(exp(c).hex);
    eq('encoding', toHex(encodeValue(inp(c).value as Json)), want);
    eq('round trip', toHex(encodeDerTree(parseDerTree(fromHex(want)))), want);
  },
  /** input.hex or input.pem -> strict DER tree that re-encodes byte for byte */
  'der-tree'(c) {
    run(c, () => {
      const b = inputBytes(c);
      eq('round trip', toHex(encodeDerTree(parseDerTree(b))), toHex(b));
    });
  },
  /** input.hex or input.pem -> parseCertificate fields in expected (hex for byte fields, ISO for dates) */
  'x509-certificate'(c) {
    run(c, () => {
      const cert = parseCertificate(inputBytes(c));
      const x = exp(c);
      const got: Record<string, unknown> = {
        version: cert.version,
        serialHex: cert.serialHex,
        signatureAlgorithm: cert.signatureAlgorithm,
        keyType: cert.keyType,
        subject: cert.subject,
        issuer: cert.issuer,
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
        publicKeyBytes: toHex(cert.publicKeyBytes),
        signatureValue: toHex(cert.signatureValue),
      };
      for (const k of Object.keys(got)) if (k in x) eq(k, got[k], x[k]);
    });
  },
  /** input.pem (PUBLIC KEY) -> expected.algorithm, keyType, nodeKeyType */
  'x509-spki'(c) {
    run(c, () => {
      const k = parseSubjectPublicKeyInfo(inputBytes(c));
      const x = exp(c);
      eq('algorithm', k.algorithm.oid, x.algorithm);
      eq('keyType', k.keyType, x.keyType);
      eq('node key type', k.publicKey.asymmetricKeyType, x.nodeKeyType);
    });
  },
};
