/**
 * A STUN message as annotated bytes: every field, its offset and what it means. Used by the lab
 * and the CLIs; a newcomer's view of RFC 8489 §5 and §14 on real bytes.
 */
import { addressKey, readU16, readU32, toHex } from '@rtcstack/common';
import {
  AttributeType,
  FINGERPRINT_XOR,
  MAGIC_COOKIE,
  attributeKey,
  attributeName,
  isComprehensionRequired,
  methodName,
} from './constants.ts';
import { decodeAttribute } from './attributes.ts';
import { verifyFingerprint } from './fingerprint.ts';
import { verifyMessageIntegrity, verifyMessageIntegritySha256 } from './integrity.ts';
import { decodeMessage, type DecodedMessage, type ReceivedAttribute } from './message.ts';

export interface AnnotatedRow {
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly field: string;
  readonly meaning: string;
}

export interface AnnotateOptions {
  /** Key to check MESSAGE-INTEGRITY(-SHA256) with; without it they are shown unchecked. */
  readonly key?: Uint8Array;
}

const classText = { request: 'request', indication: 'indication', success: 'success response', error: 'error response' } as const;

function describeValue(msg: DecodedMessage, a: ReceivedAttribute, options: AnnotateOptions): string {
  const name = attributeKey(a.type);
  if (!name) return `${a.value.length} bytes, unknown ${isComprehensionRequired(a.type) ? 'comprehension-required' : 'comprehension-optional (ignored)'}`;
  try {
    const v = decodeAttribute(name, a, msg, a.offset);
    switch (name) {
      case 'MESSAGE_INTEGRITY':
        return `HMAC-SHA1 over bytes 0..${a.offset - 1}, length field counting up to here${options.key ? `: ${verifyMessageIntegrity(msg, options.key)}` : ''}`;
      case 'MESSAGE_INTEGRITY_SHA256':
        return `HMAC-SHA256 over bytes 0..${a.offset - 1}${options.key ? `: ${verifyMessageIntegritySha256(msg, options.key)}` : ''}`;
      case 'ERROR_CODE': {
        const e = v as { code: number; reason: string };
        return `class ${Math.floor(e.code / 100)}, number ${e.code % 100}: ${e.code} ${JSON.stringify(e.reason)}`;
      }
      case 'FINGERPRINT':
        return `0x${(v as number).toString(16).padStart(8, '0')} = CRC-32(bytes 0..${a.offset - 1}) XOR 0x${FINGERPRINT_XOR.toString(16)}: ${verifyFingerprint(msg)}`;
      default:
        return formatValue(v);
    }
  } catch (e) {
    return `malformed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `0x${v.toString(16).padStart(16, '0')}`;
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? `0x${x.toString(16).padStart(4, '0')}` : formatValue(x))).join(', ');
  if (v && typeof v === 'object' && 'address' in v && 'port' in v) return addressKey(v as { address: string; port: number });
  if (v && typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? toHex(x) : x));
  return String(v);
}

/** XOR-ed addresses get one row per field, showing the un-XOR-ing (RFC 8489 §14.2). */
function xorAddressRows(msg: DecodedMessage, a: ReceivedAttribute, at: number): AnnotatedRow[] {
  const v = a.value;
  const family = v[1];
  const xport = readU16(v, 2);
  const rows: AnnotatedRow[] = [
    { offset: at, bytes: v.subarray(0, 1), field: '  reserved', meaning: 'zero' },
    { offset: at + 1, bytes: v.subarray(1, 2), field: '  family', meaning: family === 1 ? 'IPv4' : family === 2 ? 'IPv6' : 'unknown' },
    { offset: at + 2, bytes: v.subarray(2, 4), field: '  X-Port', meaning: `0x${xport.toString(16)} XOR 0x2112 = ${xport ^ 0x2112}` },
  ];
  if (family === 1 && v.length === 8) {
    const x = readU32(v, 4);
    const ip = (x ^ MAGIC_COOKIE) >>> 0;
    rows.push({ offset: at + 4, bytes: v.subarray(4, 8), field: '  X-Address', meaning: `0x${x.toString(16)} XOR magic cookie = ${[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.')}` });
  } else if (family === 2 && v.length === 20) {
    const addr = decodeAttribute('XOR_MAPPED_ADDRESS', a, msg).address;
    rows.push({ offset: at + 4, bytes: v.subarray(4, 20), field: '  X-Address', meaning: `XOR (magic cookie ‖ transaction id) = ${addr}` });
  }
  return rows;
}

/** Annotate a message. Bytes that do not decode yield one row saying why. */
export function annotateMessage(bytes: Uint8Array, options: AnnotateOptions = {}): AnnotatedRow[] {
  let msg: DecodedMessage;
  try {
    msg = decodeMessage(bytes, { allowRfc3489: true });
  } catch (e) {
    return [{ offset: 0, bytes, field: 'not STUN', meaning: e instanceof Error ? e.message : String(e) }];
  }
  const type = readU16(bytes, 0);
  const rows: AnnotatedRow[] = [
    { offset: 0, bytes: bytes.subarray(0, 2), field: 'message type', meaning: `0x${type.toString(16).padStart(4, '0')} = ${methodName(msg.method)} ${classText[msg.class]} (class bits C1C0 interleaved with the 12-bit method)` },
    { offset: 2, bytes: bytes.subarray(2, 4), field: 'message length', meaning: `${bytes.length - 20} bytes of attributes after this 20-byte header` },
    {
      offset: 4,
      bytes: bytes.subarray(4, 8),
      field: 'magic cookie',
      meaning: msg.magicCookie === MAGIC_COOKIE ? '0x2112a442: an RFC 5389/8489 message' : 'not 0x2112a442: an RFC 3489 message (these bytes are part of its id)',
    },
    { offset: 8, bytes: bytes.subarray(8, 20), field: 'transaction id', meaning: '96 random bits; the response carries the same' },
  ];
  for (const a of msg.attributes) {
    const name = attributeName(a.type) ?? 'unknown';
    rows.push({ offset: a.offset, bytes: bytes.subarray(a.offset, a.offset + 2), field: `${name}`, meaning: `attribute type 0x${a.type.toString(16).padStart(4, '0')}${isComprehensionRequired(a.type) ? ' (comprehension-required)' : ' (comprehension-optional)'}` });
    rows.push({ offset: a.offset + 2, bytes: bytes.subarray(a.offset + 2, a.offset + 4), field: '  length', meaning: `${a.value.length} value bytes${a.padding.length ? ` + ${a.padding.length} padding` : ''}` });
    const at = a.offset + 4;
    if (a.value.length > 0) {
      if (a.type === AttributeType.XOR_MAPPED_ADDRESS || a.type === AttributeType.XOR_PEER_ADDRESS || a.type === AttributeType.XOR_RELAYED_ADDRESS) {
        rows.push(...xorAddressRows(msg, a, at));
      } else {
        rows.push({ offset: at, bytes: a.value, field: '  value', meaning: describeValue(msg, a, options) });
      }
    }
    if (a.padding.length) rows.push({ offset: at + a.value.length, bytes: a.padding, field: '  padding', meaning: 'to a 4-byte boundary (any value; covered by integrity)' });
  }
  return rows;
}

/** The rows as text: offset, up to 4 bytes per line, field, meaning. */
export function formatAnnotated(rows: readonly AnnotatedRow[], indent = '  '): string {
  const lines: string[] = [];
  for (const r of rows) {
    for (let i = 0; i < Math.max(1, r.bytes.length); i += 4) {
      const chunk = Array.from(r.bytes.subarray(i, i + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      const first = i === 0;
      lines.push(`${indent}${(r.offset + i).toString().padStart(4)}  ${chunk.padEnd(12)} ${first ? r.field.padEnd(20) : ''.padEnd(20)} ${first ? r.meaning : ''}`.trimEnd());
    }
  }
  return lines.join('\n');
}
