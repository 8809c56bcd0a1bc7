import type { KeyObject } from 'node:crypto';
import { constantTimeEqual, cryptoRandom, toHex, type RandomSource } from '@rtcstack/common';
import {
  AlertDescription,
  AlertLevel,
  CIPHER_SUITES,
  ContentType,
  DTLS_1_2,
  HandshakeType,
  NamedGroup,
  srtpProfileByName,
  type AlertName,
  type CipherSuiteInfo,
  type CipherSuiteName,
  type SrtpProfileInfo,
} from './constants.ts';
import type { DtlsEvent, DtlsOutput, DtlsStats, SrtpKeys } from './events.ts';
import { writeFlight, type FlightEntry } from './flight.ts';
import { alert as alertCodec, certificate as certificateCodec, finished as finishedCodec } from './messages.ts';
import type { DtlsEndpointOptions, ExpectedFingerprint } from './options.ts';
import { expandKeys, exportKeyingMaterial, extendedMasterSecret, verifyData } from './prf.ts';
import { HandshakeReassembler, type HandshakeMessage } from './reassembler.ts';
import type { DtlsRecord } from './record.ts';
import { RecordLayer } from './record-layer.ts';
import { RecordProtection } from './record-protection.ts';
import { Transcript } from './transcript.ts';
import { fingerprint, fingerprintMatches, parseCertificate, type LocalCertificate } from './x509/index.ts';

export type DtlsState = 'new' | 'handshaking' | 'connected' | 'closed' | 'failed';

/** Which handshake message we wait for next (RFC 5246 §7.3 message order). */
export type Expect =
  | 'client_hello' // server, stateless
  | 'server_hello' // client: HelloVerifyRequest or ServerHello
  | 'server_certificate'
  | 'server_key_exchange'
  | 'certificate_request_or_done'
  | 'server_hello_done'
  | 'client_certificate'
  | 'client_key_exchange'
  | 'certificate_verify'
  | 'finished'
  | 'done';

/** A fatal condition found while processing: becomes an alert to the peer and an error event. */
export class HandshakeAbort extends Error {
  constructor(
    readonly alert: AlertName,
    reason: string,
  ) {
    super(reason);
  }
}

/** What the client and server flights do with a complete handshake message. */
export interface Flights {
  handleMessage(now: number, m: HandshakeMessage): void;
}

const GROUP_IDS = { x25519: NamedGroup.x25519, secp256r1: NamedGroup.secp256r1 } as const;
const MAX_EARLY_DATA = 32;
const SRTP_LABEL = 'EXTRACTOR-dtls_srtp';

/**
 * The state one DTLS handshake shares between the endpoint (records, timers, the public
 * surface) and the role's flights (client-flights.ts, server-flights.ts): configuration,
 * negotiated values, transcript, the flight in the air, and the steps both roles take
 * (peer certificate and fingerprint, key derivation, ChangeCipherSpec + Finished, alerts).
 * Internal: not exported from the package.
 */
export class HandshakeContext {
  // Configuration.
  readonly role: 'client' | 'server';
  readonly cert: LocalCertificate;
  readonly random: RandomSource;
  readonly mtu: number;
  readonly rtoInitial: number;
  readonly rtoMax: number;
  readonly maxTransmissions: number;
  readonly suites: readonly CipherSuiteInfo[];
  readonly groups: readonly NamedGroup[];
  readonly srtpProfiles: readonly SrtpProfileInfo[];
  readonly srtpMki: Uint8Array;
  readonly expectedFingerprints: readonly ExpectedFingerprint[] | undefined;
  readonly requireClientCert: boolean;
  readonly keyLog: ((line: string) => void) | undefined;

  state: DtlsState = 'new';
  /** Pending outputs, read from `outputHead` on (O(1) per poll; Array.shift is O(n) on a burst). */
  private outputs: (DtlsOutput | undefined)[] = [];
  private outputHead = 0;

