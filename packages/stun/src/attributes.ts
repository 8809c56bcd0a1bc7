/**
 * Typed attribute values: one codec per attribute type, in a table keyed by the RFC name.
 * RFC 8489 §14 (STUN), RFC 8445 §16.1 (ICE), RFC 8656 §14 (TURN), RFC 5780 §7.2 (CHANGE-REQUEST).
 *
 * Values are decoded lazily (`getAttribute`) from the raw bytes kept by message.ts, so an
 * unknown or malformed attribute does not stop the rest of the message from being read.
 */
import {
  ByteReader,
  ByteWriter,
  ParseError,
  addressFamily,
  bytesToIpv4,
  bytesToIpv6,
  ipv4ToBytes,
  ipv6ToBytes,
  type Address,
} from '@rtcstack/common';
import {
  AddressFamilyCode,
  AttributeType,
  MAGIC_COOKIE,
  attributeKey,
  isComprehensionRequired,
  isKnownAttribute,
  type AttributeName,
} from './constants.ts';
import { LAYER, type DecodedMessage, type StunAttribute, type StunMessage } from './message.ts';

/** PASSWORD-ALGORITHM(S) entry (RFC 8489 §14.11, §14.12). */
export interface PasswordAlgorithmEntry {
  readonly algorithm: number;
  readonly parameters: Uint8Array;
}

/** The value type of each known attribute, by RFC name. */
export interface AttributeValues {
  MAPPED_ADDRESS: Address;
  CHANGE_REQUEST: { readonly changeIp: boolean; readonly changePort: boolean };
  USERNAME: string;
  MESSAGE_INTEGRITY: Uint8Array;
  ERROR_CODE: { readonly code: number; readonly reason: string };
  UNKNOWN_ATTRIBUTES: readonly number[];
  REALM: string;
  NONCE: string;
  MESSAGE_INTEGRITY_SHA256: Uint8Array;
  PASSWORD_ALGORITHM: PasswordAlgorithmEntry;
  USERHASH: Uint8Array;
  XOR_MAPPED_ADDRESS: Address;
  CHANNEL_NUMBER: number;
  /** Seconds. */
  LIFETIME: number;
  XOR_PEER_ADDRESS: Address;
  DATA: Uint8Array;
  XOR_RELAYED_ADDRESS: Address;
  REQUESTED_ADDRESS_FAMILY: 4 | 6;
  EVEN_PORT: { readonly reserveNext: boolean };
  /** An IP protocol number; 17 = UDP. */
  REQUESTED_TRANSPORT: number;
  DONT_FRAGMENT: true;
  RESERVATION_TOKEN: Uint8Array;
  PRIORITY: number;
  USE_CANDIDATE: true;
  PASSWORD_ALGORITHMS: readonly PasswordAlgorithmEntry[];
  ALTERNATE_DOMAIN: string;
  SOFTWARE: string;
  ALTERNATE_SERVER: Address;
  /** The CRC-32 value as an unsigned 32-bit number. */
  FINGERPRINT: number;
  /** 64-bit tie-breaker. */
  ICE_CONTROLLED: bigint;
  ICE_CONTROLLING: bigint;
}

/** What XOR-ed addresses are XOR-ed with (RFC 8489 §14.2). */
export interface XorContext {
  readonly magicCookie?: number;
  readonly transactionId: Uint8Array;
}

interface Codec<T> {
  /** `r` is a reader over exactly the attribute value (offsets are absolute in the message). */
  decode(r: ByteReader, ctx: XorContext): T;
  encode(value: T, ctx: XorContext): Uint8Array;
}

// ---- building blocks -------------------------------------------------------------------------

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function encodeText(field: string, maxBytes: number, v: string): Uint8Array {
  const b = utf8Encoder.encode(v);
  if (b.length > maxBytes) throw new RangeError(`${field} is ${b.length} bytes; the limit is ${maxBytes}`);
  return b;
}

function text(field: string, maxBytes: number): Codec<string> {
  return {
    decode(r) {
      const at = r.offset;
      const bytes = r.rest();
      try {
        return utf8Decoder.decode(bytes);
      } catch {
        throw new ParseError(LAYER, field, at, 'not valid UTF-8');
      }
    },
    encode: (v) => encodeText(field, maxBytes, v),
  };
}

const opaque = (field: string, check?: (n: number) => boolean, expect?: string): Codec<Uint8Array> => ({
  decode(r) {
    if (check && !check(r.remaining)) r.fail(field, `length ${r.remaining}, expected ${expect}`);
    return r.rest().slice();
  },
  encode(v) {
    if (check && !check(v.length)) throw new RangeError(`${field} must be ${expect} bytes`);
    return v;
  },
});

