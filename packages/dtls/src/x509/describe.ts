/**
 * An annotated DER tree for labs: each element's offset, header bytes, tag, length, what it
 * means in RFC 5280 §4.1 terms, and its decoded value. `formatDerDescription` prints it like
 * `openssl asn1parse`, with meanings.
 */
import { toHex } from '@rtcstack/common';
import {
  TagClass,
  UniversalTag,
  contentOffset,
  decodeBitString,
  decodeBoolean,
  decodeGeneralizedTime,
  decodeInteger,
  decodeOid,
  decodeString,
  decodeUtcTime,
  isStringTag,
  parseDerTree,
  tagName,
  type DerNode,
} from './der.ts';
import { attributeShortName, oidName } from './oids.ts';

export interface DerDescription {
  readonly offset: number;
  readonly depth: number;
  /** Identifier and length octets, lowercase hex. */
  readonly header: string;
  readonly tag: string;
  readonly constructed: boolean;
  readonly length: number;
  /** The field's name in the ASN.1 module ("tbsCertificate", "serialNumber", ...), or "". */
  readonly meaning: string;
  /** A decoded primitive value ("2.5.4.3 (commonName)", "\"WebRTC\"", a date, hex). */
  readonly value?: string;
}

/** Names a node's children: meaning for child i and how to name its own children. */
type Namer = (child: DerNode, index: number, siblings: readonly DerNode[]) => { meaning: string; namer?: Namer };

const none: Namer = () => ({ meaning: '' });

const algorithmIdentifier: Namer = (c, i) => {
  if (i === 0) return { meaning: 'algorithm' };
  const isOid = c.cls === TagClass.universal && c.tagNumber === UniversalTag.objectIdentifier;
  return { meaning: isOid ? 'parameters (namedCurve)' : 'parameters' };
};

const attributeTypeAndValue: Namer = (_c, i, siblings) => {
  if (i === 0) return { meaning: 'type' };
  const t = siblings[0];
  let short = '';
  if (t && t.cls === TagClass.universal && t.tagNumber === UniversalTag.objectIdentifier) {
    const oid = decodeOid(t.value, 'type', contentOffset(t));
    short = attributeShortName[oid] ?? '';
  }
  return { meaning: short ? `value (${short})` : 'value' };
};

const name: Namer = () => ({
  meaning: 'RelativeDistinguishedName',
  namer: () => ({ meaning: 'AttributeTypeAndValue', namer: attributeTypeAndValue }),
});

const validity: Namer = (_c, i) => ({ meaning: i === 0 ? 'notBefore' : 'notAfter' });

const spki: Namer = (_c, i) =>
  i === 0 ? { meaning: 'algorithm', namer: algorithmIdentifier } : { meaning: 'subjectPublicKey' };

const extension: Namer = (c, i) => {
  if (i === 0) return { meaning: 'extnID' };
  if (c.cls === TagClass.universal && c.tagNumber === UniversalTag.boolean) return { meaning: 'critical' };
  return { meaning: 'extnValue (DER of the extension value)' };
};

const tbsCertificate: Namer = (c, i, siblings) => {
  if (c.cls === TagClass.context) {
    if (c.tagNumber === 0) return { meaning: 'version [0] EXPLICIT', namer: () => ({ meaning: 'version (2 = v3)' }) };
    if (c.tagNumber === 1) return { meaning: 'issuerUniqueID [1]' };
    if (c.tagNumber === 2) return { meaning: 'subjectUniqueID [2]' };
    if (c.tagNumber === 3) {
      return {
        meaning: 'extensions [3] EXPLICIT',
        namer: () => ({ meaning: 'Extensions', namer: () => ({ meaning: 'Extension', namer: extension }) }),
      };
    }
    return { meaning: '' };
  }
  const hasVersion = siblings[0]?.cls === TagClass.context && siblings[0]?.tagNumber === 0;
  const k = i - (hasVersion ? 1 : 0);
  const table: readonly { meaning: string; namer?: Namer }[] = [
    { meaning: 'serialNumber' },
    { meaning: 'signature (AlgorithmIdentifier)', namer: algorithmIdentifier },
    { meaning: 'issuer (Name)', namer: name },
    { meaning: 'validity', namer: validity },
    { meaning: 'subject (Name)', namer: name },
    { meaning: 'subjectPublicKeyInfo', namer: spki },
  ];
  return table[k] ?? { meaning: '' };
};

