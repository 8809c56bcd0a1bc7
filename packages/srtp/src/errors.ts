import type { ParseError } from '@rtcstack/common';

/**
 * Why an incoming SRTP/SRTCP packet was dropped. Each reason is counted separately in the
 * session's stats (see stats.ts); nothing else can come out of unprotect.
 */
export const UNPROTECT_FAILURES = {
  /** The tag did not verify (RFC 3711 §3.3 step 5, RFC 7714 §8.2): forged or corrupted. */
  auth: 'auth-failed',
  /** Too short or not an RTP/RTCP packet: the header could not be read (a ParseError). */
  parse: 'parse-error',
  /** Already seen, or older than the replay window (RFC 3711 §3.3.2). */
  replay: 'replayed',
  /** No crypto context for this SSRC and the session does not create them on demand. */
  unknownSsrc: 'unknown-ssrc',
} as const;

export type UnprotectFailure = (typeof UNPROTECT_FAILURES)[keyof typeof UNPROTECT_FAILURES];

export type UnprotectResult =
  | {
      readonly ok: true;
      /** The RTP or RTCP packet, tag and SRTCP trailer removed, payload decrypted. */
      readonly packet: Uint8Array;
      readonly ssrc: number;
      /** SRTP packet index (ROC * 65536 + SEQ) or the SRTCP index. */
      readonly index: number;
    }
  | { readonly ok: false; readonly reason: 'auth-failed'; readonly ssrc: number }
  | { readonly ok: false; readonly reason: 'replayed'; readonly ssrc: number; readonly index: number }
  | { readonly ok: false; readonly reason: 'unknown-ssrc'; readonly ssrc: number }
  | { readonly ok: false; readonly reason: 'parse-error'; readonly error: ParseError };
