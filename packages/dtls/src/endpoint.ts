import type { KeyObject } from 'node:crypto';
import { concatBytes, constantTimeEqual, cryptoRandom, isParseError, toHex, type RandomSource } from '@rtcstack/common';
import {
  AlertDescription,
  AlertLevel,
  CIPHER_SUITES,
  ClientCertificateType,
  ContentType,
  DTLS_1_0,
  DTLS_1_2,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  alertName,
  srtpProfileByName,
  type AlertName,
  type CipherSuiteInfo,
  type CipherSuiteName,
  type SrtpProfileInfo,
} from './constants.ts';
import { CookieJar } from './cookie.ts';
import { generateEcdhe, type EcdheKeyPair } from './ecdhe.ts';
import type { DtlsEvent, DtlsOutput, DtlsStats, SrtpKeys } from './events.ts';
import {
  ecPointFormats,
  extendedMasterSecretExt,
  findExtension,
  renegotiationInfo,
  signatureAlgorithms,
  supportedGroups,
  useSrtp,
  type Extension,
} from './extensions.ts';
import { writeFlight, type FlightEntry } from './flight.ts';
import { decodeHandshakeFragments, encodeHandshakeMessage, type HandshakeFragment } from './handshake.ts';
import {
  alert as alertCodec,
  certificate as certificateCodec,
  certificateRequest as certificateRequestCodec,
  certificateVerify as certificateVerifyCodec,
  clientHello as clientHelloCodec,
  clientKeyExchange as clientKeyExchangeCodec,
  encodeEcdhParams,
  finished as finishedCodec,
  helloVerifyRequest as helloVerifyRequestCodec,
  serverHello as serverHelloCodec,
  serverHelloDone as serverHelloDoneCodec,
  serverKeyExchange as serverKeyExchangeCodec,
  type ClientHello,
} from './messages.ts';
import type { DtlsEndpointOptions, ExpectedFingerprint } from './options.ts';
import { expandKeys, exportKeyingMaterial, extendedMasterSecret, verifyData } from './prf.ts';
import { HandshakeReassembler, type HandshakeMessage } from './reassembler.ts';
import { decodeRecords, encodeRecord, MAX_PLAINTEXT, RECORD_HEADER_LENGTH, type DtlsRecord } from './record.ts';
import { RecordProtection } from './record-protection.ts';
import { RecordLayer } from './record-layer.ts';
import { Transcript } from './transcript.ts';
import { chooseScheme, createSignature, VERIFY_SCHEMES, verifySignature } from './signature.ts';
import { fingerprint, fingerprintMatches, parseCertificate, type LocalCertificate } from './x509/index.ts';

export type DtlsState = 'new' | 'handshaking' | 'connected' | 'closed' | 'failed';

/** Which handshake message we wait for next (RFC 5246 §7.3 message order). */
type Expect =
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
class HandshakeAbort extends Error {
  constructor(
    readonly alert: AlertName,
    reason: string,
  ) {
    super(reason);
  }
}

const GROUP_IDS = { x25519: NamedGroup.x25519, secp256r1: NamedGroup.secp256r1 } as const;
const MAX_EARLY_DATA = 32;
const SRTP_LABEL = 'EXTRACTOR-dtls_srtp';

/**
 * A DTLS 1.2 endpoint (RFC 6347) for one peer, client or server, sans-IO.
 *
 * Handshake flights (RFC 6347 §4.2.4), as WebRTC runs them:
 *   client                                     server
 *   1  ClientHello                  ------>
 *                                   <------    HelloVerifyRequest (cookie)        2
 *   3  ClientHello (cookie)         ------>
 *                                              ServerHello, Certificate,
 *                                              ServerKeyExchange,
 *                                   <------    CertificateRequest, ServerHelloDone 4
 *   5  Certificate, ClientKeyExchange,
 *      CertificateVerify, [CCS], Finished --->
 *                                   <------    [CCS], Finished                    6
 */
export class DtlsEndpoint {
  readonly role: 'client' | 'server';
  readonly version = DTLS_1_2;
  readonly stats: DtlsStats = {
    datagramsReceived: 0,
    malformed: 0,
    badRecordMac: 0,
    replayed: 0,
    bufferedEarly: 0,
    cookieRejected: 0,
    retransmissions: 0,
    datagramsSent: 0,
  };

  private readonly cert: LocalCertificate;
  private readonly random: RandomSource;
  private readonly mtu: number;
  private readonly rtoInitial: number;
  private readonly rtoMax: number;
  private readonly maxTransmissions: number;
  private readonly suites: readonly CipherSuiteInfo[];
  private readonly groups: readonly NamedGroup[];
  private readonly srtpProfiles: readonly SrtpProfileInfo[];
  private readonly srtpMki: Uint8Array;
  private readonly expectedFingerprints: readonly ExpectedFingerprint[] | undefined;
  private readonly requireClientCert: boolean;
  private readonly cookies: CookieJar | undefined;
  private readonly keyLog: ((line: string) => void) | undefined;
  private readonly extraHelloExtensions: readonly Extension[];

