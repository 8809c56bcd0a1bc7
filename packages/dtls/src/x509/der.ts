/**
 * A strict DER (ITU-T X.690 §10) reader and writer: the subset of ASN.1 that X.509 needs.
 *
 * DER is BER with exactly one encoding per value, so the reader rejects every alternative:
 * indefinite lengths (§10.1), non-minimal lengths (§10.1), constructed strings (§10.2),
 * non-minimal INTEGERs (§8.3.2), non-zero BIT STRING padding (§11.2.1), BOOLEANs other than
 * 00/FF (§11.1), padded OID sub-identifiers (§8.19.2), times without seconds or 'Z' (§11.7,
 * RFC 5280 §4.1.2.5) and trailing bytes. Every failure is a ParseError('x509', field, offset).
 */
import { ParseError, concatBytes } from '@rtcstack/common';

export const X509_LAYER = 'x509';

/** Tag classes, the top two bits of the identifier octet (X.690 §8.1.2.2). */
export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;
export type TagClassValue = (typeof TagClass)[keyof typeof TagClass];

/** Universal tag numbers used in X.509 (X.680 §8.4). */
export const UniversalTag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  objectIdentifier: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  numericString: 18,
  printableString: 19,
  teletexString: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  visibleString: 26,
  universalString: 28,
  bmpString: 30,
} as const;
export type UniversalTagName = keyof typeof UniversalTag;

const universalNames: Record<number, string> = Object.fromEntries(
  Object.entries(UniversalTag).map(([k, v]) => [v, k]),
);

/** Universal types that DER requires to be primitive (X.690 §10.2) or constructed. */
const mustBeConstructed = new Set<number>([UniversalTag.sequence, UniversalTag.set]);
const mustBePrimitive = new Set<number>(
  Object.values(UniversalTag).filter((t) => !mustBeConstructed.has(t)),
);

/** One decoded TLV. Offsets are absolute in the buffer that was parsed. */
export interface DerElement {
  readonly cls: TagClassValue;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Offset of the identifier octet. */
  readonly offset: number;
  readonly headerLength: number;
  readonly length: number;
  /** The contents octets (a view). */
  readonly value: Uint8Array;
  /** The whole TLV (a view). */
  readonly raw: Uint8Array;
}

/** Short text for a tag: "SEQUENCE", "[0]", "[APPLICATION 3]". */
export function tagName(e: Pick<DerElement, 'cls' | 'tagNumber'>): string {
  if (e.cls === TagClass.universal) {
    const n = universalNames[e.tagNumber];
    return n ? upperName(n) : `UNIVERSAL ${e.tagNumber}`;
  }
  if (e.cls === TagClass.context) return `[${e.tagNumber}]`;
  return `[${e.cls === TagClass.application ? 'APPLICATION' : 'PRIVATE'} ${e.tagNumber}]`;
}

function upperName(n: string): string {
  const special: Record<string, string> = {
    bitString: 'BIT STRING',
    octetString: 'OCTET STRING',
    objectIdentifier: 'OBJECT IDENTIFIER',
    utcTime: 'UTCTime',
    generalizedTime: 'GeneralizedTime',
    utf8String: 'UTF8String',
    ia5String: 'IA5String',
    bmpString: 'BMPString',
  };
  if (special[n]) return special[n];
  if (n.endsWith('String')) return n[0].toUpperCase() + n.slice(1);
  return n.toUpperCase();
}

function fail(field: string, offset: number, reason: string): never {
  throw new ParseError(X509_LAYER, field, offset, reason);
}

/** Lengths and tag numbers above 2^31 - 1 are refused (as Go's encoding/asn1 does). */
const MAX_VALUE = 0x7fffffff;

/** The identifier and length octets of one TLV. */
export interface DerHeader {
  readonly cls: TagClassValue;
  readonly constructed: boolean;
  readonly tagNumber: number;
  readonly headerLength: number;
  readonly length: number;
}

