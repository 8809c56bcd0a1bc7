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