const flag = (field: string): Codec<true> => ({
  decode(r) {
    if (r.remaining !== 0) r.fail(field, `has ${r.remaining} value bytes; it must be empty`);
    return true;
  },
  encode: () => new Uint8Array(0),
});

const u32 = (field: string): Codec<number> => ({
  decode(r) {
    if (r.remaining !== 4) r.fail(field, `length ${r.remaining}, expected 4`);
    return r.u32(field);
  },
  encode: (v) => new ByteWriter(4).u32(v).finish(),
});

const u64 = (field: string): Codec<bigint> => ({
  decode(r) {
    if (r.remaining !== 8) r.fail(field, `length ${r.remaining}, expected 8`);
    return r.u64(field);
  },
  encode: (v) => new ByteWriter(8).u64(v).finish(),
});

/** RFC 8489 §14.1: reserved(8) family(8) port(16) address(32 or 128). */
function readAddress(r: ByteReader, field: string): { family: number; port: number; ip: Uint8Array } {
  r.skip(1, `${field}.reserved`); // "MUST be ignored by receivers"
  const familyAt = r.offset;
  const family = r.u8(`${field}.family`);
  const port = r.u16(`${field}.port`);
  const size = family === AddressFamilyCode.IPv4 ? 4 : family === AddressFamilyCode.IPv6 ? 16 : 0;
  if (size === 0) r.fail(`${field}.family`, `unknown address family 0x${family.toString(16)}`, familyAt);
  if (r.remaining !== size) r.fail(`${field}.address`, `${r.remaining} address bytes for family ${family}`);
  return { family, port, ip: r.bytes(size, `${field}.address`).slice() };
}

function ipBytes(a: Address): Uint8Array {
  const b = addressFamily(a.address) === 6 ? ipv6ToBytes(a.address) : ipv4ToBytes(a.address);
  if (!b) throw new RangeError(`not an IP address: ${a.address}`);
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 0xffff) throw new RangeError(`bad port ${a.port}`);
  return b;
}

function writeAddress(port: number, ip: Uint8Array): Uint8Array {
  const w = new ByteWriter(4 + ip.length);
  w.u8(0).u8(ip.length === 4 ? AddressFamilyCode.IPv4 : AddressFamilyCode.IPv6).u16(port).bytes(ip);
  return w.finish();
}

const ipText = (ip: Uint8Array): string => (ip.length === 4 ? bytesToIpv4(ip) : bytesToIpv6(ip));

const plainAddress = (field: string): Codec<Address> => ({
  decode(r) {
    const { port, ip } = readAddress(r, field);
    return { address: ipText(ip), port };
  },
  encode: (a) => writeAddress(a.port, ipBytes(a)),
});

/**
 * RFC 8489 §14.2: the port is XOR-ed with the top 16 bits of the magic cookie and the address
 * with the cookie (IPv4) or the cookie followed by the transaction id (IPv6). Why: some NATs
 * rewrite any 32-bit value in a payload that looks like their public address; XOR hides it.
 */
function xorMask(ctx: XorContext): Uint8Array {
  const mask = new Uint8Array(16);
  const c = ctx.magicCookie ?? MAGIC_COOKIE;
  mask[0] = c >>> 24;
  mask[1] = (c >>> 16) & 0xff;
  mask[2] = (c >>> 8) & 0xff;
  mask[3] = c & 0xff;
  mask.set(ctx.transactionId.subarray(0, 12), 4);
  return mask;
}

function xorIp(ip: Uint8Array, ctx: XorContext): Uint8Array {
  const mask = xorMask(ctx);
  return ip.map((b, i) => b ^ mask[i]);
}

const xorAddress = (field: string): Codec<Address> => ({
  decode(r, ctx) {
    const { port, ip } = readAddress(r, field);
    const c = ctx.magicCookie ?? MAGIC_COOKIE;
    return { address: ipText(xorIp(ip, ctx)), port: port ^ (c >>> 16) };
  },
  encode(a, ctx) {
    const c = ctx.magicCookie ?? MAGIC_COOKIE;
    return writeAddress(a.port ^ (c >>> 16), xorIp(ipBytes(a), ctx));
  },
});

function readAlgorithm(r: ByteReader, field: string): PasswordAlgorithmEntry {
  const algorithm = r.u16(`${field}.algorithm`);
  const n = r.u16(`${field}.parametersLength`);
  const parameters = r.bytes(n, `${field}.parameters`).slice();
  r.skip((4 - (n % 4)) % 4, `${field}.padding`);
  return { algorithm, parameters };
}

