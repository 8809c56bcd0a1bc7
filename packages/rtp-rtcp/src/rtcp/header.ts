/**
 * The RTCP common header (RFC 3550 §6.4.1) shared by every packet in a compound:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * count is the report/chunk/source count, the APP subtype or the feedback FMT; length is the
 * packet size in 32-bit words minus one (header included).
 */
export const RtcpPacketType = {
  SR: 200, // RFC 3550 §6.4.1
  RR: 201, // RFC 3550 §6.4.2
  SDES: 202, // RFC 3550 §6.5
  BYE: 203, // RFC 3550 §6.6
  APP: 204, // RFC 3550 §6.7
  RTPFB: 205, // RFC 4585 §6.2 transport-layer feedback
  PSFB: 206, // RFC 4585 §6.3 payload-specific feedback
  XR: 207, // RFC 3611 (kept raw)
} as const;
export type RtcpPacketTypeName = keyof typeof RtcpPacketType;

/** RTPFB FMT values. */
export const RtpfbFormat = {
  NACK: 1, // RFC 4585 §6.2.1 generic NACK
  TWCC: 15, // draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1
} as const;

/** PSFB FMT values. */
export const PsfbFormat = {
  PLI: 1, // RFC 4585 §6.3.1
  FIR: 4, // RFC 5104 §4.3.1
  AFB: 15, // RFC 4585 §6.4 application layer feedback; REMB lives here
} as const;

/** Fields every decoded RTCP packet carries besides its own. */
export interface RtcpCommon {
  /**
   * P bit: the padding bytes at the end of this packet (the last one is their count, RFC 3550
   * §6.4.1). Kept as a view so that re-encoding is byte-exact.
   */
  readonly padding?: Uint8Array;
}
