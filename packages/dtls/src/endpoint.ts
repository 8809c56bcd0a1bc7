import { isParseError } from '@rtcstack/common';
import { AlertDescription, AlertLevel, ContentType, DTLS_1_2, HandshakeType, alertName, type AlertName, type CipherSuiteName, type SrtpProfileInfo } from './constants.ts';
import type { DtlsOutput, DtlsStats } from './events.ts';
import { ClientFlights } from './client-flights.ts';
import { decodeHandshakeFragments, type HandshakeFragment } from './handshake.ts';
import { HandshakeAbort, HandshakeContext, type DtlsState, type Flights } from './handshake-context.ts';
import { alert as alertCodec } from './messages.ts';
import type { DtlsEndpointOptions } from './options.ts';
import type { HandshakeMessage } from './reassembler.ts';
import { decodeRecords, MAX_PLAINTEXT, RECORD_HEADER_LENGTH, type DtlsRecord } from './record.ts';
import type { RecordProtection } from './record-protection.ts';
import { ServerFlights } from './server-flights.ts';

export type { DtlsState } from './handshake-context.ts';

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
 *
 * This file holds the public surface and the record and handshake-fragment layers; each role's
 * flights are in client-flights.ts and server-flights.ts, the state and steps they share in
 * handshake-context.ts.
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

  private readonly ctx: HandshakeContext;
  private readonly flights: Flights;
  private readonly client: ClientFlights | undefined;

  constructor(opts: DtlsEndpointOptions) {
    this.role = opts.role;
    this.ctx = new HandshakeContext(opts, this.stats);
    this.ctx.processRecords = (now, recs) => this.processRecords(now, recs);
    if (this.role === 'client') {
      this.client = new ClientFlights(this.ctx, opts.clientHelloExtensions ?? []);
      this.flights = this.client;
    } else {
      this.flights = new ServerFlights(this.ctx, this.ctx.random, opts.cookieContext, opts.cookieExchange ?? true);
    }
  }

  get state(): DtlsState {
    return this.ctx.state;
  }
  get cipherSuite(): CipherSuiteName | undefined {
    return this.ctx.suite?.name as CipherSuiteName | undefined;
  }
  get negotiatedSrtpProfile(): SrtpProfileInfo | undefined {
    return this.ctx.srtpProfile;
  }
  get peerCertificate(): Uint8Array | undefined {
    return this.ctx.peerCertDer;
  }
  /**
   * The largest send() that still fits one datagram of `mtu` bytes: mtu - 13 (record header) -
   * AEAD overhead (8-byte explicit nonce + 16-byte tag for GCM, 16 for ChaCha20-Poly1305).
   * SCTP sizes its packets with this. Known once the suite is chosen.
   */
  get maxApplicationDataSize(): number | undefined {
    const keys = this.ctx.records.protectionForWrites;
    return keys ? this.ctx.mtu - RECORD_HEADER_LENGTH - keys.overhead : undefined;
  }

  // ─── sans-IO surface ────────────────────────────────────────────────────────────────────────

  /** Client: sends flight 1 (ClientHello). Server: nothing to do until a ClientHello arrives. */
  start(now: number): void {
    if (this.ctx.state !== 'new') return;
    this.ctx.state = 'handshaking';
    this.client?.start(now);
  }

  handleInput(now: number, datagram: Uint8Array): void {
    const ctx = this.ctx;
    this.stats.datagramsReceived++;
    if (!ctx.alive()) return;
    if (ctx.state === 'new') {
      if (this.role === 'client') return; // nothing to answer before our ClientHello
      ctx.state = 'handshaking';
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
      if (!ctx.alive()) return;
      this.handleRecord(now, rec);
    }
  }

  handleTimeout(now: number): void {
    const ctx = this.ctx;
    if (ctx.retransmitAt === undefined || now < ctx.retransmitAt) return;
    if (ctx.state !== 'handshaking') {
      ctx.retransmitAt = undefined;
      return;
    }
    if (ctx.transmissions >= ctx.maxTransmissions) {
      ctx.retransmitAt = undefined;
      ctx.fail(undefined, false, `handshake timed out after ${ctx.transmissions} transmissions of flight (last wait ${ctx.rto} ms)`);
      return;
    }
    // RFC 6347 §4.2.4.1: double the timer on each retransmission, up to the ceiling.
    ctx.rto = Math.min(ctx.rto * 2, ctx.rtoMax);
    ctx.transmitFlight(now, true);
  }

  nextTimeout(): number | undefined {
    return this.ctx.retransmitAt;
  }

  pollOutput(): DtlsOutput | undefined {
    return this.ctx.nextOutput();
  }

  /** Application data (one record per call; SCTP packets fit the MTU). */
  send(data: Uint8Array): void {
    if (this.ctx.state !== 'connected') throw new Error(`cannot send application data in state ${this.ctx.state}`);
    if (data.length > MAX_PLAINTEXT) throw new RangeError(`application data of ${data.length} bytes exceeds 2^14`);
    this.ctx.transmit(this.ctx.records.seal(ContentType.application_data, data));
  }

  /** close_notify (RFC 5246 §7.2.1). */
  close(): void {
    const ctx = this.ctx;
    if (!ctx.alive()) return;
    if (ctx.state !== 'new') ctx.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    ctx.state = 'closed';
    ctx.retransmitAt = undefined;
    ctx.emit({ type: 'closed', by: 'local' });
  }

  /** RFC 5705 exporter; only once connected. */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    return this.ctx.exportKeyingMaterial(label, length, context);
  }

  /** The epoch-1 write keys (tests use them to forge records a real attacker could not). */
  protection(epoch: number): RecordProtection {
    return this.ctx.records.protection(epoch);
  }

  // ─── record layer ───────────────────────────────────────────────────────────────────────────

  private handleRecord(now: number, rec: DtlsRecord): void {
    const ctx = this.ctx;
    // A server still waiting for a valid cookie holds nothing, not even early records.
    const payload = ctx.records.open(rec, !(this.role === 'server' && ctx.expect === 'client_hello'));
    if (!payload) return;
    // After the switch to epoch 1 only handshake retransmissions are meaningful in epoch 0.
    if (rec.epoch === 0 && ctx.records.readEpoch === 1 && rec.type !== ContentType.handshake) return;
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
        ctx.fail(e.alert, true, e.message);
      } else if (isParseError(e)) {
        // A handshake message body that does not decode (fragment-level errors are dropped earlier).
        ctx.fail('decode_error', true, e.message);
      } else {
        throw e;
      }
    }
  }

  private handleChangeCipherSpec(now: number, epoch: number, payload: Uint8Array): void {
    const ctx = this.ctx;
    if (payload.length !== 1 || payload[0] !== 1) {
      this.stats.malformed++;
      return;
    }
    if (epoch !== 0 || ctx.records.readEpoch !== 0) return; // a retransmitted CCS
    if (this.role === 'server' && ctx.expect === 'client_hello') return;
    this.processRecords(now, ctx.records.peerChangeCipherSpec());
  }

  /** Reads switched to epoch 1: process the records that arrived early. */
  private processRecords(now: number, recs: readonly DtlsRecord[]): void {
    for (const r of recs) {
      if (!this.ctx.alive()) return;
      this.handleRecord(now, r);
    }
  }

  private handleAlert(payload: Uint8Array): void {
    const ctx = this.ctx;
    let a;
    try {
      a = alertCodec.decode(payload);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.stats.malformed++;
      return;
    }
    if (a.description === AlertDescription.close_notify) {
      // RFC 5246 §7.2.1: answer close_notify with close_notify.
      if (ctx.state === 'connected') ctx.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      ctx.state = 'closed';
      ctx.retransmitAt = undefined;
      ctx.emit({ type: 'closed', by: 'peer' });
      return;
    }
    if (a.level === AlertLevel.fatal) {
      ctx.state = 'failed';
      ctx.retransmitAt = undefined;
      ctx.emit({ type: 'error', alert: alertName(a.description) as AlertName, sent: false, reason: `peer sent fatal alert ${alertName(a.description)}` });
    }
    // Warning alerts (e.g. no_renegotiation) need no action.
  }

  private handleApplicationData(epoch: number, payload: Uint8Array): void {
    if (epoch !== 1) return; // never accept unprotected application data
    if (this.ctx.state === 'connected') this.ctx.emit({ type: 'data', data: payload });
    else this.ctx.holdEarlyData(payload); // peer finished before us
  }

  // ─── handshake layer ────────────────────────────────────────────────────────────────────────

  private handleHandshakeRecord(now: number, epoch: number, payload: Uint8Array): void {
    const ctx = this.ctx;
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
      if ((f.msgType === HandshakeType.finished && epoch !== 1) || (f.msgType !== HandshakeType.finished && epoch === 1 && ctx.expect !== 'done')) {
        this.stats.malformed++;
        continue;
      }
      if (this.role === 'server' && ctx.expect === 'client_hello') {
        this.handleStatelessHelloFragment(now, f);
        continue;
      }
      if (this.role === 'client' && ctx.expect === 'server_hello' && f.msgType === HandshakeType.server_hello && f.messageSeq === ctx.reassembler.nextSeq - 1) {
        // Tolerance: a server that restarts its message_seq after a HelloVerifyRequest (ServerHello
        // with the HelloVerifyRequest's number instead of the next one).
        ctx.reassembler.reset(f.messageSeq);
      }
      if (f.messageSeq < ctx.reassembler.nextSeq) {
        // RFC 6347 §4.2.4: the peer retransmitted its last flight, so ours was lost: resend it.
        if (f.messageSeq === ctx.peerFlightLastSeq && f.fragmentOffset === 0 && ctx.flight.length) ctx.transmitFlight(now, false);
        continue;
      }
      if (epoch === 0 && ctx.expect === 'done') {
        // Once connected, epoch 0 is unauthenticated: it can only signal a retransmission (above).
        // A new plaintext message is an off-path forgery, silently discarded (RFC 6347 §4.1.2.7).
        this.stats.malformed++;
        continue;
      }
      try {
        ctx.reassembler.add(f);
      } catch (e) {
        if (!isParseError(e)) throw e;
        this.stats.malformed++;
        continue;
      }
      for (let m = ctx.reassembler.pop(); m; m = ctx.reassembler.pop()) {
        this.handleMessage(now, m);
        if (!ctx.alive()) return;
      }
    }
  }

  /** Server before a valid cookie: reassemble the ClientHello without committing any state to the client. */
  private handleStatelessHelloFragment(now: number, f: HandshakeFragment): void {
    const r = this.ctx.reassembler;
    if (f.msgType !== HandshakeType.client_hello) return;
    if (f.messageSeq !== r.nextSeq) r.reset(f.messageSeq);
    try {
      r.add(f);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.stats.malformed++;
      return;
    }
    const m = r.pop();
    if (m) this.handleMessage(now, m);
  }

  private handleMessage(now: number, m: HandshakeMessage): void {
    this.flights.handleMessage(now, m);
  }
}
