/**
 * RTCCertificate (W3C webrtc-pc §4.9): our DTLS identity. Generated with ECDSA P-256 like
 * browsers; its SHA-256 fingerprint goes into a=fingerprint (RFC 8122 §5).
 */
import { fingerprint, generateCertificate, type LocalCertificate } from '@rtcstack/dtls';

export interface RTCDtlsFingerprint {
  algorithm: string;
  value: string;
}

export class RTCCertificate {
  readonly expires: number;
  constructor(readonly local: LocalCertificate, expires: number) {
    this.expires = expires;
  }
  getFingerprints(): RTCDtlsFingerprint[] {
    return [{ algorithm: 'sha-256', value: fingerprint(this.local.der, 'sha-256') }];
  }
}

/** RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }). */
export function newCertificate(now: number, validityDays = 30): RTCCertificate {
  const local = generateCertificate({ now, validityDays });
  return new RTCCertificate(local, now + validityDays * 86_400_000);
}

/** The process-wide default certificate and when to stop handing it out. */
let shared: RTCCertificate | undefined;
const RENEW_BEFORE_MS = 86_400_000;

/**
 * The certificate a peer connection uses when the application gives none (webrtc-pc §4.4.1.1
 * step "If certificates is empty, generate one"). One is generated per process and reused until
 * a day before it expires: ECDSA key generation plus self-signing costs about 1 ms of CPU and
 * some native memory per connection otherwise. The trade-off: every call from this process shows
 * the same DTLS fingerprint, so calls can be linked to each other; pass
 * `certificates: [await RTCPeerConnection.generateCertificate(...)]` for a fresh identity.
 */
export function defaultCertificate(now: number): RTCCertificate {
  if (!shared || shared.expires - now < RENEW_BEFORE_MS) shared = newCertificate(now);
  return shared;
}
