/**
 * A transform is the cipher half of SRTP: given a packet and its index it produces the protected
 * packet, or verifies and decrypts one. Index bookkeeping, replay and ROC live in context.ts.
 * Two families: AES-CM + HMAC-SHA1 (transform-aes-cm.ts) and AEAD AES-GCM (transform-gcm.ts).
 */
export interface SrtpTransform {
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
  /** Offset of the SRTCP E||index word in a protected packet of length `len`. */
  rtcpTrailerAt(len: number): number;
  /** pkt = RTP packet; returns header || encrypted payload || tag. */
  protectRtp(pkt: Uint8Array, headerLength: number, ssrc: number, roc: number, seq: number): Uint8Array;
  /** pkt = protected packet incl. tag; undefined when the tag does not verify. */
  unprotectRtp(pkt: Uint8Array, headerLength: number, ssrc: number, roc: number, seq: number): Uint8Array | undefined;
  /** pkt = RTCP compound packet; always encrypts (E = 1). */
  protectRtcp(pkt: Uint8Array, ssrc: number, index: number): Uint8Array;
  unprotectRtcp(pkt: Uint8Array, ssrc: number, index: number, encrypted: boolean): Uint8Array | undefined;
}
