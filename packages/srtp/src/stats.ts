/** Counters a context keeps; every unprotect outcome lands in exactly one of them. */
export interface SrtpStats {
  rtpProtected: number;
  rtcpProtected: number;
  rtpUnprotected: number;
  rtcpUnprotected: number;
  /** Tag did not verify. */
  authFailed: number;
  /** Truncated / not RTP or RTCP. */
  parseErrors: number;
  /** Duplicate or older than the replay window. */
  replayed: number;
  /** No context for the SSRC and acceptUnknownSsrc is false. */
  unknownSsrc: number;
}

export function emptyStats(): SrtpStats {
  return {
    rtpProtected: 0,
    rtcpProtected: 0,
    rtpUnprotected: 0,
    rtcpUnprotected: 0,
    authFailed: 0,
    parseErrors: 0,
    replayed: 0,
    unknownSsrc: 0,
  };
}
