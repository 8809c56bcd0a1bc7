import { isParseError } from '@rtcstack/common';
import { decodeRtcp, type RtcpPacket } from '@rtcstack/rtp-rtcp';

/**
 * A (decrypted) RTCP datagram from the peer, as both ends of an audio stream read it: the
 * compound's packets (RFC 3550 §6.1), or undefined when it does not decode, so the caller drops
 * and counts it. Anything but a ParseError is a bug and propagates.
 */
export function decodeRtcpOrDrop(data: Uint8Array): RtcpPacket[] | undefined {
  try {
    return decodeRtcp(data);
  } catch (e) {
    if (!isParseError(e)) throw e;
    return undefined;
  }
}
