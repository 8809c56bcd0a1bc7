/**
 * The STUN message: a 20-byte header and a list of TLV attributes (RFC 8489 §5, §14).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  attributes: Type(16) Length(16) Value(Length) padding to 4   |
 *
 * This module only frames: it checks the header and splits attributes, keeping each one's raw
 * value, padding and offset so integrity can be checked on the bytes as received. Typed attribute
 * values are in attributes.ts.
 */
import { ByteReader, ByteWriter, ParseError, toHex } from '@rtcstack/common';
import {
  AttributeType,
  HEADER_LENGTH,
  MAGIC_COOKIE,
  MessageClass,
  TRANSACTION_ID_LENGTH,
  type MessageClassName,
} from './constants.ts';

export const LAYER = 'stun';

/** One attribute as bytes. `padding` (0-3 bytes) may hold any value; default zeros. */
export interface StunAttribute {
  readonly type: number;
  readonly value: Uint8Array;
  readonly padding?: Uint8Array;
}

/** An attribute as received: where its header starts in `raw`, and its padding bytes. */
export interface ReceivedAttribute extends StunAttribute {
  readonly offset: number;
  readonly padding: Uint8Array;
}

export interface StunMessage {
  readonly class: MessageClassName;
  /** 12-bit method, see `Method`. */
  readonly method: number;
  /** 12 bytes. */
  readonly transactionId: Uint8Array;
  readonly attributes: readonly StunAttribute[];
  /** Bytes 4..7. MAGIC_COOKIE unless this is an RFC 3489 message (then part of its id). */
  readonly magicCookie?: number;
}

export interface DecodedMessage extends StunMessage {
  readonly attributes: readonly ReceivedAttribute[];
  readonly magicCookie: number;
  /** The whole message exactly as received (a view of the input). */
  readonly raw: Uint8Array;
}

export interface DecodeOptions {
  /**
   * Accept messages without the magic cookie (RFC 3489 clients, RFC 8489 §12: a server answers
   * them with MAPPED-ADDRESS). Default false: a wrong cookie is a ParseError.
   */
  readonly allowRfc3489?: boolean;
}

/**
 * RFC 8489 §5: the 14-bit type interleaves the class bits C1 C0 into the 12 method bits:
 * M11..M7 C1 M6..M4 C0 M3..M0.
 */
export function encodeMessageType(cls: MessageClassName, method: number): number {
  const c = MessageClass[cls];
  return (
    (method & 0x000f) | ((c & 0b01) << 4) | ((method & 0x0070) << 1) | ((c & 0b10) << 7) | ((method & 0x0f80) << 2)
  );
}

export function decodeMessageType(type: number): { class: MessageClassName; method: number } {
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const c = ((type >> 4) & 0b01) | ((type >> 7) & 0b10);
  const cls = (['request', 'indication', 'success', 'error'] as const)[c];
  return { class: cls, method };
}

/** Attribute value lengths fixed by the RFC that integrity/fingerprint code relies on. */
const fixedLengths: ReadonlyMap<number, (n: number) => boolean> = new Map([
  [AttributeType.MESSAGE_INTEGRITY, (n: number) => n === 20], // §14.5
  [AttributeType.MESSAGE_INTEGRITY_SHA256, (n: number) => n >= 16 && n <= 32 && n % 4 === 0], // §14.6
  [AttributeType.FINGERPRINT, (n: number) => n === 4], // §14.7
]);

