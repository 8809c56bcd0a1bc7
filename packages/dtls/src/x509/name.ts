/**
 * X.501 distinguished names as X.509 carries them (RFC 5280 §4.1.2.4):
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY -- DirectoryString }
 */
import { toHex } from '@rtcstack/common';
import {
  DerReader,
  contentOffset,
  decodeString,
  derOid,
  derSequence,
  derSetOf,
  derUtf8String,
  derPrintableString,
  isStringTag,
  TagClass,
  X509_LAYER,
} from './der.ts';
import { ParseError } from '@rtcstack/common';
import { Oid, attributeShortName } from './oids.ts';

export interface NameAttribute {
  readonly oid: string;
  /** OpenSSL's short name ("CN", "O", ...) or the dotted OID. */
  readonly shortName: string;
  /** The decoded string, or RFC 4514 §2.4 "#hex" of the DER value if it is not a string. */
  readonly value: string;
  /** The universal tag the value was encoded with (12 = UTF8String, 19 = PrintableString...). */
  readonly valueTag: number;
}

export type RelativeDistinguishedName = readonly NameAttribute[];

export interface DistinguishedName {
  /** The whole Name TLV as it appeared (names are compared by these bytes). */
  readonly der: Uint8Array;
  readonly rdns: readonly RelativeDistinguishedName[];
}

export function readName(r: DerReader, field: string): DistinguishedName {
  const { element, reader } = r.sequenceElement(field);
  const rdns: RelativeDistinguishedName[] = [];
  for (let i = 0; !reader.atEnd; i++) {
    const setField = `${field}.rdn[${i}]`;
    const at = reader.offset;
    const set = reader.set(setField);
    const attrs: NameAttribute[] = [];
    for (let j = 0; !set.atEnd; j++) {
      const f = `${setField}[${j}]`;
      const atv = set.sequence(f);
      const oid = atv.oid(`${f}.type`);
      const v = atv.next(`${f}.value`);
      atv.done(f);
      let value: string;
      if (v.cls === TagClass.universal && !v.constructed && isStringTag(v.tagNumber)) {
        value = decodeString(v.tagNumber, v.value, `${f}.value`, contentOffset(v));
      } else {
        value = `#${toHex(v.raw)}`;
      }
      attrs.push({ oid, shortName: attributeShortName[oid] ?? oid, value, valueTag: v.tagNumber });
    }
    if (attrs.length === 0) throw new ParseError(X509_LAYER, setField, at, 'RelativeDistinguishedName is an empty SET');
    rdns.push(attrs);
  }
  return { der: element.raw, rdns };
}

/**
 * The text node's X509Certificate.subject/.issuer give (OpenSSL X509_NAME_print_ex with
 * XN_FLAG_SEP_MULTILINE | ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL): one "SN=value" line per
 * RDN, multi-valued RDNs joined by " + ", RFC 2253 specials backslash-escaped.
 */
export function formatName(name: DistinguishedName): string {
  return name.rdns.map((rdn) => rdn.map((a) => `${a.shortName}=${escapeValue(a.value)}`).join(' + ')).join('\n');
}

function escapeValue(v: string): string {
  const chars = Array.from(v);
  return chars
    .map((c, i) => {
      const code = c.codePointAt(0) ?? 0;
      if (code < 0x20 || code === 0x7f) return `\\${code.toString(16).toUpperCase().padStart(2, '0')}`;
      if (',+"\\<>;'.includes(c)) return `\\${c}`;
      if (i === 0 && (c === '#' || c === ' ')) return `\\${c}`;
      if (i === chars.length - 1 && c === ' ') return `\\${c}`;
      return c;
    })
    .join('');
}

/** A Name with one attribute per RDN, in order. Country uses PrintableString (RFC 5280 App. A). */
export function encodeName(attrs: readonly { oid: string; value: string }[]): Uint8Array {
  return derSequence(
    ...attrs.map((a) =>
      derSetOf(derSequence(derOid(a.oid), a.oid === Oid.countryName ? derPrintableString(a.value) : derUtf8String(a.value))),
    ),
  );
}