/**
 * Read identifier and length octets at `pos` (X.690 §8.1.2, §8.1.3) with DER's rules: definite,
 * minimal lengths (§10.1); minimal high tag numbers. Does not check that the contents fit.
 */
export function readHeader(buf: Uint8Array, pos: number, end: number, field: string): DerHeader {
  const start = pos;
  if (pos >= end) fail(field, pos, 'expected a DER element, found end of data');
  const id = buf[pos++];
  const cls = (id >> 6) as TagClassValue;
  const constructed = (id & 0x20) !== 0;
  let tagNumber = id & 0x1f;
  if (tagNumber === 0x1f) {
    // High-tag-number form (§8.1.2.4): base-128, no leading 0x80, and only for numbers >= 31.
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (pos >= end) fail(`${field}.tag`, pos, 'truncated high tag number');
      const b = buf[pos++];
      if (i === 0 && b === 0x80) fail(`${field}.tag`, pos - 1, 'high tag number has a leading 0x80 octet');
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (tagNumber > MAX_VALUE) fail(`${field}.tag`, pos - 1, 'tag number too large');
      if ((b & 0x80) === 0) break;
    }
    if (tagNumber < 31) fail(`${field}.tag`, start, 'high-tag-number form used for a tag below 31');
  }
  if (pos >= end) fail(`${field}.length`, pos, 'truncated: no length octet');
  const first = buf[pos++];
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    fail(`${field}.length`, pos - 1, 'indefinite length is not allowed in DER');
  } else {
    const n = first & 0x7f;
    if (n > 4) fail(`${field}.length`, pos - 1, `length uses ${n} octets (max 4)`);
    if (pos + n > end) fail(`${field}.length`, pos, 'truncated length octets');
    if (buf[pos] === 0) fail(`${field}.length`, pos, 'length has a leading zero octet (not minimal)');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++];
    if (length < 0x80) fail(`${field}.length`, pos - n - 1, 'long form used for a length below 128 (not minimal)');
    if (length > MAX_VALUE) fail(`${field}.length`, pos - n - 1, 'length too large');
  }
  return { cls, constructed, tagNumber, headerLength: pos - start, length };
}

/**
 * Read one TLV at `pos`, which must end at or before `end`: a strict header, contents that fit
 * in the container, and the constructed bit DER requires for universal types (§10.2).
 */
export function readElement(buf: Uint8Array, pos: number, end: number, field: string): DerElement {
  const h = readHeader(buf, pos, end, field);
  const { cls, constructed, tagNumber, length } = h;
  const at = pos + h.headerLength;
  if (length > end - at) {
    fail(`${field}.length`, pos, `length ${length} runs past the end of its container (${end - at} bytes left)`);
  }
  if (cls === TagClass.universal) {
    if (constructed && mustBePrimitive.has(tagNumber)) {
      fail(`${field}.tag`, pos, `${tagName({ cls, tagNumber })} must be primitive in DER`);
    }
    if (!constructed && mustBeConstructed.has(tagNumber)) {
      fail(`${field}.tag`, pos, `${tagName({ cls, tagNumber })} must be constructed`);
    }
  }
  return {
    cls,
    constructed,
    tagNumber,
    offset: pos,
    headerLength: h.headerLength,
    length,
    value: buf.subarray(at, at + length),
    raw: buf.subarray(pos, at + length),
  };
}

/** Absolute offset of an element's contents. */
export function contentOffset(e: DerElement): number {
  return e.offset + e.headerLength;
}

// ---------------------------------------------------------------------------------------------
// Primitive value decoders (contents octets -> value). `offset` is where the contents start.

/** INTEGER (§8.3): two's complement, at least one octet, minimal (§8.3.2). */
export function decodeInteger(v: Uint8Array, field: string, offset: number): bigint {
  if (v.length === 0) fail(field, offset, 'INTEGER has no contents octets');
  if (v.length > 1 && ((v[0] === 0x00 && (v[1] & 0x80) === 0) || (v[0] === 0xff && (v[1] & 0x80) !== 0))) {
    fail(field, offset, 'INTEGER is not minimally encoded');
  }
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  if (v[0] & 0x80) n -= 1n << BigInt(8 * v.length);
  return n;
}

