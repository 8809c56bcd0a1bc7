import { ParseError } from '@rtcstack/common';

/**
 * Values of the header extensions a browser sends with audio (the ids come from a=extmap):
 * RFC 6464 client-to-mixer audio level, transport-wide sequence number, MID and RID.
 */

/** RFC 6464 §3: V (voice activity) bit and the level in -dBov (0..127). */
export interface AudioLevelValue {
  readonly voiceActivity: boolean;
  readonly level: number;
}

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';

export function parseAudioLevel(data: Uint8Array): AudioLevelValue {
  if (data.length < 1) throw new ParseError('rtp', 'extension.audio-level', 0, 'empty audio level element');
  return { voiceActivity: (data[0] & 0x80) !== 0, level: data[0] & 0x7f };
}

export function encodeAudioLevel(v: AudioLevelValue): Uint8Array {
  return Uint8Array.of((v.voiceActivity ? 0x80 : 0) | (Math.max(0, Math.min(127, v.level)) & 0x7f));
}

/** draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: a 16-bit transport-wide sequence number. */
export function parseTransportSequenceNumber(data: Uint8Array): number {
  if (data.length < 2) throw new ParseError('rtp', 'extension.transport-cc', 0, `needs 2 bytes, got ${data.length}`);
  return (data[0] << 8) | data[1];
}

export function encodeTransportSequenceNumber(seq: number): Uint8Array {
  return Uint8Array.of((seq >>> 8) & 0xff, seq & 0xff);
}

/** RFC 8843 §15 (MID) / RFC 8852 (RID): the element is the identifier's text. */
export function parseSdesText(data: Uint8Array): string {
  return String.fromCharCode(...data);
}
