import { concatBytes } from '@rtcstack/common';
import { AlertDescription, AlertLevel, DTLS_1_2, ExtensionType, HandshakeType, type NamedGroup } from './constants.ts';
import { generateEcdhe } from './ecdhe.ts';
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
import type { FlightEntry } from './flight.ts';
import { HandshakeAbort, type Flights, type HandshakeContext } from './handshake-context.ts';
import {
  certificate as certificateCodec,
  certificateRequest as certificateRequestCodec,
  certificateVerify as certificateVerifyCodec,
  clientHello as clientHelloCodec,
  clientKeyExchange as clientKeyExchangeCodec,
  helloVerifyRequest as helloVerifyRequestCodec,
  serverHello as serverHelloCodec,
  serverHelloDone as serverHelloDoneCodec,
  serverKeyExchange as serverKeyExchangeCodec,
} from './messages.ts';
import type { HandshakeMessage } from './reassembler.ts';
import { chooseScheme, createSignature, VERIFY_SCHEMES, verifySignature } from './signature.ts';

/**
 * The client's side of the handshake (RFC 6347 §4.2.4): flight 1 (ClientHello), flight 3
 * (ClientHello with the cookie), then reading flight 4 (ServerHello .. ServerHelloDone) and
 * sending flight 5 (Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished), and
 * checking the server's Finished (flight 6).
 */
export class ClientFlights implements Flights {
  private cookie = new Uint8Array(0);
  private peerEcdhePublic: Uint8Array | undefined;
  private certRequestSchemes: readonly number[] = [];

  constructor(
    private readonly ctx: HandshakeContext,
    private readonly extraHelloExtensions: readonly Extension[],
  ) {}

  /** Flight 1. */
  start(now: number): void {
    this.ctx.clientRandom = this.ctx.makeRandom();
    this.ctx.sendFlight(now, [this.ctx.handshakeEntry(HandshakeType.client_hello, this.buildClientHello())]);
  }

  private buildClientHello(): Uint8Array {
    const ctx = this.ctx;
    const exts: Extension[] = [
      supportedGroups.encode(ctx.groups),
      ecPointFormats.encode(),
      signatureAlgorithms.encode(VERIFY_SCHEMES),
      extendedMasterSecretExt(),
      renegotiationInfo.encodeEmpty(),
    ];
    if (ctx.srtpProfiles.length) exts.push(useSrtp.encode({ profiles: ctx.srtpProfiles.map((p) => p.id), mki: ctx.srtpMki }));
    for (const extra of this.extraHelloExtensions) {
      const i = exts.findIndex((e) => e.type === extra.type);
      if (i >= 0) exts[i] = extra;
      else exts.push(extra);
    }
    const suites = ctx.suites.map((s) => s.id);
    return clientHelloCodec.encode({
      version: DTLS_1_2,
      random: ctx.clientRandom,
      sessionId: new Uint8Array(0),
      cookie: this.cookie,
      cipherSuites: suites,
      compressionMethods: [0],
      extensions: exts,
    });
  }

  handleMessage(now: number, m: HandshakeMessage): void {
    const ctx = this.ctx;
    switch (ctx.expect) {
      case 'server_hello':
        if (m.msgType === HandshakeType.hello_verify_request) return this.onHelloVerifyRequest(now, m);
        if (m.msgType === HandshakeType.server_hello) return this.onServerHello(m);
        return ctx.unexpected(m);
      case 'server_certificate':
        if (m.msgType !== HandshakeType.certificate) return ctx.unexpected(m);
        ctx.addTranscript(m);
        ctx.onPeerCertificate(m.body);
        ctx.expect = 'server_key_exchange';
        return;
      case 'server_key_exchange':
        if (m.msgType !== HandshakeType.server_key_exchange) return ctx.unexpected(m);
        ctx.addTranscript(m);
        this.onServerKeyExchange(m.body);
        ctx.expect = 'certificate_request_or_done';
        return;
      case 'certificate_request_or_done':
        if (m.msgType === HandshakeType.certificate_request) {
          ctx.addTranscript(m);
          const cr = certificateRequestCodec.decode(m.body);
          ctx.certificateRequested = true;
          this.certRequestSchemes = cr.signatureAlgorithms;
          ctx.expect = 'server_hello_done';
          return;
        }
        return this.onServerHelloDone(now, m);
      case 'server_hello_done':
        return this.onServerHelloDone(now, m);
      case 'finished':
        if (m.msgType !== HandshakeType.finished) return ctx.unexpected(m);
        ctx.checkFinished(m);
        ctx.peerFlightLastSeq = m.messageSeq;
        ctx.flight = [];
        ctx.retransmitAt = undefined;
        ctx.connected();
        return;
      default:
        // Renegotiation (HelloRequest) or anything else after the handshake: refuse (RFC 5746 §4.2).
        if (ctx.expect === 'done' && m.msgType === HandshakeType.hello_request) {
          ctx.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
          return;
        }
        return ctx.unexpected(m);
    }
  }

