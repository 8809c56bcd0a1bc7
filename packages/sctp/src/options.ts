import { cryptoRandom, type RandomSource } from '@rtcstack/common';

/** Association configuration; every field has an RFC 9260 §16 or WebRTC-practice default. */
export interface SctpOptions {
  /** SCTP ports; WebRTC uses 5000 on both sides unless SDP a=sctp-port says otherwise (RFC 8841). */
  readonly localPort?: number;
  readonly remotePort?: number;
  /**
   * Largest SCTP packet we send, in bytes. Over DTLS each SCTP packet rides in one DTLS record
   * (RFC 8261 §5); 1200 keeps the UDP datagram under typical path MTUs.
   */
  readonly mtu?: number;
  /** Receive buffer we advertise as a_rwnd (bytes). */
  readonly receiveWindow?: number;
  /** Streams we ask for / accept (OS and MIS in INIT). */
  readonly outboundStreams?: number;
  readonly inboundStreams?: number;
  /** RTO.Initial / RTO.Min / RTO.Max in ms (§16: 1000 / 1000 / 60000; WebRTC stacks use a lower minimum). */
  readonly rtoInitial?: number;
  readonly rtoMin?: number;
  readonly rtoMax?: number;
  /** Max.Init.Retransmits (§16: 8) and Association.Max.Retrans (§16: 10). */
  readonly maxInitRetransmits?: number;
  readonly maxRetransmits?: number;
  /** Valid.Cookie.Life (§16: 60 s). */
  readonly cookieLifetimeMs?: number;
  /** HB.interval (§16: 30 s); 0 turns heartbeats off. */
  readonly heartbeatIntervalMs?: number;
  /** Delayed SACK timer (§6.2: at most 500 ms; 200 ms is the recommended value). */
  readonly delayedAckMs?: number;
  /**
   * The packets travel inside DTLS (RFC 8261), whose record MAC already protects them: offer and
   * use zero checksums (RFC 9653, EDMID 1). Never turn this on over plain UDP. Default false.
   */
  readonly zeroChecksum?: boolean;
  /** Secret for the state cookie MAC; random per association by default. */
  readonly cookieSecret?: Uint8Array;
  readonly random?: RandomSource;
}

export interface ResolvedOptions {
  readonly localPort: number;
  readonly remotePort: number;
  readonly mtu: number;
  readonly receiveWindow: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly rtoInitial: number;
  readonly rtoMin: number;
  readonly rtoMax: number;
  readonly maxInitRetransmits: number;
  readonly maxRetransmits: number;
  readonly cookieLifetimeMs: number;
  readonly heartbeatIntervalMs: number;
  readonly delayedAckMs: number;
  readonly zeroChecksum: boolean;
  readonly cookieSecret: Uint8Array;
  readonly random: RandomSource;
}

export function resolveOptions(o: SctpOptions): ResolvedOptions {
  const random = o.random ?? cryptoRandom;
  return {
    localPort: o.localPort ?? 5000,
    remotePort: o.remotePort ?? 5000,
    mtu: o.mtu ?? 1200,
    receiveWindow: o.receiveWindow ?? 1024 * 1024,
    outboundStreams: o.outboundStreams ?? 65535,
    inboundStreams: o.inboundStreams ?? 65535,
    rtoInitial: o.rtoInitial ?? 1000,
    rtoMin: o.rtoMin ?? 200,
    rtoMax: o.rtoMax ?? 60000,
    maxInitRetransmits: o.maxInitRetransmits ?? 8,
    maxRetransmits: o.maxRetransmits ?? 10,
    cookieLifetimeMs: o.cookieLifetimeMs ?? 60000,
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 30000,
    delayedAckMs: o.delayedAckMs ?? 200,
    zeroChecksum: o.zeroChecksum ?? false,
    cookieSecret: o.cookieSecret ?? random(32),
    random,
  };
}