  // Record layer: epochs, keys, sequence numbers, replay windows, early records.
  readonly records: RecordLayer;
  earlyData: Uint8Array[] = [];
  /** Set by the endpoint: runs records held for epoch 1 once reads switch to it. */
  processRecords: (now: number, recs: readonly DtlsRecord[]) => void = () => {};

  // Handshake.
  expect: Expect;
  readonly reassembler = new HandshakeReassembler(0);
  sendSeq = 0;
  readonly transcript = new Transcript();
  peerFlightLastSeq = -1;
  flight: FlightEntry[] = [];
  retransmitAt: number | undefined;
  rto: number;
  transmissions = 0;

  // Negotiated values.
  clientRandom: Uint8Array = new Uint8Array(32);
  serverRandom: Uint8Array = new Uint8Array(32);
  suite: CipherSuiteInfo | undefined;
  group: NamedGroup | undefined;
  srtpProfile: SrtpProfileInfo | undefined;
  peerCertDer: Uint8Array | undefined;
  peerPublicKey: KeyObject | undefined;
  /** Client: the server sent a CertificateRequest. Server: we sent one. */
  certificateRequested = false;
  master: Uint8Array | undefined;
  expectedPeerVerifyData: Uint8Array | undefined;

  constructor(
    opts: DtlsEndpointOptions,
    readonly stats: DtlsStats,
  ) {
    this.role = opts.role;
    this.cert = opts.certificate;
    this.random = opts.random ?? cryptoRandom;
    this.mtu = opts.mtu ?? 1200;
    if (this.mtu < 64) throw new RangeError('mtu must be at least 64');
    this.rtoInitial = opts.retransmitInitialMs ?? 1000;
    this.rtoMax = opts.retransmitMaxMs ?? 60_000;
    this.maxTransmissions = opts.maxTransmissions ?? 8;
    this.rto = this.rtoInitial;
    const allowed = opts.cipherSuites;
    let suites = CIPHER_SUITES.filter((s) => !allowed || allowed.includes(s.name as CipherSuiteName));
    if (allowed) suites = [...suites].sort((a, b) => allowed.indexOf(a.name as CipherSuiteName) - allowed.indexOf(b.name as CipherSuiteName));
    this.suites = suites;
    this.groups = (opts.groups ?? ['x25519', 'secp256r1']).map((g) => GROUP_IDS[g]);
    this.srtpProfiles = (opts.srtpProfiles ?? []).map((n) => {
      const p = srtpProfileByName(n);
      if (!p) throw new RangeError(`unknown SRTP profile ${n}`);
      return p;
    });
    this.srtpMki = opts.srtpMki ?? new Uint8Array(0);
    this.expectedFingerprints = opts.expectedFingerprints;
    this.requireClientCert = opts.requireClientCertificate ?? true;
    this.keyLog = opts.keyLog;
    this.expect = this.role === 'server' ? 'client_hello' : 'server_hello';
    this.records = new RecordLayer(DTLS_1_2, this.stats);
  }

  alive(): boolean {
    return this.state !== 'closed' && this.state !== 'failed';
  }

  // ─── transcript ─────────────────────────────────────────────────────────────────────────────

  addTranscript(m: HandshakeMessage): void {
    this.transcript.add(m.msgType, m.messageSeq, m.body);
  }

  transcriptHash(): Uint8Array {
    return this.transcript.hash(this.suite!.prfHash);
  }

  unexpected(m: HandshakeMessage): never {
    throw new HandshakeAbort('unexpected_message', `unexpected handshake message type ${m.msgType} while waiting for ${this.expect}`);
  }

  /** RFC 5246 §7.4.1.2: 32 random bytes (gmt_unix_time is not needed and leaks the clock). */
  makeRandom(): Uint8Array {
    return this.random(32);
  }

  // ─── steps both roles take ──────────────────────────────────────────────────────────────────