  private onServerHelloDone(now: number, m: HandshakeMessage): void {
    if (m.msgType !== HandshakeType.server_hello_done) return this.ctx.unexpected(m);
    serverHelloDoneCodec.decode(m.body);
    this.ctx.addTranscript(m);
    this.ctx.peerFlightLastSeq = m.messageSeq;
    this.sendFlight5(now);
  }

  private onHelloVerifyRequest(now: number, m: HandshakeMessage): void {
    const ctx = this.ctx;
    const hvr = helloVerifyRequestCodec.decode(m.body);
    if (hvr.cookie.length === 0 || hvr.cookie.length > 255) throw new HandshakeAbort('illegal_parameter', 'empty cookie in HelloVerifyRequest');
    ctx.peerFlightLastSeq = m.messageSeq;
    this.cookie = hvr.cookie.slice();
    // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest are not in the transcript.
    ctx.transcript.reset();
    ctx.rto = ctx.rtoInitial;
    ctx.sendFlight(now, [ctx.handshakeEntry(HandshakeType.client_hello, this.buildClientHello())]);
  }

  private onServerHello(m: HandshakeMessage): void {
    const ctx = this.ctx;
    const sh = serverHelloCodec.decode(m.body);
    if (sh.version !== DTLS_1_2) throw new HandshakeAbort('protocol_version', `server chose version 0x${sh.version.toString(16)}`);
    const suite = ctx.suites.find((s) => s.id === sh.cipherSuite);
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
      const p = u.profiles.length === 1 ? ctx.srtpProfiles.find((x) => x.id === u.profiles[0]) : undefined;
      if (!p) throw new HandshakeAbort('illegal_parameter', 'use_srtp answer is not one profile we offered');
      ctx.srtpProfile = p;
    }
    ctx.suite = suite;
    ctx.serverRandom = sh.random.slice();
    ctx.addTranscript(m);
    ctx.expect = 'server_certificate';
  }

  private onServerKeyExchange(body: Uint8Array): void {
    const ctx = this.ctx;
    const ske = serverKeyExchangeCodec.decode(body);
    if (!ctx.groups.includes(ske.namedGroup as NamedGroup)) throw new HandshakeAbort('illegal_parameter', `server chose group ${ske.namedGroup} we did not offer`);
    if (!VERIFY_SCHEMES.includes(ske.signatureScheme)) throw new HandshakeAbort('illegal_parameter', `server signed with scheme 0x${ske.signatureScheme.toString(16)} we did not offer`);
    // RFC 8422 §5.4: signature over ClientHello.random + ServerHello.random + ServerECDHParams.
    const signed = concatBytes(ctx.clientRandom, ctx.serverRandom, ske.params);
    if (!verifySignature(ske.signatureScheme, ctx.peerPublicKey!, signed, ske.signature)) {
      throw new HandshakeAbort('decrypt_error', 'ServerKeyExchange signature does not verify');
    }
    ctx.group = ske.namedGroup as NamedGroup;
    this.peerEcdhePublic = ske.publicKey.slice();
  }

  private sendFlight5(now: number): void {
    const ctx = this.ctx;
    const entries: FlightEntry[] = [];
    if (ctx.certificateRequested) entries.push(ctx.handshakeEntry(HandshakeType.certificate, certificateCodec.encode([ctx.cert.der])));
    const ecdhe = generateEcdhe(ctx.group!);
    let preMaster: Uint8Array;
    try {
      preMaster = ecdhe.computeSecret(this.peerEcdhePublic!);
    } catch (e) {
      throw new HandshakeAbort('illegal_parameter', e instanceof Error ? e.message : 'bad ECDHE point');
    }
    entries.push(ctx.handshakeEntry(HandshakeType.client_key_exchange, clientKeyExchangeCodec.encode(ecdhe.publicKey)));
    ctx.deriveKeys(preMaster);
    if (ctx.certificateRequested) {
      const scheme = chooseScheme(ctx.cert, this.certRequestSchemes);
      if (scheme === undefined) throw new HandshakeAbort('handshake_failure', 'no signature scheme in common for CertificateVerify');
      const all = ctx.transcript.bytes();
      entries.push(ctx.handshakeEntry(HandshakeType.certificate_verify, certificateVerifyCodec.encode({ signatureScheme: scheme, signature: createSignature(scheme, ctx.cert, all) })));
    }
    entries.push(...ctx.changeCipherSpecAndFinished('client finished'));
    ctx.expectPeerFinished('server finished');
    ctx.expect = 'finished';
    ctx.rto = ctx.rtoInitial;
    ctx.sendFlight(now, entries);
    ctx.processRecords(now, ctx.records.switchReads());
  }
}
