/**
 * TURN ChannelData messages (RFC 8656 §12.4): once a channel is bound, data to and from a peer
 * travels with a 4-byte header instead of a 36+ byte Send/Data indication.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Channel Number        |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                       Application Data                        /
 * /                       +-------------------------------+
 * |                       | padding to 4 (TCP only; optional over UDP)
 *
 * The first two bits are 01 (channel numbers 0x4000-0x4FFF), which is how a receiver tells it
 * from STUN (00) on the same socket (RFC 7983 §7: first byte 64..79).
 */
import { ByteReader, ParseError } from '@rtcstack/common';
import { CHANNEL_NUMBER_MAX, CHANNEL_NUMBER_MIN } from './constants.ts';
import { LAYER } from './message.ts';

export interface ChannelData {
  readonly channel: number;
  readonly data: Uint8Array;
}

export function isValidChannelNumber(n: number): boolean {
  return Number.isInteger(n) && n >= CHANNEL_NUMBER_MIN && n <= CHANNEL_NUMBER_MAX;
}

/** RFC 7983 §7 demultiplexing: first byte 64..79 is TURN ChannelData. */
export function looksLikeChannelData(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] >= 0x40 && bytes[0] <= 0x4f;
}

/**
 * Decode one ChannelData message. Up to 3 bytes of padding after the data are allowed (and
 * ignored); anything longer is an error because over UDP one datagram holds one message.
 */
export function decodeChannelData(bytes: Uint8Array): ChannelData {
  const r = new ByteReader(bytes, LAYER);
  const channel = r.u16('channelData.channel');
  // §12: 0x4000-0x4FFF; 0x5000-0xFFFF reserved. Anything else here is not ChannelData.
  if (!isValidChannelNumber(channel)) throw new ParseError(LAYER, 'channelData.channel', 0, `0x${channel.toString(16)} is not 0x4000..0x4FFF`);
  const length = r.u16('channelData.length');
  const data = r.bytes(length, 'channelData.data');
  if (r.remaining > 3) r.fail('channelData.padding', `${r.remaining} bytes after the data; at most 3 bytes of padding allowed`);
  return { channel, data };
}

/** Encode; `pad` adds zero padding to a multiple of 4 (required over TCP, §12.5). */
export function encodeChannelData(m: ChannelData, pad = false): Uint8Array {
  if (!isValidChannelNumber(m.channel)) throw new RangeError(`channel 0x${m.channel.toString(16)} is not 0x4000..0x4FFF`);
  if (m.data.length > 0xffff) throw new RangeError('ChannelData data is longer than 65535 bytes');
  const padded = pad ? (m.data.length + 3) & ~3 : m.data.length;
  const out = new Uint8Array(4 + padded);
  out[0] = m.channel >> 8;
  out[1] = m.channel & 0xff;
  out[2] = m.data.length >> 8;
  out[3] = m.data.length & 0xff;
  out.set(m.data, 4);
  return out;
}