  private _state: DtlsState = 'new';
  private readonly outputs: DtlsOutput[] = [];

  // Record layer: epochs, keys, sequence numbers, replay windows, early records.
  private readonly records: RecordLayer;
  private earlyData: Uint8Array[] = [];

  // Handshake.
  private expect: Expect;
  private readonly reassembler = new HandshakeReassembler(0);
  private sendSeq = 0;
  private readonly transcript = new Transcript();
  private peerFlightLastSeq = -1;
  private flight: FlightEntry[] = [];
  private retransmitAt: number | undefined;
  private rto: number;
  private transmissions = 0;

  // Negotiated values.
  private clientRandom: Uint8Array = new Uint8Array(32);
  private serverRandom: Uint8Array = new Uint8Array(32);
  private cookie = new Uint8Array(0);
  private suite: CipherSuiteInfo | undefined;
  private group: NamedGroup | undefined;
  private ecdhe: EcdheKeyPair | undefined;
  private peerEcdhePublic: Uint8Array | undefined;
  private srtpProfile: SrtpProfileInfo | undefined;
  private peerSignatureAlgorithms: readonly number[] | undefined;
  private peerCertDer: Uint8Array | undefined;
  private peerPublicKey: KeyObject | undefined;
  private certificateRequested = false;
  private peerSignalledSecureRenegotiation = false;
  private certRequestSchemes: readonly number[] = [];
  private master: Uint8Array | undefined;
  private expectedPeerVerifyData: Uint8Array | undefined;

  constructor(opts: DtlsEndpointOptions) {
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
    this.suites = CIPHER_SUITES.filter((s) => !allowed || allowed.includes(s.name as CipherSuiteName));
    if (allowed) this.suites = [...this.suites].sort((a, b) => allowed.indexOf(a.name as CipherSuiteName) - allowed.indexOf(b.name as CipherSuiteName));
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
    this.extraHelloExtensions = opts.clientHelloExtensions ?? [];
    this.cookies = this.role === 'server' ? new CookieJar(this.random, opts.cookieContext) : undefined;
    this.expect = this.role === 'server' ? 'client_hello' : 'server_hello';
    this.records = new RecordLayer(DTLS_1_2, this.stats);
  }

  private alive(): boolean {
    return this._state !== 'closed' && this._state !== 'failed';
  }

  get state(): DtlsState {
    return this._state;
  }
  get cipherSuite(): CipherSuiteName | undefined {
    return this.suite?.name as CipherSuiteName | undefined;
  }
  get negotiatedSrtpProfile(): SrtpProfileInfo | undefined {
    return this.srtpProfile;
  }
  get peerCertificate(): Uint8Array | undefined {
    return this.peerCertDer;
  }
  /**
   * The largest send() that still fits one datagram of `mtu` bytes: mtu - 13 (record header) -
   * AEAD overhead (8-byte explicit nonce + 16-byte tag for GCM, 16 for ChaCha20-Poly1305).
   * SCTP sizes its packets with this. Known once the suite is chosen.
   */
  get maxApplicationDataSize(): number | undefined {
    const keys = this.records.protectionForWrites;
    return keys ? this.mtu - RECORD_HEADER_LENGTH - keys.overhead : undefined;
  }

  // ─── sans-IO surface ────────────────────────────────────────────────────────────────────────

  /** Client: sends flight 1 (ClientHello). Server: nothing to do until a ClientHello arrives. */
  start(now: number): void {
    if (this._state !== 'new') return;
    this._state = 'handshaking';
    if (this.role === 'client') {
      this.clientRandom = this.makeRandom();
      this.sendFlight(now, [this.handshakeEntry(HandshakeType.client_hello, this.buildClientHello())]);
    }
  }

  handleInput(now: number, datagram: Uint8Array): void {
    this.stats.datagramsReceived++;
    if (this._state === 'closed' || this._state === 'failed') return;
    if (this._state === 'new') {
      if (this.role === 'client') return; // nothing to answer before our ClientHello
      this._state = 'handshaking';
    }
    let records: DtlsRecord[];
    try {
      records = decodeRecords(datagram);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.stats.malformed++;
      return;
    }
    for (const rec of records) {
      if (!this.alive()) return;
      this.handleRecord(now, rec);
    }
  }

  handleTimeout(now: number): void {
    if (this.retransmitAt === undefined || now < this.retransmitAt) return;
    if (this._state !== 'handshaking') {
      this.retransmitAt = undefined;
      return;
    }
    if (this.transmissions >= this.maxTransmissions) {
      this.retransmitAt = undefined;
      this.fail(undefined, false, `handshake timed out after ${this.transmissions} transmissions of flight (last wait ${this.rto} ms)`);
      return;
    }
    // RFC 6347 §4.2.4.1: double the timer on each retransmission, up to the ceiling.
    this.rto = Math.min(this.rto * 2, this.rtoMax);
    this.transmitFlight(now, true);
  }