const algorithmSize = (e: PasswordAlgorithmEntry): number => 4 + e.parameters.length + ((4 - (e.parameters.length % 4)) % 4);

function writeAlgorithm(w: ByteWriter, e: PasswordAlgorithmEntry): void {
  w.u16(e.algorithm).u16(e.parameters.length).bytes(e.parameters).zeros((4 - (e.parameters.length % 4)) % 4);
}

// ---- the table -------------------------------------------------------------------------------

const codecs: { readonly [N in AttributeName]: Codec<AttributeValues[N]> } = {
  MAPPED_ADDRESS: plainAddress('MAPPED-ADDRESS'),
  ALTERNATE_SERVER: plainAddress('ALTERNATE-SERVER'),
  XOR_MAPPED_ADDRESS: xorAddress('XOR-MAPPED-ADDRESS'),
  XOR_PEER_ADDRESS: xorAddress('XOR-PEER-ADDRESS'),
  XOR_RELAYED_ADDRESS: xorAddress('XOR-RELAYED-ADDRESS'),

  CHANGE_REQUEST: {
    // RFC 5780 §7.2: 29 zero bits, A (change IP) = 0x4, B (change port) = 0x2, one zero bit.
    decode(r) {
      if (r.remaining !== 4) r.fail('CHANGE-REQUEST', `length ${r.remaining}, expected 4`);
      const v = r.u32('CHANGE-REQUEST.flags');
      return { changeIp: (v & 0x4) !== 0, changePort: (v & 0x2) !== 0 };
    },
    encode: (v) => new ByteWriter(4).u32((v.changeIp ? 0x4 : 0) | (v.changePort ? 0x2 : 0)).finish(),
  },

  // §14.3 (< 509 bytes), §14.9 (< 128 chars, ~763 bytes), §14.10 (< 128 chars), §14.14 (< 128 chars)
  USERNAME: text('USERNAME', 508),
  REALM: text('REALM', 763),
  NONCE: text('NONCE', 763),
  SOFTWARE: text('SOFTWARE', 763),
  ALTERNATE_DOMAIN: text('ALTERNATE-DOMAIN', 255),

  USERHASH: opaque('USERHASH', (n) => n === 32, '32'), // §14.4: SHA-256
  MESSAGE_INTEGRITY: opaque('MESSAGE-INTEGRITY', (n) => n === 20, '20'), // §14.5
  MESSAGE_INTEGRITY_SHA256: opaque('MESSAGE-INTEGRITY-SHA256', (n) => n >= 16 && n <= 32 && n % 4 === 0, '16..32, a multiple of 4'),
  FINGERPRINT: u32('FINGERPRINT'),

  ERROR_CODE: {
    // §14.8: reserved(21) class(3) number(8) reason(UTF-8, < 128 chars)
    decode(r, ctx) {
      if (r.remaining < 4) r.fail('ERROR-CODE', `length ${r.remaining}, expected at least 4`);
      const at = r.offset;
      const head = r.u32('ERROR-CODE.class');
      const cls = (head >>> 8) & 0x7;
      const num = head & 0xff;
      if (cls < 3 || cls > 6) r.fail('ERROR-CODE.class', `class ${cls} is not 3..6`, at + 2);
      if (num > 99) r.fail('ERROR-CODE.number', `number ${num} is not 0..99`, at + 3);
      return { code: cls * 100 + num, reason: text('ERROR-CODE.reason', 763).decode(r, ctx) };
    },
    encode(v) {
      if (!Number.isInteger(v.code) || v.code < 300 || v.code > 699) throw new RangeError(`error code ${v.code} is not 300..699`);
      const reason = encodeText('ERROR-CODE.reason', 763, v.reason); // §14.8: < 128 characters
      return new ByteWriter(4 + reason.length).u16(0).u8(Math.floor(v.code / 100)).u8(v.code % 100).bytes(reason).finish();
    },
  },

  UNKNOWN_ATTRIBUTES: {
    // §14.13: a list of 16-bit types
    decode(r) {
      if (r.remaining % 2 !== 0) r.fail('UNKNOWN-ATTRIBUTES', `odd length ${r.remaining}`);
      const out: number[] = [];
      while (!r.atEnd) out.push(r.u16('UNKNOWN-ATTRIBUTES.type'));
      return out;
    },
    encode(v) {
      const w = new ByteWriter(2 * v.length);
      for (const t of v) w.u16(t);
      return w.finish();
    },
  },

  PASSWORD_ALGORITHM: {
    // §14.11: algorithm(16) parameters length(16) parameters padded
    decode(r) {
      return readAlgorithm(r, 'PASSWORD-ALGORITHM');
    },
    encode(v) {
      const w = new ByteWriter(algorithmSize(v));
      writeAlgorithm(w, v);
      return w.finish();
    },
  },

  PASSWORD_ALGORITHMS: {
    // §14.12: a list of the above
    decode(r) {
      const out: PasswordAlgorithmEntry[] = [];
      while (!r.atEnd) out.push(readAlgorithm(r, 'PASSWORD-ALGORITHMS'));
      return out;
    },
    encode(v) {
      const w = new ByteWriter(v.reduce((n, e) => n + algorithmSize(e), 0));
      for (const e of v) writeAlgorithm(w, e);
      return w.finish();
    },
  },

  PRIORITY: u32('PRIORITY'), // RFC 8445 §16.1
  USE_CANDIDATE: flag('USE-CANDIDATE'),
  ICE_CONTROLLED: u64('ICE-CONTROLLED'),
  ICE_CONTROLLING: u64('ICE-CONTROLLING'),

  CHANNEL_NUMBER: {
    // RFC 8656 §14.1: channel number(16) RFFU(16)
    decode(r) {
      if (r.remaining !== 4) r.fail('CHANNEL-NUMBER', `length ${r.remaining}, expected 4`);
      const n = r.u16('CHANNEL-NUMBER.number');
      r.skip(2, 'CHANNEL-NUMBER.rffu');
      return n;
    },
    encode: (v) => new ByteWriter(4).u16(v).u16(0).finish(),
  },
  LIFETIME: u32('LIFETIME'), // RFC 8656 §14.2
  DATA: opaque('DATA'), // RFC 8656 §14.4
  REQUESTED_ADDRESS_FAMILY: {
    // RFC 8656 §14.6: family(8) RFFU(24)
    decode(r) {
      if (r.remaining !== 4) r.fail('REQUESTED-ADDRESS-FAMILY', `length ${r.remaining}, expected 4`);
      const at = r.offset;
      const f = r.u8('REQUESTED-ADDRESS-FAMILY.family');
      r.skip(3, 'REQUESTED-ADDRESS-FAMILY.rffu');
      if (f === AddressFamilyCode.IPv4) return 4;
      if (f === AddressFamilyCode.IPv6) return 6;
      return r.fail('REQUESTED-ADDRESS-FAMILY.family', `unknown family 0x${f.toString(16)}`, at);
    },
    encode: (v) => new ByteWriter(4).u8(v === 4 ? AddressFamilyCode.IPv4 : AddressFamilyCode.IPv6).u24(0).finish(),
  },
  EVEN_PORT: {
    // RFC 8656 §14.7: R bit (reserve the next port) then 7 RFFU bits
    decode(r) {
      if (r.remaining !== 1) r.fail('EVEN-PORT', `length ${r.remaining}, expected 1`);
      return { reserveNext: (r.u8('EVEN-PORT.flags') & 0x80) !== 0 };
    },
    encode: (v) => Uint8Array.of(v.reserveNext ? 0x80 : 0),
  },
  REQUESTED_TRANSPORT: {
    // RFC 8656 §14.8: protocol(8) RFFU(24)
    decode(r) {
      if (r.remaining !== 4) r.fail('REQUESTED-TRANSPORT', `length ${r.remaining}, expected 4`);
      const p = r.u8('REQUESTED-TRANSPORT.protocol');
      r.skip(3, 'REQUESTED-TRANSPORT.rffu');
      return p;
    },
    encode: (v) => new ByteWriter(4).u8(v).u24(0).finish(),
  },
  DONT_FRAGMENT: flag('DONT-FRAGMENT'), // RFC 8656 §14.9
  RESERVATION_TOKEN: opaque('RESERVATION-TOKEN', (n) => n === 8, '8'), // RFC 8656 §14.10
};

