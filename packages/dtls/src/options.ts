import type { RandomSource } from '@rtcstack/common';
import type { LocalCertificate } from './x509/index.ts';
import type { CipherSuiteName, SrtpProfileName } from './constants.ts';

/** An expected peer certificate fingerprint, as SDP a=fingerprint carries it (RFC 8122 §5). */
export interface ExpectedFingerprint {
  /** 'sha-256' (also sha-1, sha-224, sha-384, sha-512). */
  readonly algorithm: string;
  /** "AB:CD:..." (case-insensitive). */
  readonly value: string;
}

export interface DtlsEndpointOptions {
  /** 'client' sends the ClientHello (SDP a=setup:active), 'server' answers it (a=setup:passive). */
  readonly role: 'client' | 'server';
  /** Our certificate and key (ECDSA P-256 from generateCertificate(), or RSA/ECDSA loaded from PEM). */
  readonly certificate: LocalCertificate;
  /**
   * The peer's certificate must match one of these (RFC 8122 / RFC 8827 §6.5) before the
   * handshake completes; otherwise a fatal bad_certificate alert and no keys. Omit only in tests
   * and CLIs that accept any peer.
   */
  readonly expectedFingerprints?: readonly ExpectedFingerprint[];
  /** use_srtp profiles we offer (client) or accept (server), in preference order. Empty: no use_srtp. */
  readonly srtpProfiles?: readonly SrtpProfileName[];
  /** MKI sent in use_srtp (RFC 5764 §4.1.1); default empty. */
  readonly srtpMki?: Uint8Array;
  /** Cipher suites we allow, in preference order. Default: all we implement. */
  readonly cipherSuites?: readonly CipherSuiteName[];
  /** ECDHE groups we allow, in preference order. Default ['x25519', 'secp256r1']. */
  readonly groups?: readonly ('x25519' | 'secp256r1')[];
  /** Largest datagram we emit (handshake messages are fragmented to fit). Default 1200. */
  readonly mtu?: number;
  /** First retransmission timeout, ms (RFC 6347 §4.2.4.1: 1 s). Default 1000. */
  readonly retransmitInitialMs?: number;
  /** Ceiling of the doubling timer, ms. Default 60000. */
  readonly retransmitMaxMs?: number;
  /** Transmissions of one flight before the handshake fails. Default 8. */
  readonly maxTransmissions?: number;
  /**
   * Server: demand a client certificate (WebRTC always does). Default true. With false, a client
   * may answer the CertificateRequest with an empty list, unless expectedFingerprints is set.
   */
  readonly requireClientCertificate?: boolean;
  /** Server: bytes bound into the HelloVerifyRequest cookie, e.g. the client's address. */
  readonly cookieContext?: Uint8Array;
  /**
   * Server: answer a ClientHello without a valid cookie with a HelloVerifyRequest (RFC 6347
   * §4.2.1) before keeping any state. Default true. false saves one round trip, but only do it
   * when the path is already known to reach the client: RFC 6347 §4.2.1 "If the server is being
   * operated in an environment where amplification is not a problem, the server MAY be configured
   * not to perform a cookie exchange. The default SHOULD be that the exchange is performed";
   * RFC 9147 §5.1 names the case: "e.g., where ICE [RFC8445] has been used to establish
   * bidirectional connectivity". The cost: a ClientHello from a spoofed address makes the server
   * send its whole flight 4 (certificate, signature: ~10x the ClientHello) to that address and do
   * an ECDHE keygen and a signature for it. Only for an endpoint bound to one ICE-validated peer.
   */
  readonly cookieExchange?: boolean;
  /** Randomness for hello randoms and the cookie secret. Default cryptoRandom. */
  readonly random?: RandomSource;
  /**
   * Client: extra ClientHello extensions, replacing ours of the same type (tests use this to send
   * what Chromium sends: DTLS 1.3 in supported_versions, an X25519MLKEM768 key share).
   */
  readonly clientHelloExtensions?: readonly { readonly type: number; readonly data: Uint8Array }[];
  /** NSS key log sink (CLIENT_RANDOM lines) so Wireshark can decrypt a capture. */
  readonly keyLog?: (line: string) => void;
}