/** BOOLEAN (§8.2, DER §11.1): one octet, 0x00 or 0xFF. */
export function decodeBoolean(v: Uint8Array, field: string, offset: number): boolean {
  if (v.length !== 1) fail(field, offset, 'BOOLEAN must be one octet');
  if (v[0] === 0x00) return false;
  if (v[0] === 0xff) return true;
  return fail(field, offset, 'DER BOOLEAN TRUE must be 0xFF');
}

export function decodeNull(v: Uint8Array, field: string, offset: number): null {
  if (v.length !== 0) fail(field, offset, 'NULL must have no contents');
  return null;
}

export interface BitString {
  readonly unusedBits: number;
  readonly bytes: Uint8Array;
}

/** BIT STRING (§8.6): initial octet = unused bits 0..7; DER: padding bits zero (§11.2.1). */
export function decodeBitString(v: Uint8Array, field: string, offset: number): BitString {
  if (v.length === 0) fail(field, offset, 'BIT STRING has no initial octet');
  const unusedBits = v[0];
  if (unusedBits > 7) fail(field, offset, `BIT STRING unused-bits ${unusedBits} > 7`);
  if (v.length === 1 && unusedBits !== 0) fail(field, offset, 'empty BIT STRING must have 0 unused bits');
  if (unusedBits && (v[v.length - 1] & ((1 << unusedBits) - 1)) !== 0) {
    fail(field, offset + v.length - 1, 'BIT STRING padding bits are not zero');
  }
  return { unusedBits, bytes: v.subarray(1) };
}

/** OBJECT IDENTIFIER (§8.19): base-128 sub-identifiers, no 0x80 padding; first = 40*X + Y. */
export function decodeOid(v: Uint8Array, field: string, offset: number): string {
  if (v.length === 0) fail(field, offset, 'OBJECT IDENTIFIER has no contents');
  if (v[v.length - 1] & 0x80) fail(field, offset + v.length - 1, 'OBJECT IDENTIFIER ends inside a sub-identifier');
  const arcs: bigint[] = [];
  let cur = 0n;
  let startOfArc = true;
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (startOfArc && b === 0x80) fail(field, offset + i, 'OID sub-identifier has a leading 0x80 octet');
    cur = (cur << 7n) | BigInt(b & 0x7f);
    startOfArc = (b & 0x80) === 0;
    if (startOfArc) {
      arcs.push(cur);
      cur = 0n;
    }
  }
  const first = arcs[0];
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** X.680 §41.4 PrintableString, plus '&' which real CAs used by mistake (Go accepts it too). */
const printableRe = /^[A-Za-z0-9 '()+,\-./:=?&]*$/;
const strictPrintableRe = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** The character string types that appear in names (X.680 §41; RFC 5280 §4.1.2.4). */
export function decodeString(tagNumber: number, v: Uint8Array, field: string, offset: number): string {
  switch (tagNumber) {
    case UniversalTag.utf8String: {
      try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(v);
      } catch {
        return fail(field, offset, 'UTF8String is not valid UTF-8');
      }
    }
    case UniversalTag.printableString: {
      const s = latin1(v);
      if (!printableRe.test(s)) fail(field, offset, 'PrintableString has a character outside its set');
      return s;
    }
    case UniversalTag.numericString: {
      const s = latin1(v);
      if (!/^[0-9 ]*$/.test(s)) fail(field, offset, 'NumericString has a character outside its set');
      return s;
    }
    case UniversalTag.ia5String:
    case UniversalTag.visibleString: {
      for (let i = 0; i < v.length; i++) {
        const bad = tagNumber === UniversalTag.ia5String ? v[i] > 0x7f : v[i] < 0x20 || v[i] > 0x7e;
        if (bad) fail(field, offset + i, `${tagName({ cls: 0, tagNumber })} has a character outside its set`);
      }
      return latin1(v);
    }
    case UniversalTag.teletexString:
      // T.61 is treated as Latin-1, as OpenSSL does.
      return latin1(v);
    case UniversalTag.bmpString: {
      if (v.length % 2) fail(field, offset, 'BMPString has an odd length');
      let s = '';
      for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i] << 8) | v[i + 1]);
      return s;
    }
    case UniversalTag.universalString: {
      if (v.length % 4) fail(field, offset, 'UniversalString length is not a multiple of 4');
      let s = '';
      for (let i = 0; i < v.length; i += 4) {
        const cp = ((v[i] << 24) >>> 0) + ((v[i + 1] << 16) | (v[i + 2] << 8) | v[i + 3]);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(field, offset + i, 'UniversalString has an invalid code point');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return fail(field, offset, `tag ${tagNumber} is not a string type`);
  }
}

