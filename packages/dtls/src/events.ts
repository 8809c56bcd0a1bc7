import type { AlertName, CipherSuiteName, SrtpProfileName } from './constants.ts';

/** SRTP master keys and salts, split per RFC 5764 §4.2. */
export interface SrtpKeys {
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly clientSalt: Uint8Array;
  readonly serverSalt: Uint8Array;
}

export interface ConnectedEvent {
  readonly type: 'connected';
  readonly cipherSuite: CipherSuiteName;
  /** Negotiated use_srtp profile, or undefined when none was negotiated. */
  readonly srtpProfile: SrtpProfileName | undefined;
  /** RFC 5705 "EXTRACTOR-dtls_srtp" output sized 2*(key+salt) for the profile (empty without use_srtp). */
  readonly keyingMaterial: Uint8Array;
  readonly srtpKeys: SrtpKeys | undefined;
  /** DER of the peer's end-entity certificate. */
  readonly peerCertificate: Uint8Array;
  /** sha-256 fingerprint of it, "AB:CD:..." */
  readonly peerFingerprint: string;
}

/** Application data from the peer (SCTP packets in WebRTC). */
export interface DataEvent {
  readonly type: 'data';
  readonly data: Uint8Array;
}

/** The peer sent close_notify, or we called close(). */
export interface ClosedEvent {
  readonly type: 'closed';
  readonly by: 'peer' | 'local';
}

/**
 * The connection failed: a fatal alert we sent (`sent: true`) or received, or a handshake timeout
 * (alert undefined). Nothing more will come out of the endpoint but retransmissions of nothing.
 */
export interface ErrorEvent {
  readonly type: 'error';
  readonly alert: AlertName | undefined;
  readonly sent: boolean;
  readonly reason: string;
}

export type DtlsEvent = ConnectedEvent | DataEvent | ClosedEvent | ErrorEvent;

/** A datagram to put on the wire to the peer. */
export interface TransmitOutput {
  readonly type: 'transmit';
  readonly data: Uint8Array;
}

export type DtlsOutput = TransmitOutput | DtlsEvent;

/** Counters for what the endpoint dropped or did (DESIGN.md: count, never throw). */
export interface DtlsStats {
  datagramsReceived: number;
  /** Datagrams/records that failed to decode (ParseError). */
  malformed: number;
  /** Records whose AEAD tag failed (RFC 6347 §4.1.2.7: silently discarded). */
  badRecordMac: number;
  /** Records dropped by the anti-replay window. */
  replayed: number;
  /** Records of a future epoch held until its keys arrived. */
  bufferedEarly: number;
  /** ClientHellos whose cookie did not verify (answered with a fresh HelloVerifyRequest). */
  cookieRejected: number;
  /** Flights re-sent (timer or peer retransmission). */
  retransmissions: number;
  datagramsSent: number;
}
