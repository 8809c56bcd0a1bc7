/**
 * One UDP socket carries every protocol of a call (BUNDLE + rtcp-mux). RFC 7983 §7 tells them
 * apart by the first byte:
 *
 *              +----------------+
 *              |        [0..3] -+--> STUN
 *              |      [16..19] -+--> ZRTP
 *   packet --> |      [20..63] -+--> DTLS
 *              |      [64..79] -+--> TURN channel
 *              |    [128..191] -+--> RTP / RTCP
 *              +----------------+
 *
 * RTP and RTCP share 128..191; RFC 5761 §4 separates them by the second byte (the RTCP packet
 * type, or the RTP marker bit + payload type): 192..223 is RTCP.
 */
export const PACKET_CLASSES = ['stun', 'dtls', 'rtp', 'rtcp', 'turn-channel', 'zrtp', 'unknown'] as const;
export type PacketClass = (typeof PACKET_CLASSES)[number];

export function classifyPacket(data: Uint8Array): PacketClass {
  if (data.length === 0) return 'unknown';
  const b = data[0];
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'turn-channel';
  if (b >= 128 && b <= 191) {
    if (data.length < 2) return 'unknown';
    const pt = data[1];
    // RFC 5761 §4: RTCP packet types 192..223 (SR 200, RR 201, SDES 202, BYE 203, APP 204,
    // RTPFB 205, PSFB 206, XR 207); RTP payload types 64..95 would collide and are not used.
    return pt >= 192 && pt <= 223 ? 'rtcp' : 'rtp';
  }
  return 'unknown';
}

/** Per-class datagram counters (what the peer connection received on its socket). */
export type DemuxCounters = Record<PacketClass, number>;

export const newDemuxCounters = (): DemuxCounters => ({
  stun: 0,
  dtls: 0,
  rtp: 0,
  rtcp: 0,
  'turn-channel': 0,
  zrtp: 0,
  unknown: 0,
});