export function isStringTag(tagNumber: number): boolean {
  return (
    tagNumber === UniversalTag.utf8String ||
    tagNumber === UniversalTag.printableString ||
    tagNumber === UniversalTag.numericString ||
    tagNumber === UniversalTag.ia5String ||
    tagNumber === UniversalTag.visibleString ||
    tagNumber === UniversalTag.teletexString ||
    tagNumber === UniversalTag.bmpString ||
    tagNumber === UniversalTag.universalString
  );
}

function latin1(v: Uint8Array): string {
  let s = '';
  for (const b of v) s += String.fromCharCode(b);
  return s;
}

function digits(s: string, at: number, n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = x * 10 + (s.charCodeAt(at + i) - 48);
  return x;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkedDate(y: number, mo: number, d: number, h: number, mi: number, s: number, field: string, offset: number): Date {
  if (mo < 1 || mo > 12) fail(field, offset, `month ${mo} out of range`);
  if (d < 1 || d > daysInMonth(y, mo)) fail(field, offset, `day ${d} out of range`);
  if (h > 23 || mi > 59 || s > 59) fail(field, offset, 'time of day out of range');
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  return t;
}

/** UTCTime, RFC 5280 §4.1.2.5.1: exactly YYMMDDHHMMSSZ; YY >= 50 means 19YY, else 20YY. */
export function decodeUtcTime(v: Uint8Array, field: string, offset: number): Date {
  const s = latin1(v);
  if (!/^\d{12}Z$/.test(s)) fail(field, offset, `UTCTime "${s.replace(/[^\x20-\x7e]/g, '?')}" is not YYMMDDHHMMSSZ`);
  const yy = digits(s, 0, 2);
  const year = yy >= 50 ? 1900 + yy : 2000 + yy;
  return checkedDate(year, digits(s, 2, 2), digits(s, 4, 2), digits(s, 6, 2), digits(s, 8, 2), digits(s, 10, 2), field, offset);
}

/** GeneralizedTime, RFC 5280 §4.1.2.5.2: exactly YYYYMMDDHHMMSSZ, no fractional seconds. */
export function decodeGeneralizedTime(v: Uint8Array, field: string, offset: number): Date {
  const s = latin1(v);
  if (!/^\d{14}Z$/.test(s)) fail(field, offset, `GeneralizedTime "${s.replace(/[^\x20-\x7e]/g, '?')}" is not YYYYMMDDHHMMSSZ`);
  return checkedDate(digits(s, 0, 4), digits(s, 4, 2), digits(s, 6, 2), digits(s, 8, 2), digits(s, 10, 2), digits(s, 12, 2), field, offset);
}

// ---------------------------------------------------------------------------------------------
// A cursor over the elements inside one constructed value.

/**
 * Reads the elements of a SEQUENCE/SET (or a whole buffer) in order. Every method names the
 * field it reads so errors say where they happened.
 */
export class DerReader {
  private pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  static of(e: DerElement, buf: Uint8Array): DerReader {
    const at = contentOffset(e);
    return new DerReader(buf, at, at + e.length);
  }

  get offset(): number {
    return this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The next element's class and tag without consuming it; undefined at the end. */
  peek(): { cls: TagClassValue; constructed: boolean; tagNumber: number } | undefined {
    if (this.atEnd) return undefined;
    const id = this.buf[this.pos];
    return { cls: (id >> 6) as TagClassValue, constructed: (id & 0x20) !== 0, tagNumber: id & 0x1f };
  }

  next(field: string): DerElement {
    const e = readElement(this.buf, this.pos, this.end, field);
    this.pos = e.offset + e.raw.length;
    return e;
  }

  /** The next element, which must have this class/constructed bit/tag number. */
  expect(field: string, cls: TagClassValue, constructed: boolean, tagNumber: number): DerElement {
    const at = this.pos;
    const e = this.next(field);
    if (e.cls !== cls || e.constructed !== constructed || e.tagNumber !== tagNumber) {
      this.pos = at;
      fail(field, at, `expected ${tagName({ cls, tagNumber })}, found ${tagName(e)}${e.constructed ? ' (constructed)' : ''}`);
    }
    return e;
  }

  private universal(field: string, tag: number): DerElement {
    return this.expect(field, TagClass.universal, mustBeConstructed.has(tag), tag);
  }

  sequence(field: string): DerReader {
    return DerReader.of(this.universal(field, UniversalTag.sequence), this.buf);
  }

  /** A SEQUENCE, returning both its element and a reader over it. */
  sequenceElement(field: string): { element: DerElement; reader: DerReader } {
    const element = this.universal(field, UniversalTag.sequence);
    return { element, reader: DerReader.of(element, this.buf) };
  }

  set(field: string): DerReader {
    return DerReader.of(this.universal(field, UniversalTag.set), this.buf);
  }

  integer(field: string): bigint {
    const e = this.universal(field, UniversalTag.integer);
    return decodeInteger(e.value, field, contentOffset(e));
  }

  integerElement(field: string): DerElement {
    const e = this.universal(field, UniversalTag.integer);
    decodeInteger(e.value, field, contentOffset(e));
    return e;
  }

  boolean(field: string): boolean {
    const e = this.universal(field, UniversalTag.boolean);
    return decodeBoolean(e.value, field, contentOffset(e));
  }

  null(field: string): null {
    const e = this.universal(field, UniversalTag.null);
    return decodeNull(e.value, field, contentOffset(e));
  }

  oid(field: string): string {
    const e = this.universal(field, UniversalTag.objectIdentifier);
    return decodeOid(e.value, field, contentOffset(e));
  }

  bitString(field: string): BitString {
    const e = this.universal(field, UniversalTag.bitString);
    return decodeBitString(e.value, field, contentOffset(e));
  }

  octetString(field: string): Uint8Array {
    return this.universal(field, UniversalTag.octetString).value;
  }

  /** UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5 Time). */
  time(field: string): Date {
    const p = this.peek();
    if (p && p.cls === TagClass.universal && p.tagNumber === UniversalTag.generalizedTime) {
      const e = this.universal(field, UniversalTag.generalizedTime);
      return decodeGeneralizedTime(e.value, field, contentOffset(e));
    }
    const e = this.universal(field, UniversalTag.utcTime);
    return decodeUtcTime(e.value, field, contentOffset(e));
  }

  /** If the next element is [n] EXPLICIT (constructed context tag n), a reader over it. */
  optionalExplicit(n: number, field: string): { element: DerElement; reader: DerReader } | undefined {
    const p = this.peek();
    if (!p || p.cls !== TagClass.context || p.tagNumber !== n) return undefined;
    const element = this.expect(field, TagClass.context, true, n);
    return { element, reader: DerReader.of(element, this.buf) };
  }

  /** If the next element is [n] IMPLICIT primitive, that element. */
  optionalImplicit(n: number, field: string): DerElement | undefined {
    const p = this.peek();
    if (!p || p.cls !== TagClass.context || p.tagNumber !== n) return undefined;
    return this.expect(field, TagClass.context, false, n);
  }

  /** Everything must have been read: no trailing bytes inside this container. */
  done(field: string): void {
    if (!this.atEnd) fail(field, this.pos, `${this.end - this.pos} unexpected trailing byte(s)`);
  }
}

/** Parse exactly one element that fills `buf` (no trailing bytes). */
export function readSingle(buf: Uint8Array, field: string): DerElement {
  const e = readElement(buf, 0, buf.length, field);
  if (e.raw.length !== buf.length) fail(field, e.raw.length, `${buf.length - e.raw.length} trailing byte(s) after the DER element`);
  return e;
}

// ---------------------------------------------------------------------------------------------
// A generic tree: every constructed element parsed into children, universal primitives checked.

export interface DerNode extends DerElement {
  readonly children?: readonly DerNode[];
}

export const MAX_DER_DEPTH = 32;

/**
 * Decode `buf` as one DER element and every element nested in constructed ones. Primitive
 * universal values are validated (INTEGER minimal, BOOLEAN, BIT STRING, OID, times, strings).
 */
export function parseDerTree(buf: Uint8Array, maxDepth = MAX_DER_DEPTH, rootField = 'der'): DerNode {
  const root = readSingle(buf, rootField);
  return expandNode(buf, root, 0, maxDepth, rootField);
}

function expandNode(buf: Uint8Array, e: DerElement, depth: number, maxDepth: number, field: string): DerNode {
  if (!e.constructed) {
    if (e.cls === TagClass.universal) validatePrimitive(e, field);
    return e;
  }
  if (depth >= maxDepth) fail(field, e.offset, `nesting deeper than ${maxDepth}`);
  const children: DerNode[] = [];
  const r = DerReader.of(e, buf);
  let i = 0;
  while (!r.atEnd) {
    const f = `${field}.${i++}`;
    children.push(expandNode(buf, r.next(f), depth + 1, maxDepth, f));
  }
  return { ...e, children };
}

function validatePrimitive(e: DerElement, field: string): void {
  const at = contentOffset(e);
  switch (e.tagNumber) {
    case UniversalTag.boolean:
      decodeBoolean(e.value, field, at);
      return;
    case UniversalTag.integer:
      decodeInteger(e.value, field, at);
      return;
    case UniversalTag.bitString:
      decodeBitString(e.value, field, at);
      return;
    case UniversalTag.null:
      decodeNull(e.value, field, at);
      return;
    case UniversalTag.objectIdentifier:
      decodeOid(e.value, field, at);
      return;
    case UniversalTag.utcTime:
      decodeUtcTime(e.value, field, at);
      return;
    case UniversalTag.generalizedTime:
      decodeGeneralizedTime(e.value, field, at);
      return;
    default:
      if (isStringTag(e.tagNumber)) decodeString(e.tagNumber, e.value, field, at);
  }
}

// ---------------------------------------------------------------------------------------------
// Writer: each function returns one complete TLV.

/** Length octets (§8.1.3): short form below 128, else the minimal long form (§10.1). */
export function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Identifier octets (§8.1.2), including the high-tag-number form for tags >= 31. */
export function encodeIdentifier(cls: TagClassValue, constructed: boolean, tagNumber: number): Uint8Array {
  const first = (cls << 6) | (constructed ? 0x20 : 0);
  if (tagNumber < 31) return Uint8Array.of(first | tagNumber);
  const groups: number[] = [];
  for (let x = tagNumber; x > 0; x = Math.floor(x / 128)) groups.unshift(x & 0x7f);
  return Uint8Array.of(first | 0x1f, ...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
}

export function derTlv(cls: TagClassValue, constructed: boolean, tagNumber: number, contents: Uint8Array): Uint8Array {
  return concatBytes(encodeIdentifier(cls, constructed, tagNumber), encodeLength(contents.length), contents);
}

const universal = (tag: number, contents: Uint8Array): Uint8Array =>
  derTlv(TagClass.universal, mustBeConstructed.has(tag), tag, contents);

export function derSequence(...children: Uint8Array[]): Uint8Array {
  return universal(UniversalTag.sequence, concatBytes(...children));
}

/** SET OF: DER sorts the encodings as octet strings (X.690 §11.6). */
export function derSetOf(...children: Uint8Array[]): Uint8Array {
  const sorted = [...children].sort(compareBytes);
  return universal(UniversalTag.set, concatBytes(...sorted));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Minimal two's complement contents for an INTEGER (§8.3.2). */
export function integerContents(n: bigint): Uint8Array {
  const bytes: number[] = [];
  let x = n;
  for (;;) {
    const b = Number(x & 0xffn);
    bytes.unshift(b);
    x >>= 8n;
    // Stop once the remaining value is pure sign extension of the top bit written.
    if ((x === 0n && (b & 0x80) === 0) || (x === -1n && (b & 0x80) !== 0)) break;
  }
  return Uint8Array.from(bytes);
}

export function derInteger(n: bigint | number): Uint8Array {
  return universal(UniversalTag.integer, integerContents(BigInt(n)));
}

/** An INTEGER from unsigned big-endian magnitude bytes (serial numbers). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const contents = m.length && m[0] & 0x80 ? concatBytes(Uint8Array.of(0), m) : m.length ? m : Uint8Array.of(0);
  return universal(UniversalTag.integer, contents);
}

export function derBoolean(v: boolean): Uint8Array {
  return universal(UniversalTag.boolean, Uint8Array.of(v ? 0xff : 0x00));
}

export function derNull(): Uint8Array {
  return universal(UniversalTag.null, new Uint8Array(0));
}

export function oidContents(oid: string): Uint8Array {
  const arcs = oid.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`bad OID "${oid}"`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0] > 2n || (arcs[0] < 2n && arcs[1] >= 40n)) throw new RangeError(`bad OID "${oid}"`);
  const subs = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const out: number[] = [];
  for (const s of subs) {
    const groups: number[] = [];
    let x = s;
    do {
      groups.unshift(Number(x & 0x7fn));
      x >>= 7n;
    } while (x > 0n);
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return Uint8Array.from(out);
}

export function derOid(oid: string): Uint8Array {
  return universal(UniversalTag.objectIdentifier, oidContents(oid));
}

export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return universal(UniversalTag.bitString, concatBytes(Uint8Array.of(unusedBits), bytes));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return universal(UniversalTag.octetString, bytes);
}

export function derUtf8String(s: string): Uint8Array {
  return universal(UniversalTag.utf8String, new TextEncoder().encode(s));
}

export function derPrintableString(s: string): Uint8Array {
  if (!strictPrintableRe.test(s)) throw new RangeError(`"${s}" is not a PrintableString`);
  return universal(UniversalTag.printableString, new TextEncoder().encode(s));
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function timeText(d: Date, yearDigits: 2 | 4): string {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid Date');
  const y = d.getUTCFullYear();
  const year = yearDigits === 2 ? pad(y % 100, 2) : pad(y, 4);
  return `${year}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}Z`;
}

/** UTCTime YYMMDDHHMMSSZ (seconds; milliseconds are dropped). Years 1950..2049 only. */
export function derUtcTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  if (y < 1950 || y > 2049) throw new RangeError(`UTCTime cannot hold year ${y}`);
  return universal(UniversalTag.utcTime, new TextEncoder().encode(timeText(d, 2)));
}

export function derGeneralizedTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError(`GeneralizedTime cannot hold year ${y}`);
  return universal(UniversalTag.generalizedTime, new TextEncoder().encode(timeText(d, 4)));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function derTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  return y >= 1950 && y <= 2049 ? derUtcTime(d) : derGeneralizedTime(d);
}

/** [n] EXPLICIT: a constructed context tag wrapping a complete TLV. */
export function derExplicit(n: number, inner: Uint8Array): Uint8Array {
  return derTlv(TagClass.context, true, n, inner);
}

/** Re-encode a parsed tree (children re-encoded, primitives copied): the round-trip check. */
export function encodeDerTree(node: DerNode): Uint8Array {
  const contents = node.children ? concatBytes(...node.children.map(encodeDerTree)) : node.value;
  return derTlv(node.cls, node.constructed, node.tagNumber, contents);
}