// ---- public API ------------------------------------------------------------------------------

/** Encode a typed value to attribute bytes. `ctx` supplies the XOR mask for XOR-* addresses. */
export function encodeAttribute<N extends AttributeName>(name: N, value: AttributeValues[N], ctx: XorContext): StunAttribute {
  return { type: AttributeType[name], value: (codecs[name] as Codec<AttributeValues[N]>).encode(value, ctx) };
}

/**
 * Decode one attribute value. `offset` is the attribute header's offset in `raw` (for errors);
 * throws ParseError when the value is malformed.
 */
export function decodeAttribute<N extends AttributeName>(
  name: N,
  attribute: StunAttribute,
  ctx: XorContext,
  offset = 0,
): AttributeValues[N] {
  const r = new ByteReader(attribute.value, LAYER);
  try {
    const out = (codecs[name] as Codec<AttributeValues[N]>).decode(r, ctx);
    if (!r.atEnd) r.fail(name.replace(/_/g, '-'), `${r.remaining} unexpected trailing byte(s)`);
    return out;
  } catch (e) {
    // Offsets inside the value become offsets in the message.
    if (e instanceof ParseError) throw new ParseError(LAYER, e.field, offset + 4 + e.offset, e.reason);
    throw e;
  }
}

/**
 * The attributes a receiver should look at: everything up to MESSAGE-INTEGRITY, and after it only
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 §14.5: others MUST be ignored).
 */