/**
 * Frame a STUN message (RFC 8489 §6.3): header checks, then attributes until the end.
 * Throws ParseError (layer 'stun') naming the field and offset of the first problem.
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): DecodedMessage {
  const r = new ByteReader(bytes, LAYER);
  if (bytes.length < HEADER_LENGTH) {
    r.fail('header', `${bytes.length} bytes is shorter than the 20-byte header`, 0);
  }
  const type = r.u16('header.type');
  if (type & 0xc000) r.fail('header.type', 'the top two bits of a STUN message are not zero', 0);
  const length = r.u16('header.length');
  if (length % 4 !== 0) r.fail('header.length', `length ${length} is not a multiple of 4`, 2);
  if (length !== bytes.length - HEADER_LENGTH) {
    r.fail('header.length', `length ${length} but ${bytes.length - HEADER_LENGTH} bytes follow the header`, 2);
  }
  const magicCookie = r.u32('header.magicCookie');
  if (magicCookie !== MAGIC_COOKIE && !options.allowRfc3489) {
    r.fail('header.magicCookie', `0x${magicCookie.toString(16).padStart(8, '0')} is not 0x2112a442`, 4);
  }
  const transactionId = r.bytes(TRANSACTION_ID_LENGTH, 'header.transactionId');
  const attributes: ReceivedAttribute[] = [];
  let sawFingerprint = false;
  while (!r.atEnd) {
    const offset = r.offset;
    if (sawFingerprint) r.fail('attribute', 'attribute after FINGERPRINT, which must be last (RFC 8489 §14.7)', offset);
    const attrType = r.u16('attribute.type');
    const attrLength = r.u16('attribute.length');
    const value = r.bytes(attrLength, `attribute 0x${attrType.toString(16).padStart(4, '0')} value`);
    const padding = r.bytes((4 - (attrLength % 4)) % 4, 'attribute padding');
    const lengthOk = fixedLengths.get(attrType);
    if (lengthOk && !lengthOk(attrLength)) {
      r.fail(`attribute 0x${attrType.toString(16).padStart(4, '0')}.length`, `invalid length ${attrLength}`, offset + 2);
    }
    if (attrType === AttributeType.FINGERPRINT) sawFingerprint = true;
    attributes.push({ type: attrType, value, padding, offset });
  }
  const { class: cls, method } = decodeMessageType(type);
  return { class: cls, method, transactionId, attributes, magicCookie, raw: bytes };
}

/** Encode a message exactly: attributes in order, padding as given (zeros otherwise). */
export function encodeMessage(msg: StunMessage): Uint8Array {
  if (msg.transactionId.length !== TRANSACTION_ID_LENGTH) {
    throw new RangeError(`transaction id must be ${TRANSACTION_ID_LENGTH} bytes, not ${msg.transactionId.length}`);
  }
  let size = HEADER_LENGTH;
  for (const a of msg.attributes) size += 4 + a.value.length + ((4 - (a.value.length % 4)) % 4);
  const w = new ByteWriter(size); // exact: no reallocation while writing
  w.u16(encodeMessageType(msg.class, msg.method));
  w.u16(0); // length, patched below
  w.u32(msg.magicCookie ?? MAGIC_COOKIE);
  w.bytes(msg.transactionId);
  for (const a of msg.attributes) writeAttribute(w, a);
  w.patchU16(2, w.length - HEADER_LENGTH);
  return w.finish();
}

function writeAttribute(w: ByteWriter, a: StunAttribute): void {
  if (a.value.length > 0xffff) throw new RangeError(`attribute 0x${a.type.toString(16)} value is longer than 65535 bytes`);
  const padLength = (4 - (a.value.length % 4)) % 4;
  w.u16(a.type).u16(a.value.length).bytes(a.value);
  if (a.padding && a.padding.length !== padLength) {
    throw new RangeError(`attribute 0x${a.type.toString(16)} needs ${padLength} padding bytes, got ${a.padding.length}`);
  }
  if (a.padding) w.bytes(a.padding);
  else w.zeros(padLength);
}

/**
 * A cheap test for demultiplexing (RFC 7983 §7 and RFC 8489 §5): first byte 0..3, the header
 * fits, the length is a multiple of 4 matching the datagram, and the magic cookie is there.
 */
export function looksLikeStun(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_LENGTH || bytes[0] > 3) return false;
  const length = (bytes[2] << 8) | bytes[3];
  if (length % 4 !== 0 || length + HEADER_LENGTH !== bytes.length) return false;
  return bytes[4] === 0x21 && bytes[5] === 0x12 && bytes[6] === 0xa4 && bytes[7] === 0x42;
}

/** Transaction ids as map keys. */
export function transactionKey(id: Uint8Array): string {
  return toHex(id);
}