  nextTimeout(): number | undefined {
    return this.retransmitAt;
  }

  pollOutput(): DtlsOutput | undefined {
    return this.outputs.shift();
  }

  /** Application data (one record per call; SCTP packets fit the MTU). */
  send(data: Uint8Array): void {
    if (this._state !== 'connected') throw new Error(`cannot send application data in state ${this._state}`);
    if (data.length > MAX_PLAINTEXT) throw new RangeError(`application data of ${data.length} bytes exceeds 2^14`);
    this.transmit(this.records.seal(ContentType.application_data, data));
  }

  /** close_notify (RFC 5246 §7.2.1). */
  close(): void {
    if (this._state === 'closed' || this._state === 'failed') return;
    if (this._state !== 'new') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this._state = 'closed';
    this.retransmitAt = undefined;
    this.emit({ type: 'closed', by: 'local' });
  }

  /** RFC 5705 exporter; only once connected. */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    if (this._state !== 'connected' || !this.master || !this.suite) throw new Error('keying material is only available once connected');
    return exportKeyingMaterial(this.suite.prfHash, this.master, label, this.clientRandom, this.serverRandom, length, context);
  }

  /** The epoch-1 write keys (tests use them to forge records a real attacker could not). */
  protection(epoch: number): RecordProtection {
    return this.records.protection(epoch);
  }

  // ─── record layer ───────────────────────────────────────────────────────────────────────────

  private handleRecord(now: number, rec: DtlsRecord): void {
    // A server still waiting for a valid cookie holds nothing, not even early records.
    const payload = this.records.open(rec, !(this.role === 'server' && this.expect === 'client_hello'));
    if (!payload) return;
    // After the switch to epoch 1 only handshake retransmissions are meaningful in epoch 0.
    if (rec.epoch === 0 && this.records.readEpoch === 1 && rec.type !== ContentType.handshake) return;
    try {
      switch (rec.type) {
        case ContentType.handshake:
          this.handleHandshakeRecord(now, rec.epoch, payload);
          break;
        case ContentType.change_cipher_spec:
          this.handleChangeCipherSpec(now, rec.epoch, payload);
          break;
        case ContentType.alert:
          this.handleAlert(payload);
          break;
        case ContentType.application_data:
          this.handleApplicationData(rec.epoch, payload);
          break;
      }
    } catch (e) {
      if (e instanceof HandshakeAbort) {
        this.fail(e.alert, true, e.message);
      } else if (isParseError(e)) {
        // A handshake message body that does not decode (fragment-level errors are dropped earlier).
        this.fail('decode_error', true, e.message);
      } else {
        throw e;
      }
    }
  }

  private handleChangeCipherSpec(now: number, epoch: number, payload: Uint8Array): void {
    if (payload.length !== 1 || payload[0] !== 1) {
      this.stats.malformed++;
      return;
    }
    if (epoch !== 0 || this.records.readEpoch !== 0) return; // a retransmitted CCS
    if (this.role === 'server' && this.expect === 'client_hello') return;
    this.processRecords(now, this.records.peerChangeCipherSpec());
  }

  /** Reads switched to epoch 1: process the records that arrived early. */
  private processRecords(now: number, recs: readonly DtlsRecord[]): void {
    for (const r of recs) {
      if (!this.alive()) return;
      this.handleRecord(now, r);
    }
  }

  private handleAlert(payload: Uint8Array): void {
    let a;
    try {
      a = alertCodec.decode(payload);
    } catch {
      this.stats.malformed++;
      return;
    }
    if (a.description === AlertDescription.close_notify) {
      // RFC 5246 §7.2.1: answer close_notify with close_notify.
      if (this._state === 'connected') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this._state = 'closed';
      this.retransmitAt = undefined;
      this.emit({ type: 'closed', by: 'peer' });
      return;
    }
    if (a.level === AlertLevel.fatal) {
      this._state = 'failed';
      this.retransmitAt = undefined;
      this.emit({ type: 'error', alert: alertName(a.description) as AlertName, sent: false, reason: `peer sent fatal alert ${alertName(a.description)}` });
    }
    // Warning alerts (e.g. no_renegotiation) need no action.
  }

  private handleApplicationData(epoch: number, payload: Uint8Array): void {
    if (epoch !== 1) return; // never accept unprotected application data
    if (this._state === 'connected') this.emit({ type: 'data', data: payload });
    else if (this.earlyData.length < MAX_EARLY_DATA) this.earlyData.push(payload); // peer finished before us
  }

  // ─── handshake layer ────────────────────────────────────────────────────────────────────────

  private handleHandshakeRecord(now: number, epoch: number, payload: Uint8Array): void {
    let frags: HandshakeFragment[];
    try {
      frags = decodeHandshakeFragments(payload);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.stats.malformed++;
      return;
    }
    for (const f of frags) {
      // During the handshake Finished is the only message protected under the new epoch (RFC 5246
      // §7.4.9); afterwards a protected handshake message is a renegotiation attempt (refused below).
      if ((f.msgType === HandshakeType.finished && epoch !== 1) || (f.msgType !== HandshakeType.finished && epoch === 1 && this.expect !== 'done')) {
        this.stats.malformed++;
        continue;
      }
      if (this.role === 'server' && this.expect === 'client_hello') {
        this.handleStatelessHelloFragment(now, f);
        continue;
      }
      if (this.role === 'client' && this.expect === 'server_hello' && f.msgType === HandshakeType.server_hello && f.messageSeq === this.reassembler.nextSeq - 1) {
        // Tolerance: a server that restarts its message_seq after a HelloVerifyRequest (ServerHello
        // with the HelloVerifyRequest's number instead of the next one).
        this.reassembler.reset(f.messageSeq);
      }
      if (f.messageSeq < this.reassembler.nextSeq) {
        // RFC 6347 §4.2.4: the peer retransmitted its last flight, so ours was lost: resend it.
        if (f.messageSeq === this.peerFlightLastSeq && f.fragmentOffset === 0 && this.flight.length) this.transmitFlight(now, false);
        continue;
      }
      if (epoch === 0 && this.expect === 'done') {
        // Once connected, epoch 0 is unauthenticated: it can only signal a retransmission (above).
        // A new plaintext message is an off-path forgery, silently discarded (RFC 6347 §4.1.2.7).
        this.stats.malformed++;
        continue;
      }
      try {
        this.reassembler.add(f);
      } catch (e) {
        if (!isParseError(e)) throw e;
        this.stats.malformed++;
        continue;
      }
      for (let m = this.reassembler.pop(); m; m = this.reassembler.pop()) {
        this.handleMessage(now, m);
        if (this._state === 'failed' || this._state === 'closed') return;
      }
    }
  }

  /** Server before a valid cookie: reassemble the ClientHello without committing any state to the client. */
  private handleStatelessHelloFragment(now: number, f: HandshakeFragment): void {
    if (f.msgType !== HandshakeType.client_hello) return;
    if (f.messageSeq !== this.reassembler.nextSeq) this.reassembler.reset(f.messageSeq);
    try {
      this.reassembler.add(f);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.stats.malformed++;
      return;
    }
    const m = this.reassembler.pop();
    if (m) this.handleMessage(now, m);
  }

  private addTranscript(m: HandshakeMessage): void {
    this.transcript.add(m.msgType, m.messageSeq, m.body);
  }

  private transcriptHash(): Uint8Array {
    return this.transcript.hash(this.suite!.prfHash);
  }


  private unexpected(m: HandshakeMessage): never {
    throw new HandshakeAbort('unexpected_message', `unexpected handshake message type ${m.msgType} while waiting for ${this.expect}`);
  }

  private handleMessage(now: number, m: HandshakeMessage): void {
    if (this.role === 'server') this.handleServerMessage(now, m);
    else this.handleClientMessage(now, m);
  }

  // ─── client ─────────────────────────────────────────────────────────────────────────────────

  private buildClientHello(): Uint8Array {
    const exts: Extension[] = [
      supportedGroups.encode(this.groups),
      ecPointFormats.encode(),
      signatureAlgorithms.encode(VERIFY_SCHEMES),
      extendedMasterSecretExt(),
      renegotiationInfo.encodeEmpty(),
    ];
    if (this.srtpProfiles.length) exts.push(useSrtp.encode({ profiles: this.srtpProfiles.map((p) => p.id), mki: this.srtpMki }));
    for (const extra of this.extraHelloExtensions) {
      const i = exts.findIndex((e) => e.type === extra.type);
      if (i >= 0) exts[i] = extra;
      else exts.push(extra);
    }
    const suites = this.suites.map((s) => s.id);
    return clientHelloCodec.encode({
      version: DTLS_1_2,
      random: this.clientRandom,
      sessionId: new Uint8Array(0),
      cookie: this.cookie,
      cipherSuites: suites,
      compressionMethods: [0],
      extensions: exts,
    });
  }

  private handleClientMessage(now: number, m: HandshakeMessage): void {
    switch (this.expect) {
      case 'server_hello':
        if (m.msgType === HandshakeType.hello_verify_request) return this.onHelloVerifyRequest(now, m);
        if (m.msgType === HandshakeType.server_hello) return this.onServerHello(m);
        return this.unexpected(m);
      case 'server_certificate':
        if (m.msgType !== HandshakeType.certificate) return this.unexpected(m);
        this.addTranscript(m);
        this.onPeerCertificate(m.body);
        this.expect = 'server_key_exchange';
        return;
      case 'server_key_exchange':
        if (m.msgType !== HandshakeType.server_key_exchange) return this.unexpected(m);
        this.addTranscript(m);
        this.onServerKeyExchange(m.body);
        this.expect = 'certificate_request_or_done';
        return;
      case 'certificate_request_or_done':
        if (m.msgType === HandshakeType.certificate_request) {
          this.addTranscript(m);
          const cr = certificateRequestCodec.decode(m.body);
          this.certificateRequested = true;
          this.certRequestSchemes = cr.signatureAlgorithms;
          this.expect = 'server_hello_done';
          return;
        }
        return this.onServerHelloDone(now, m);
      case 'server_hello_done':
        return this.onServerHelloDone(now, m);
      case 'finished':
        if (m.msgType !== HandshakeType.finished) return this.unexpected(m);
        this.checkFinished(m);
        this.peerFlightLastSeq = m.messageSeq;
        this.flight = [];
        this.retransmitAt = undefined;
        this.connected();
        return;
      default:
        // Renegotiation (HelloRequest) or anything else after the handshake: refuse (RFC 5746 §4.2).
        if (this.expect === 'done' && m.msgType === HandshakeType.hello_request) {
          this.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
          return;
        }
        return this.unexpected(m);
    }
  }

  private onServerHelloDone(now: number, m: HandshakeMessage): void {
    if (m.msgType !== HandshakeType.server_hello_done) return this.unexpected(m);
    serverHelloDoneCodec.decode(m.body);
    this.addTranscript(m);
    this.peerFlightLastSeq = m.messageSeq;
    this.sendClientFlight5(now);
  }

  private onHelloVerifyRequest(now: number, m: HandshakeMessage): void {
    const hvr = helloVerifyRequestCodec.decode(m.body);
    if (hvr.cookie.length === 0 || hvr.cookie.length > 255) throw new HandshakeAbort('illegal_parameter', 'empty cookie in HelloVerifyRequest');
    this.peerFlightLastSeq = m.messageSeq;
    this.cookie = hvr.cookie.slice();
    // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest are not in the transcript.
    this.transcript.reset();
    this.rto = this.rtoInitial;
    this.sendFlight(now, [this.handshakeEntry(HandshakeType.client_hello, this.buildClientHello())]);
  }

  private onServerHello(m: HandshakeMessage): void {
    const sh = serverHelloCodec.decode(m.body);
    if (sh.version !== DTLS_1_2) throw new HandshakeAbort('protocol_version', `server chose version 0x${sh.version.toString(16)}`);
    const suite = this.suites.find((s) => s.id === sh.cipherSuite);
    if (!suite) throw new HandshakeAbort('illegal_parameter', `server chose a cipher suite we did not offer: 0x${sh.cipherSuite.toString(16)}`);
    if (sh.compressionMethod !== 0) throw new HandshakeAbort('illegal_parameter', 'server chose compression');
    const offered = new Set<number>([ExtensionType.supported_groups, ExtensionType.ec_point_formats, ExtensionType.extended_master_secret, ExtensionType.renegotiation_info, ExtensionType.use_srtp]);
    for (const e of sh.extensions) {
      // RFC 5246 §7.4.1.4: a server must not send an extension the client did not offer.
      if (!offered.has(e.type)) throw new HandshakeAbort('unsupported_extension', `server sent extension ${e.type} we did not offer`);
    }
    if (!findExtension(sh.extensions, ExtensionType.extended_master_secret)) {
      // RFC 7627 §5.3: we require the extended master secret.
      throw new HandshakeAbort('handshake_failure', 'server did not negotiate extended_master_secret');
    }
    const reneg = findExtension(sh.extensions, ExtensionType.renegotiation_info);
    if (reneg && renegotiationInfo.decode(reneg.data).length !== 0) throw new HandshakeAbort('handshake_failure', 'non-empty renegotiation_info');
    const srtp = findExtension(sh.extensions, ExtensionType.use_srtp);
    if (srtp) {
      const u = useSrtp.decode(srtp.data);
      // RFC 5764 §4.1.1: the server answers with exactly one of the offered profiles.
      const p = u.profiles.length === 1 ? this.srtpProfiles.find((x) => x.id === u.profiles[0]) : undefined;
      if (!p) throw new HandshakeAbort('illegal_parameter', 'use_srtp answer is not one profile we offered');
      this.srtpProfile = p;
    }
    this.suite = suite;
    this.serverRandom = sh.random.slice();
    this.addTranscript(m);
    this.expect = 'server_certificate';
  }

  /** Both roles: the peer's Certificate message. Fingerprint checked here, before any key is derived. */
  private onPeerCertificate(body: Uint8Array): void {
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

  private onServerKeyExchange(body: Uint8Array): void {
    const ske = serverKeyExchangeCodec.decode(body);
    if (!this.groups.includes(ske.namedGroup as NamedGroup)) throw new HandshakeAbort('illegal_parameter', `server chose group ${ske.namedGroup} we did not offer`);
    if (!VERIFY_SCHEMES.includes(ske.signatureScheme)) throw new HandshakeAbort('illegal_parameter', `server signed with scheme 0x${ske.signatureScheme.toString(16)} we did not offer`);
    // RFC 8422 §5.4: signature over ClientHello.random + ServerHello.random + ServerECDHParams.
    const signed = concatBytes(this.clientRandom, this.serverRandom, ske.params);
    if (!verifySignature(ske.signatureScheme, this.peerPublicKey!, signed, ske.signature)) {
      throw new HandshakeAbort('decrypt_error', 'ServerKeyExchange signature does not verify');
    }
    this.group = ske.namedGroup as NamedGroup;
    this.peerEcdhePublic = ske.publicKey.slice();
  }

  private sendClientFlight5(now: number): void {
    const entries: FlightEntry[] = [];
    if (this.certificateRequested) entries.push(this.handshakeEntry(HandshakeType.certificate, certificateCodec.encode([this.cert.der])));
    const ecdhe = generateEcdhe(this.group!);
    let preMaster: Uint8Array;
    try {
      preMaster = ecdhe.computeSecret(this.peerEcdhePublic!);
    } catch (e) {
      throw new HandshakeAbort('illegal_parameter', e instanceof Error ? e.message : 'bad ECDHE point');
    }
    entries.push(this.handshakeEntry(HandshakeType.client_key_exchange, clientKeyExchangeCodec.encode(ecdhe.publicKey)));
    this.deriveKeys(preMaster);
    if (this.certificateRequested) {
      const scheme = chooseScheme(this.cert, this.certRequestSchemes);
      if (scheme === undefined) throw new HandshakeAbort('handshake_failure', 'no signature scheme in common for CertificateVerify');
      const all = this.transcript.bytes();
      entries.push(this.handshakeEntry(HandshakeType.certificate_verify, certificateVerifyCodec.encode({ signatureScheme: scheme, signature: createSignature(scheme, this.cert, all) })));
    }
    entries.push(...this.changeCipherSpecAndFinished('client finished'));
    this.expectedPeerVerifyData = verifyData(this.suite!.prfHash, this.master!, 'server finished', this.transcriptHash());
    this.expect = 'finished';
    this.rto = this.rtoInitial;
    this.sendFlight(now, entries);
    this.processRecords(now, this.records.switchReads());
  }

  // ─── server ─────────────────────────────────────────────────────────────────────────────────

  private handleServerMessage(now: number, m: HandshakeMessage): void {
    switch (this.expect) {
      case 'client_hello':
        if (m.msgType !== HandshakeType.client_hello) return;
        return this.onClientHello(now, m);
      case 'client_certificate':
        if (m.msgType !== HandshakeType.certificate) return this.unexpected(m);
        this.addTranscript(m);
        this.onPeerCertificate(m.body);
        this.expect = 'client_key_exchange';
        return;
      case 'client_key_exchange': {
        if (m.msgType !== HandshakeType.client_key_exchange) return this.unexpected(m);
        if (this.certificateRequested && this.requireClientCert && !this.peerCertDer) throw new HandshakeAbort('handshake_failure', 'client sent no certificate');
        const pub = clientKeyExchangeCodec.decode(m.body);
        let preMaster: Uint8Array;
        try {
          preMaster = this.ecdhe!.computeSecret(pub);
        } catch (e) {
          throw new HandshakeAbort('illegal_parameter', e instanceof Error ? e.message : 'bad ECDHE point');
        }
        this.addTranscript(m);
        this.deriveKeys(preMaster);
        this.expect = this.peerCertDer ? 'certificate_verify' : 'finished';
        if (!this.peerCertDer) this.expectedPeerVerifyData = verifyData(this.suite!.prfHash, this.master!, 'client finished', this.transcriptHash());
        this.processRecords(now, this.records.switchReads());
        return;
      }
      case 'certificate_verify': {
        if (m.msgType !== HandshakeType.certificate_verify) return this.unexpected(m);
        const cv = certificateVerifyCodec.decode(m.body);
        if (!VERIFY_SCHEMES.includes(cv.signatureScheme)) throw new HandshakeAbort('illegal_parameter', `CertificateVerify scheme 0x${cv.signatureScheme.toString(16)} was not offered`);
        // RFC 5246 §7.4.8: the signature covers every handshake message before this one.
        if (!verifySignature(cv.signatureScheme, this.peerPublicKey!, this.transcript.bytes(), cv.signature)) {
          throw new HandshakeAbort('decrypt_error', 'CertificateVerify signature does not verify');
        }
        this.addTranscript(m);
        this.expectedPeerVerifyData = verifyData(this.suite!.prfHash, this.master!, 'client finished', this.transcriptHash());
        this.expect = 'finished';
        return;
      }
      case 'finished': {
        if (m.msgType !== HandshakeType.finished) return this.unexpected(m);
        this.checkFinished(m);
        this.peerFlightLastSeq = m.messageSeq;
        // Flight 6: CCS + Finished. It is the last flight: no timer, resent only when flight 5 comes again.
        this.sendFlight(now, this.changeCipherSpecAndFinished('server finished'), false);
        this.connected();
        return;
      }
      default:
        if (this.expect === 'done' && m.msgType === HandshakeType.client_hello) {
          this.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
          return;
        }
        return this.unexpected(m);
    }
  }

  private onClientHello(now: number, m: HandshakeMessage): void {
    const ch = clientHelloCodec.decode(m.body);
    // DTLS versions count down: 0xfefd (1.2) < 0xfeff (1.0). Chromium says 1.2 here and 1.3 in supported_versions.
    if (ch.version > DTLS_1_2) throw new HandshakeAbort('protocol_version', `client offers only 0x${ch.version.toString(16)}`);
    if (!this.cookies!.verify(ch)) {
      if (ch.cookie.length) this.stats.cookieRejected++;
      this.sendHelloVerifyRequest(m, ch);
      return;
    }
    this.negotiate(ch);
    this.clientRandom = ch.random.slice();
    this.serverRandom = this.makeRandom();
    this.transcript.reset();
    this.addTranscript(m);
    this.peerFlightLastSeq = m.messageSeq;
    // The HelloVerifyRequest echoed the ClientHello's message_seq; like OpenSSL, our ServerHello then
    // takes the same number as the ClientHello that carried the cookie (a client accepts either).
    this.sendSeq = m.messageSeq;
    this.reassembler.reset(m.messageSeq + 1);

    // RFC 5746 §3.6: answer with an empty renegotiation_info only when the client signalled support.
    const exts: Extension[] = this.peerSignalledSecureRenegotiation ? [renegotiationInfo.encodeEmpty(), extendedMasterSecretExt()] : [extendedMasterSecretExt()];
    if (this.srtpProfile) exts.push(useSrtp.encode({ profiles: [this.srtpProfile.id], mki: this.srtpMki }));
    if (findExtension(ch.extensions, ExtensionType.ec_point_formats)) exts.push(ecPointFormats.encode());
    const entries: FlightEntry[] = [
      this.handshakeEntry(HandshakeType.server_hello, serverHelloCodec.encode({ version: DTLS_1_2, random: this.serverRandom, sessionId: new Uint8Array(0), cipherSuite: this.suite!.id, compressionMethod: 0, extensions: exts })),
      this.handshakeEntry(HandshakeType.certificate, certificateCodec.encode([this.cert.der])),
    ];
    this.ecdhe = generateEcdhe(this.group!);
    const params = encodeEcdhParams(this.group!, this.ecdhe.publicKey);
    const scheme = chooseScheme(this.cert, this.peerSignatureAlgorithms);
    if (scheme === undefined) throw new HandshakeAbort('handshake_failure', 'no signature scheme in common');
    const signature = createSignature(scheme, this.cert, concatBytes(this.clientRandom, this.serverRandom, params));
    entries.push(this.handshakeEntry(HandshakeType.server_key_exchange, serverKeyExchangeCodec.encode({ namedGroup: this.group!, publicKey: this.ecdhe.publicKey, signatureScheme: scheme, signature })));
    // WebRTC always asks for the client's certificate (RFC 8827 §6.5): it is what the fingerprint authenticates.
    this.certificateRequested = true;
    entries.push(
      this.handshakeEntry(
        HandshakeType.certificate_request,
        certificateRequestCodec.encode({ certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], signatureAlgorithms: VERIFY_SCHEMES, authorities: [] }),
      ),
    );
    entries.push(this.handshakeEntry(HandshakeType.server_hello_done, serverHelloDoneCodec.encode()));
    this.expect = 'client_certificate';
    this.sendFlight(now, entries);
  }

  /** RFC 6347 §4.2.1: stateless HelloVerifyRequest, same record and message sequence as the ClientHello. */
  private sendHelloVerifyRequest(m: HandshakeMessage, ch: ClientHello): void {
    const body = helloVerifyRequestCodec.encode({ version: DTLS_1_0, cookie: this.cookies!.make(ch) });
    const msg = encodeHandshakeMessage(HandshakeType.hello_verify_request, m.messageSeq, body);
    const seq = this.records.reuseEpoch0Seq(this.records.lastEpoch0Seq);
    this.transmit(encodeRecord({ type: ContentType.handshake, version: DTLS_1_0, epoch: 0, sequenceNumber: seq, fragment: msg }));
    this.reassembler.reset(m.messageSeq + 1);
  }

  /** Server: choose suite, group, SRTP profile; check EMS and secure renegotiation. */
  private negotiate(ch: ClientHello): void {
    if (!ch.compressionMethods.includes(0)) throw new HandshakeAbort('illegal_parameter', 'client does not offer null compression');
    if (!findExtension(ch.extensions, ExtensionType.extended_master_secret)) {
      throw new HandshakeAbort('handshake_failure', 'client did not offer extended_master_secret (RFC 7627 required)');
    }
    const reneg = findExtension(ch.extensions, ExtensionType.renegotiation_info);
    if (reneg && renegotiationInfo.decode(reneg.data).length !== 0) throw new HandshakeAbort('handshake_failure', 'non-empty renegotiation_info in initial handshake');
    // RFC 5746 §3.6: the extension or TLS_EMPTY_RENEGOTIATION_INFO_SCSV signals secure
    // renegotiation. We never renegotiate, so a legacy client (neither) is tolerated (§4.4).
    this.peerSignalledSecureRenegotiation = !!reneg || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    const sg = findExtension(ch.extensions, ExtensionType.supported_groups);
    const clientGroups = sg ? supportedGroups.decode(sg.data) : undefined;
    const pf = findExtension(ch.extensions, ExtensionType.ec_point_formats);
    if (pf && !ecPointFormats.decode(pf.data).includes(0)) throw new HandshakeAbort('illegal_parameter', 'client does not accept uncompressed points');
    this.group = this.groups.find((g) => !clientGroups || clientGroups.includes(g));
    if (this.group === undefined) throw new HandshakeAbort('handshake_failure', 'no ECDHE group in common');
    const sa = findExtension(ch.extensions, ExtensionType.signature_algorithms);
    this.peerSignatureAlgorithms = sa ? signatureAlgorithms.decode(sa.data) : undefined;
    const auth = this.cert.keyType === 'rsa' ? 'rsa' : 'ecdsa';
    this.suite = this.suites.find((s) => s.auth === auth && ch.cipherSuites.includes(s.id));
    if (!this.suite) throw new HandshakeAbort('handshake_failure', 'no cipher suite in common');
    const srtp = findExtension(ch.extensions, ExtensionType.use_srtp);
    if (srtp && this.srtpProfiles.length) {
      const offered = useSrtp.decode(srtp.data).profiles;
      // RFC 5764 §4.1.1: the server picks one profile; we prefer our own order.
      this.srtpProfile = this.srtpProfiles.find((p) => offered.includes(p.id));
    }
  }

  // ─── shared handshake steps ─────────────────────────────────────────────────────────────────

  /** RFC 7627 §4 master secret, RFC 5246 §6.3 key block; sets write keys and pending read keys. */
  private deriveKeys(preMaster: Uint8Array): void {
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

  private changeCipherSpecAndFinished(label: 'client finished' | 'server finished'): FlightEntry[] {
    const ccs: FlightEntry = { kind: 'ccs', epoch: 0 };
    this.records.startWritingEpoch1();
    const vd = verifyData(this.suite!.prfHash, this.master!, label, this.transcriptHash());
    return [ccs, this.handshakeEntry(HandshakeType.finished, finishedCodec.encode(vd))];
  }

  private checkFinished(m: HandshakeMessage): void {
    const vd = finishedCodec.decode(m.body);
    const want = this.expectedPeerVerifyData;
    // RFC 5246 §7.4.9: a wrong verify_data is fatal (decrypt_error). Constant-time compare.
    if (!want || !constantTimeEqual(vd, want)) throw new HandshakeAbort('decrypt_error', 'Finished verify_data does not match');
    this.addTranscript(m);
  }

  private connected(): void {
    this.expect = 'done';
    this._state = 'connected';
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

  // ─── output helpers ─────────────────────────────────────────────────────────────────────────

  /** RFC 5246 §7.4.1.2: 32 random bytes (gmt_unix_time is not needed and leaks the clock). */
  private makeRandom(): Uint8Array {
    return this.random(32);
  }

  private handshakeEntry(msgType: number, body: Uint8Array, inTranscript = true): FlightEntry {
    const messageSeq = this.sendSeq++;
    if (inTranscript) this.transcript.add(msgType, messageSeq, body);
    return { kind: 'handshake', msgType, messageSeq, body, epoch: msgType === HandshakeType.finished ? 1 : 0 };
  }

  private sendFlight(now: number, entries: FlightEntry[], timer = true): void {
    this.flight = entries;
    this.transmissions = 0;
    this.transmitFlight(now, false);
    if (!timer) this.retransmitAt = undefined;
  }

  private transmitFlight(now: number, isRetransmission: boolean): void {
    if (isRetransmission || this.transmissions > 0) this.stats.retransmissions++;
    this.transmissions++;
    for (const d of writeFlight(this.records, this.flight, this.mtu)) this.transmit(d);
    // Only flights that wait for an answer run the timer (the server's flight 6 does not).
    const waiting = this._state === 'handshaking';
    this.retransmitAt = waiting ? now + this.rto : undefined;
  }

  private transmit(data: Uint8Array): void {
    this.stats.datagramsSent++;
    this.outputs.push({ type: 'transmit', data });
  }

  private emit(e: DtlsEvent): void {
    this.outputs.push(e);
  }

  private sendAlert(level: number, description: number): void {
    this.transmit(this.records.seal(ContentType.alert, alertCodec.encode({ level, description })));
  }

  /** Fatal end: alert (when we detected it), error event, no keys ever exported. */
  private fail(alert: AlertName | undefined, send: boolean, reason: string): void {
    if (this._state === 'failed' || this._state === 'closed') return;
    if (alert && send) this.sendAlert(AlertLevel.fatal, AlertDescription[alert]);
    this._state = 'failed';
    this.retransmitAt = undefined;
    this.flight = [];
    this.master = undefined;
    this.emit({ type: 'error', alert, sent: send && alert !== undefined, reason });
  }
}