  /** The peer's Certificate message. Fingerprint checked here, before any key is derived. */
  onPeerCertificate(body: Uint8Array): void {
    const chain = certificateCodec.decode(body);
    if (chain.length === 0) {
      // An expected fingerprint can only be checked against a certificate: then one is required.
      if (this.role === 'server' && !this.requireClientCert && !this.expectedFingerprints) return;
      // RFC 5246 §7.4.6: a server that requires a client certificate answers an empty one with handshake_failure.
      throw new HandshakeAbort(this.role === 'server' ? 'handshake_failure' : 'bad_certificate', 'peer sent no certificate');
    }
    const der = chain[0].slice();
    let parsed;
    try {
      parsed = parseCertificate(der);
    } catch (e) {
      throw new HandshakeAbort('bad_certificate', `peer certificate does not parse: ${e instanceof Error ? e.message : String(e)}`);
    }
    // RFC 8827 §6.5 / RFC 8122: the certificate must match the fingerprint from the SDP.
    if (this.expectedFingerprints && !this.expectedFingerprints.some((fp) => fingerprintMatches(der, fp))) {
      throw new HandshakeAbort('bad_certificate', `peer certificate ${fingerprint(der, 'sha-256')} does not match the expected fingerprint`);
    }
    if (this.role === 'client') {
      const want = this.suite!.auth === 'ecdsa' ? 'ec-p256' : 'rsa';
      if (parsed.keyType !== want) throw new HandshakeAbort('unsupported_certificate', `suite needs a ${want} certificate, got ${parsed.keyType}`);
    } else if (parsed.keyType !== 'ec-p256' && parsed.keyType !== 'rsa') {
      throw new HandshakeAbort('unsupported_certificate', `client certificate key type ${parsed.keyType} is not supported`);
    }
    this.peerCertDer = der;
    this.peerPublicKey = parsed.publicKey;
  }

  /** RFC 7627 §4 master secret, RFC 5246 §6.3 key block; sets write keys and pending read keys. */
  deriveKeys(preMaster: Uint8Array): void {
    const suite = this.suite!;
    const sessionHash = this.transcriptHash();
    this.master = extendedMasterSecret(suite.prfHash, preMaster, sessionHash);
    const k = expandKeys(suite.prfHash, this.master, this.clientRandom, this.serverRandom, suite.keyLength, suite.fixedIvLength);
    const client = new RecordProtection(suite, k.clientWriteKey, k.clientWriteIv);
    const server = new RecordProtection(suite, k.serverWriteKey, k.serverWriteIv);
    if (this.role === 'client') this.records.installKeys(client, server);
    else this.records.installKeys(server, client);
    this.keyLog?.(`CLIENT_RANDOM ${toHex(this.clientRandom)} ${toHex(this.master)}`);
  }

  changeCipherSpecAndFinished(label: 'client finished' | 'server finished'): FlightEntry[] {
    const ccs: FlightEntry = { kind: 'ccs', epoch: 0 };
    this.records.startWritingEpoch1();
    const vd = verifyData(this.suite!.prfHash, this.master!, label, this.transcriptHash());
    return [ccs, this.handshakeEntry(HandshakeType.finished, finishedCodec.encode(vd))];
  }

  /** The verify_data the peer's Finished must carry, from the transcript as it stands now. */
  expectPeerFinished(label: 'client finished' | 'server finished'): void {
    this.expectedPeerVerifyData = verifyData(this.suite!.prfHash, this.master!, label, this.transcriptHash());
  }

  checkFinished(m: HandshakeMessage): void {
    const vd = finishedCodec.decode(m.body);
    const want = this.expectedPeerVerifyData;
    // RFC 5246 §7.4.9: a wrong verify_data is fatal (decrypt_error). Constant-time compare.
    if (!want || !constantTimeEqual(vd, want)) throw new HandshakeAbort('decrypt_error', 'Finished verify_data does not match');
    this.addTranscript(m);
  }

