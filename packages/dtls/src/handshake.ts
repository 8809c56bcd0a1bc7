import { ByteReader, ParseError } from '@rtcstack/common';

/**
 * RFC 6347 §4.2.2: the DTLS handshake header, 12 bytes, in front of every handshake fragment.
 *
 *  +--------+--------+--------+--------+--------+--------+
 *  |msg_type|      length (24)         |  message_seq    |
 *  +--------+--------+--------+--------+--------+--------+
 *  |  fragment_offset (24)    |  fragment_length (24)    |  body[fragment_length] ...
 *  +--------+--------+--------+--------+--------+--------+
 */
export const HANDSHAKE_HEADER_LENGTH = 12;
/** Largest handshake message we accept (certificate chains are the big ones). */
export const MAX_HANDSHAKE_MESSAGE = 1 << 16;

export interface HandshakeFragment {
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  /** This fragment's bytes: body[fragmentOffset .. fragmentOffset + data.length). */
  readonly data: Uint8Array;
}

/** A record of type handshake holds one or more fragments back to back. */
export function decodeHandshakeFragments(payload: Uint8Array): HandshakeFragment[] {
  const r = new ByteReader(payload, 'dtls');
  const out: HandshakeFragment[] = [];
  while (!r.atEnd) {
    const start = r.offset;
    const msgType = r.u8('handshake.msg_type');
    const length = r.u24('handshake.length');
    const messageSeq = r.u16('handshake.message_seq');
    const fragmentOffset = r.u24('handshake.fragment_offset');
    const fragmentLength = r.u24('handshake.fragment_length');
    if (length > MAX_HANDSHAKE_MESSAGE) r.fail('handshake.length', `message of ${length} bytes is too long`, start + 1);
    if (fragmentOffset + fragmentLength > length) r.fail('handshake.fragment_length', 'fragment runs past the message length', start + 9);
    const data = r.bytes(fragmentLength, 'handshake.fragment');
    out.push({ msgType, length, messageSeq, fragmentOffset, data });
  }
  return out;
}

export function encodeFragment(f: HandshakeFragment): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + f.data.length);
  writeHeader(out, f.msgType, f.length, f.messageSeq, f.fragmentOffset, f.data.length);
  out.set(f.data, HANDSHAKE_HEADER_LENGTH);
  return out;
}

function writeHeader(out: Uint8Array, type: number, length: number, seq: number, offset: number, fragLen: number): void {
  out[0] = type;
  out[1] = length >> 16;
  out[2] = (length >> 8) & 0xff;
  out[3] = length & 0xff;
  out[4] = seq >> 8;
  out[5] = seq & 0xff;
  out[6] = offset >> 16;
  out[7] = (offset >> 8) & 0xff;
  out[8] = offset & 0xff;
  out[9] = fragLen >> 16;
  out[10] = (fragLen >> 8) & 0xff;
  out[11] = fragLen & 0xff;
}

/**
 * The whole message as one fragment (offset 0, fragment_length = length): the form that goes
 * into the handshake transcript (RFC 6347 §4.2.6).
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  if (body.length > MAX_HANDSHAKE_MESSAGE) throw new ParseError('dtls', 'handshake.length', 0, 'message too long');
  return encodeFragment({ msgType, length: body.length, messageSeq, fragmentOffset: 0, data: body });
}

/** RFC 6347 §4.2.3: split a message into fragments whose bytes (header included) fit `maxBytes`. */
export function fragmentHandshake(msgType: number, messageSeq: number, body: Uint8Array, maxBytes: number): Uint8Array[] {
  const room = Math.max(1, maxBytes - HANDSHAKE_HEADER_LENGTH);
  if (body.length <= room) return [encodeHandshakeMessage(msgType, messageSeq, body)];
  const out: Uint8Array[] = [];
  for (let off = 0; off < body.length; off += room) {
    out.push(encodeFragment({ msgType, length: body.length, messageSeq, fragmentOffset: off, data: body.subarray(off, off + room) }));
  }
  return out;
}
