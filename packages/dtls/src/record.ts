import { ByteReader, ParseError } from '@rtcstack/common';
import { ContentType } from './constants.ts';

/**
 * RFC 6347 §4.1: the DTLS record header, 13 bytes.
 *
 *   0        1        2        3        4        5        6        7
 *  +--------+--------+--------+--------+--------+--------+--------+--------+
 *  |  type  |     version     |      epoch      |   sequence_number (48) ...
 *  +--------+--------+--------+--------+--------+--------+--------+--------+
 *  ...                        |     length      |  fragment (length bytes) ...
 *  +--------+--------+--------+--------+--------+
 */
export const RECORD_HEADER_LENGTH = 13;
/** RFC 5246 §6.2.1: plaintext fragments are at most 2^14 bytes; ciphertext adds at most 2048. */
export const MAX_PLAINTEXT = 16384;
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;

export interface DtlsRecord {
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  /** 48-bit record sequence number (exact as a JS number). */
  readonly sequenceNumber: number;
  /** The (possibly protected) fragment: a view into the datagram. */
  readonly fragment: Uint8Array;
  /** The 13 header bytes, for the AEAD additional data. */
  readonly header: Uint8Array;
}

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(ContentType));

/**
 * RFC 6347 §4.1.1: a datagram may hold several records. Decodes all of them; a malformed record
 * makes the rest of the datagram unreadable, so it throws ParseError (the caller drops the rest).
 */
export function decodeRecords(datagram: Uint8Array): DtlsRecord[] {
  const r = new ByteReader(datagram, 'dtls');
  const out: DtlsRecord[] = [];
  while (!r.atEnd) {
    const start = r.offset;
    const type = r.u8('record.type');
    if (!KNOWN_TYPES.has(type)) r.fail('record.type', `unknown content type ${type}`, start);
    const version = r.u16('record.version');
    if (version >> 8 !== 0xfe) r.fail('record.version', `not a DTLS version: 0x${version.toString(16)}`, start + 1);
    const epoch = r.u16('record.epoch');
    const sequenceNumber = r.u48('record.sequence_number');
    const length = r.u16('record.length');
    if (length > MAX_CIPHERTEXT) r.fail('record.length', `record of ${length} bytes exceeds 2^14+2048`, start + 11);
    const fragment = r.bytes(length, 'record.fragment');
    out.push({ type, version, epoch, sequenceNumber, fragment, header: datagram.subarray(start, start + RECORD_HEADER_LENGTH) });
  }
  return out;
}

/** Writes a record header into `out` at `at` (13 bytes). */
export function writeRecordHeader(out: Uint8Array, at: number, type: number, version: number, epoch: number, seq: number, length: number): void {
  if (length > MAX_CIPHERTEXT) throw new ParseError('dtls', 'record.length', at + 11, `record of ${length} bytes is too long`);
  out[at] = type;
  out[at + 1] = version >> 8;
  out[at + 2] = version & 0xff;
  out[at + 3] = epoch >> 8;
  out[at + 4] = epoch & 0xff;
  const hi = Math.floor(seq / 2 ** 32);
  out[at + 5] = hi >> 8;
  out[at + 6] = hi & 0xff;
  out[at + 7] = (seq >>> 24) & 0xff;
  out[at + 8] = (seq >>> 16) & 0xff;
  out[at + 9] = (seq >>> 8) & 0xff;
  out[at + 10] = seq & 0xff;
  out[at + 11] = length >> 8;
  out[at + 12] = length & 0xff;
}

/** Encodes a plaintext record (epoch 0, or already-protected fragment bytes). */
export function encodeRecord(rec: Omit<DtlsRecord, 'header'>): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LENGTH + rec.fragment.length);
  writeRecordHeader(out, 0, rec.type, rec.version, rec.epoch, rec.sequenceNumber, rec.fragment.length);
  out.set(rec.fragment, RECORD_HEADER_LENGTH);
  return out;
}