  /** RFC 5705 exporter; only once connected. */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    if (this.state !== 'connected' || !this.master || !this.suite) throw new Error('keying material is only available once connected');
    return exportKeyingMaterial(this.suite.prfHash, this.master, label, this.clientRandom, this.serverRandom, length, context);
  }

  connected(): void {
    this.expect = 'done';
    this.state = 'connected';
    let keyingMaterial: Uint8Array = new Uint8Array(0);
    let srtpKeys: SrtpKeys | undefined;
    const p = this.srtpProfile;
    if (p) {
      // RFC 5764 §4.2: client key | server key | client salt | server salt.
      keyingMaterial = this.exportKeyingMaterial(SRTP_LABEL, 2 * (p.keyLength + p.saltLength));
      const k = p.keyLength;
      const s = p.saltLength;
      srtpKeys = {
        clientKey: keyingMaterial.slice(0, k),
        serverKey: keyingMaterial.slice(k, 2 * k),
        clientSalt: keyingMaterial.slice(2 * k, 2 * k + s),
        serverSalt: keyingMaterial.slice(2 * k + s, 2 * k + 2 * s),
      };
    }
    this.emit({
      type: 'connected',
      cipherSuite: this.suite!.name as CipherSuiteName,
      srtpProfile: p?.name,
      keyingMaterial,
      srtpKeys,
      peerCertificate: this.peerCertDer ?? new Uint8Array(0),
      peerFingerprint: this.peerCertDer ? fingerprint(this.peerCertDer, 'sha-256') : '',
    });
    for (const d of this.earlyData) this.emit({ type: 'data', data: d });
    this.earlyData = [];
  }

  /** Application data that arrived under epoch 1 before our handshake finished (bounded). */
  holdEarlyData(data: Uint8Array): void {
    if (this.earlyData.length < MAX_EARLY_DATA) this.earlyData.push(data);
  }

  // ─── output ─────────────────────────────────────────────────────────────────────────────────

  handshakeEntry(msgType: number, body: Uint8Array, inTranscript = true): FlightEntry {
    const messageSeq = this.sendSeq++;
    if (inTranscript) this.transcript.add(msgType, messageSeq, body);
    return { kind: 'handshake', msgType, messageSeq, body, epoch: msgType === HandshakeType.finished ? 1 : 0 };
  }

  sendFlight(now: number, entries: FlightEntry[], timer = true): void {
    this.flight = entries;
    this.transmissions = 0;
    this.transmitFlight(now, false);
    if (!timer) this.retransmitAt = undefined;
  }

  transmitFlight(now: number, isRetransmission: boolean): void {
    if (isRetransmission || this.transmissions > 0) this.stats.retransmissions++;
    this.transmissions++;
    for (const d of writeFlight(this.records, this.flight, this.mtu)) this.transmit(d);
    // Only flights that wait for an answer run the timer (the server's flight 6 does not).
    const waiting = this.state === 'handshaking';
    this.retransmitAt = waiting ? now + this.rto : undefined;
  }

  transmit(data: Uint8Array): void {
    this.stats.datagramsSent++;
    this.outputs.push({ type: 'transmit', data });
  }

  emit(e: DtlsEvent): void {
    this.outputs.push(e);
  }

  /** The oldest pending output, in the order produced. */
  nextOutput(): DtlsOutput | undefined {
    if (this.outputHead >= this.outputs.length) return undefined;
    const o = this.outputs[this.outputHead];
    this.outputs[this.outputHead++] = undefined; // let the datagram go
    if (this.outputHead === this.outputs.length) {
      this.outputs = [];
      this.outputHead = 0;
    } else if (this.outputHead >= 1024 && this.outputHead * 2 >= this.outputs.length) {
      // A caller that never drains completely: drop the consumed half now and then (amortised O(1)).
      this.outputs = this.outputs.slice(this.outputHead);
      this.outputHead = 0;
    }
    return o;
  }

  sendAlert(level: number, description: number): void {
    this.transmit(this.records.seal(ContentType.alert, alertCodec.encode({ level, description })));
  }

  /** Fatal end: alert (when we detected it), error event, no keys ever exported. */
  fail(alert: AlertName | undefined, send: boolean, reason: string): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    if (alert && send) this.sendAlert(AlertLevel.fatal, AlertDescription[alert]);
    this.state = 'failed';
    this.retransmitAt = undefined;
    this.flight = [];
    this.master = undefined;
    this.emit({ type: 'error', alert, sent: send && alert !== undefined, reason });
  }
}