const certificate: Namer = (_c, i) =>
  [
    { meaning: 'tbsCertificate (the signed part)', namer: tbsCertificate },
    { meaning: 'signatureAlgorithm', namer: algorithmIdentifier },
    { meaning: 'signatureValue' },
  ][i] ?? { meaning: '' };

function short(b: Uint8Array, max = 16): string {
  return b.length <= max ? toHex(b) : `${toHex(b.subarray(0, max))}… (${b.length} bytes)`;
}

function valueOf(n: DerNode): string | undefined {
  if (n.constructed) return undefined;
  const at = contentOffset(n);
  if (n.cls !== TagClass.universal) return short(n.value);
  switch (n.tagNumber) {
    case UniversalTag.boolean:
      return decodeBoolean(n.value, 'value', at) ? 'TRUE' : 'FALSE';
    case UniversalTag.integer: {
      const v = decodeInteger(n.value, 'value', at);
      return n.value.length <= 6 ? v.toString() : `0x${short(n.value, 24)}`;
    }
    case UniversalTag.objectIdentifier: {
      const oid = decodeOid(n.value, 'value', at);
      const nm = oidName(oid);
      return nm ? `${oid} (${nm})` : oid;
    }
    case UniversalTag.null:
      return 'NULL';
    case UniversalTag.bitString: {
      const bs = decodeBitString(n.value, 'value', at);
      return `${bs.unusedBits} unused bits, ${short(bs.bytes)}`;
    }
    case UniversalTag.octetString:
      return short(n.value);
    case UniversalTag.utcTime:
      return decodeUtcTime(n.value, 'value', at).toISOString();
    case UniversalTag.generalizedTime:
      return decodeGeneralizedTime(n.value, 'value', at).toISOString();
    default:
      return isStringTag(n.tagNumber) ? JSON.stringify(decodeString(n.tagNumber, n.value, 'value', at)) : short(n.value);
  }
}

function walk(n: DerNode, depth: number, meaning: string, namer: Namer, der: Uint8Array, out: DerDescription[]): void {
  out.push({
    offset: n.offset,
    depth,
    header: toHex(der.subarray(n.offset, n.offset + n.headerLength)),
    tag: tagName(n),
    constructed: n.constructed,
    length: n.length,
    meaning,
    value: valueOf(n),
  });
  n.children?.forEach((c, i, all) => {
    const named = namer(c, i, all);
    walk(c, depth + 1, named.meaning, named.namer ?? none, der, out);
  });
}

/** Any DER, as an annotated tree without meanings. Throws ParseError on bad DER. */
export function describeDer(der: Uint8Array, rootMeaning = ''): DerDescription[] {
  const out: DerDescription[] = [];
  walk(parseDerTree(der), 0, rootMeaning, none, der, out);
  return out;
}

/** A certificate's DER as an annotated tree (RFC 5280 §4.1 field names). Throws ParseError on bad DER. */
export function describeCertificate(der: Uint8Array): DerDescription[] {
  const out: DerDescription[] = [];
  walk(parseDerTree(der), 0, 'Certificate', certificate, der, out);
  return out;
}

/** Printable lines: "offset  header  tag (length)  meaning = value". */
export function formatDerDescription(rows: readonly DerDescription[]): string {
  return rows
    .map((r) => {
      const off = r.offset.toString().padStart(5);
      const hdr = r.header.replace(/(..)/g, '$1 ').trim().padEnd(12);
      const tag = `${'  '.repeat(r.depth)}${r.tag} (${r.length})`.padEnd(36);
      const val = r.value !== undefined ? `${r.meaning ? ' = ' : '= '}${r.value}` : '';
      return `${off}  ${hdr}  ${tag}  ${r.meaning}${val}`.trimEnd();
    })
    .join('\n');
}