export function effectiveAttributes<A extends StunAttribute>(attributes: readonly A[]): A[] {
  const out: A[] = [];
  let afterIntegrity = false;
  for (const a of attributes) {
    if (afterIntegrity && a.type !== AttributeType.MESSAGE_INTEGRITY_SHA256 && a.type !== AttributeType.FINGERPRINT) continue;
    out.push(a);
    if (a.type === AttributeType.MESSAGE_INTEGRITY || a.type === AttributeType.MESSAGE_INTEGRITY_SHA256) afterIntegrity = true;
  }
  return out;
}

function offsetOf(a: StunAttribute): number {
  return 'offset' in a && typeof a.offset === 'number' ? a.offset : 0;
}

/**
 * The typed value of the first `name` attribute, or undefined if absent. Throws ParseError if
 * that attribute is malformed (a server answers 400 then).
 */
export function getAttribute<N extends AttributeName>(msg: StunMessage, name: N): AttributeValues[N] | undefined {
  const type = AttributeType[name];
  const a = findEffective(msg.attributes, type);
  return a === undefined ? undefined : decodeAttribute(name, a, msg, offsetOf(a));
}

/** The first attribute of `type` that a receiver may look at (see effectiveAttributes). */
function findEffective(attributes: readonly StunAttribute[], type: number): StunAttribute | undefined {
  let afterIntegrity = false;
  for (const a of attributes) {
    const visible = !afterIntegrity || a.type === AttributeType.MESSAGE_INTEGRITY_SHA256 || a.type === AttributeType.FINGERPRINT;
    if (visible && a.type === type) return a;
    if (a.type === AttributeType.MESSAGE_INTEGRITY || a.type === AttributeType.MESSAGE_INTEGRITY_SHA256) afterIntegrity = true;
  }
  return undefined;
}

/** All `name` attributes in order (e.g. several XOR-PEER-ADDRESS in CreatePermission). */
export function getAttributes<N extends AttributeName>(msg: StunMessage, name: N): AttributeValues[N][] {
  const type = AttributeType[name];
  return effectiveAttributes(msg.attributes)
    .filter((x) => x.type === type)
    .map((a) => decodeAttribute(name, a, msg, offsetOf(a)));
}

export function hasAttribute(msg: StunMessage, name: AttributeName): boolean {
  return findEffective(msg.attributes, AttributeType[name]) !== undefined;
}

/**
 * Comprehension-required types (0x0000-0x7FFF) this codec does not know: a server answers a
 * request carrying any with 420 and lists them in UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1).
 * Unknown comprehension-optional ones (e.g. Chromium's 0xC057) are simply ignored.
 */
export function unknownComprehensionRequired(msg: StunMessage | DecodedMessage): number[] {
  const out: number[] = [];
  for (const a of effectiveAttributes(msg.attributes)) {
    if (isComprehensionRequired(a.type) && !isKnownAttribute(a.type) && !out.includes(a.type)) out.push(a.type);
  }
  return out;
}

/** Decode every known attribute (for printing); unknown ones are reported raw. */
export function describeAttributes(msg: StunMessage): { type: number; name: string | undefined; value: unknown; error?: string }[] {
  return msg.attributes.map((a) => {
    const key = attributeKey(a.type);
    if (!key) return { type: a.type, name: undefined, value: a.value };
    const name = key.replace(/_/g, '-');
    try {
      return { type: a.type, name, value: decodeAttribute(key, a, msg, offsetOf(a)) };
    } catch (e) {
      return { type: a.type, name, value: a.value, error: e instanceof Error ? e.message : String(e) };
    }
  });
}
