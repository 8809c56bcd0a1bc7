import { concatBytes, type RandomSource } from '@rtcstack/common';
import {
  AlertDescription,
  AlertLevel,
  ClientCertificateType,
  ContentType,
  DTLS_1_0,
  DTLS_1_2,
  ExtensionType,
  HandshakeType,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
} from './constants.ts';
import { CookieJar } from './cookie.ts';
import { generateEcdhe, type EcdheKeyPair } from './ecdhe.ts';
import { ecPointFormats, extendedMasterSecretExt, findExtension, renegotiationInfo, signatureAlgorithms, supportedGroups, useSrtp, type Extension } from './extensions.ts';
import type { FlightEntry } from './flight.ts';
import { encodeHandshakeMessage } from './handshake.ts';
import { HandshakeAbort, type Flights, type HandshakeContext } from './handshake-context.ts';
import {
  certificate as certificateCodec,
  certificateRequest as certificateRequestCodec,
  certificateVerify as certificateVerifyCodec,
  clientHello as clientHelloCodec,
  clientKeyExchange as clientKeyExchangeCodec,
  encodeEcdhParams,
  helloVerifyRequest as helloVerifyRequestCodec,
  serverHello as serverHelloCodec,
  serverHelloDone as serverHelloDoneCodec,
  serverKeyExchange as serverKeyExchangeCodec,
  type ClientHello,
} from './messages.ts';
import type { HandshakeMessage } from './reassembler.ts';
import { encodeRecord } from './record.ts';
import { chooseScheme, createSignature, VERIFY_SCHEMES, verifySignature } from './signature.ts';

/**
 * The server's side of the handshake (RFC 6347 §4.2.4): flight 2 (a stateless
 * HelloVerifyRequest), flight 4 (ServerHello, Certificate, ServerKeyExchange, CertificateRequest,
 * ServerHelloDone) once the cookie checks out, reading flight 5 (Certificate, ClientKeyExchange,
 * CertificateVerify, Finished), and flight 6 (CCS, Finished).
 */
export class ServerFlights implements Flights {
  private readonly cookies: CookieJar;
  private ecdhe: EcdheKeyPair | undefined;
  private peerSignatureAlgorithms: readonly number[] | undefined;
  private peerSignalledSecureRenegotiation = false;

  constructor(
    private readonly ctx: HandshakeContext,
    random: RandomSource,
    cookieContext: Uint8Array | undefined,
    private readonly cookieExchange = true,
  ) {
    this.cookies = new CookieJar(random, cookieContext);
  }

  handleMessage(now: number, m: HandshakeMessage): void {
    const ctx = this.ctx;
    switch (ctx.expect) {
      case 'client_hello':
        if (m.msgType !== HandshakeType.client_hello) return;
        return this.onClientHello(now, m);
      case 'client_certificate':
        if (m.msgType !== HandshakeType.certificate) return ctx.unexpected(m);
        ctx.addTranscript(m);
        ctx.onPeerCertificate(m.body);
        ctx.expect = 'client_key_exchange';
        return;
      case 'client_key_exchange': {
        if (m.msgType !== HandshakeType.client_key_exchange) return ctx.unexpected(m);
        if (ctx.certificateRequested && ctx.requireClientCert && !ctx.peerCertDer) throw new HandshakeAbort('handshake_failure', 'client sent no certificate');
        const pub = clientKeyExchangeCodec.decode(m.body);
        let preMaster: Uint8Array;
        try {
          preMaster = this.ecdhe!.computeSecret(pub);
        } catch (e) {
          throw new HandshakeAbort('illegal_parameter', e instanceof Error ? e.message : 'bad ECDHE point');
        }
        ctx.addTranscript(m);
        ctx.deriveKeys(preMaster);
        ctx.expect = ctx.peerCertDer ? 'certificate_verify' : 'finished';
        if (!ctx.peerCertDer) ctx.expectPeerFinished('client finished');
        ctx.processRecords(now, ctx.records.switchReads());
        return;
      }
      case 'certificate_verify': {
        if (m.msgType !== HandshakeType.certificate_verify) return ctx.unexpected(m);
        const cv = certificateVerifyCodec.decode(m.body);
        if (!VERIFY_SCHEMES.includes(cv.signatureScheme)) throw new HandshakeAbort('illegal_parameter', `CertificateVerify scheme 0x${cv.signatureScheme.toString(16)} was not offered`);
        // RFC 5246 §7.4.8: the signature covers every handshake message before this one.
        if (!verifySignature(cv.signatureScheme, ctx.peerPublicKey!, ctx.transcript.bytes(), cv.signature)) {
          throw new HandshakeAbort('decrypt_error', 'CertificateVerify signature does not verify');
        }
        ctx.addTranscript(m);
        ctx.expectPeerFinished('client finished');
        ctx.expect = 'finished';
        return;
      }
      case 'finished': {
        if (m.msgType !== HandshakeType.finished) return ctx.unexpected(m);
        ctx.checkFinished(m);
        ctx.peerFlightLastSeq = m.messageSeq;
        // Flight 6: CCS + Finished. It is the last flight: no timer, resent only when flight 5 comes again.
        ctx.sendFlight(now, ctx.changeCipherSpecAndFinished('server finished'), false);
        ctx.connected();
        return;
      }
      default:
        if (ctx.expect === 'done' && m.msgType === HandshakeType.client_hello) {
          ctx.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
          return;
        }
        return ctx.unexpected(m);
    }
  }

  private onClientHello(now: number, m: HandshakeMessage): void {
    const ctx = this.ctx;
    const ch = clientHelloCodec.decode(m.body);
    // DTLS versions count down: 0xfefd (1.2) < 0xfeff (1.0). Chromium says 1.2 here and 1.3 in supported_versions.
    if (ch.version > DTLS_1_2) throw new HandshakeAbort('protocol_version', `client offers only 0x${ch.version.toString(16)}`);
    // RFC 6347 §4.2.1; skipped only when configured off (options.ts: cookieExchange).
    if (this.cookieExchange && !this.cookies.verify(ch)) {
      if (ch.cookie.length) ctx.stats.cookieRejected++;
      this.sendHelloVerifyRequest(m, ch);
      return;
    }
    this.negotiate(ch);
    ctx.clientRandom = ch.random.slice();
    ctx.serverRandom = ctx.makeRandom();
    ctx.transcript.reset();
    ctx.addTranscript(m);
    ctx.peerFlightLastSeq = m.messageSeq;
    // The HelloVerifyRequest echoed the ClientHello's message_seq; like OpenSSL, our ServerHello then
    // takes the same number as the ClientHello that carried the cookie (a client accepts either).
    ctx.sendSeq = m.messageSeq;
    ctx.reassembler.reset(m.messageSeq + 1);

    // RFC 5746 §3.6: answer with an empty renegotiation_info only when the client signalled support.
    const exts: Extension[] = this.peerSignalledSecureRenegotiation ? [renegotiationInfo.encodeEmpty(), extendedMasterSecretExt()] : [extendedMasterSecretExt()];
    if (ctx.srtpProfile) exts.push(useSrtp.encode({ profiles: [ctx.srtpProfile.id], mki: ctx.srtpMki }));
    if (findExtension(ch.extensions, ExtensionType.ec_point_formats)) exts.push(ecPointFormats.encode());
    const entries: FlightEntry[] = [
      ctx.handshakeEntry(HandshakeType.server_hello, serverHelloCodec.encode({ version: DTLS_1_2, random: ctx.serverRandom, sessionId: new Uint8Array(0), cipherSuite: ctx.suite!.id, compressionMethod: 0, extensions: exts })),
      ctx.handshakeEntry(HandshakeType.certificate, certificateCodec.encode([ctx.cert.der])),
    ];
    this.ecdhe = generateEcdhe(ctx.group!);
    const params = encodeEcdhParams(ctx.group!, this.ecdhe.publicKey);
    const scheme = chooseScheme(ctx.cert, this.peerSignatureAlgorithms);
    if (scheme === undefined) throw new HandshakeAbort('handshake_failure', 'no signature scheme in common');
    const signature = createSignature(scheme, ctx.cert, concatBytes(ctx.clientRandom, ctx.serverRandom, params));
    entries.push(ctx.handshakeEntry(HandshakeType.server_key_exchange, serverKeyExchangeCodec.encode({ namedGroup: ctx.group!, publicKey: this.ecdhe.publicKey, signatureScheme: scheme, signature })));
    // WebRTC always asks for the client's certificate (RFC 8827 §6.5): it is what the fingerprint authenticates.
    ctx.certificateRequested = true;
    entries.push(
      ctx.handshakeEntry(
        HandshakeType.certificate_request,
        certificateRequestCodec.encode({ certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], signatureAlgorithms: VERIFY_SCHEMES, authorities: [] }),
      ),
    );
    entries.push(ctx.handshakeEntry(HandshakeType.server_hello_done, serverHelloDoneCodec.encode()));
    ctx.expect = 'client_certificate';
    ctx.sendFlight(now, entries);
  }

  /** RFC 6347 §4.2.1: stateless HelloVerifyRequest, same record and message sequence as the ClientHello. */
  private sendHelloVerifyRequest(m: HandshakeMessage, ch: ClientHello): void {
    const ctx = this.ctx;
    const body = helloVerifyRequestCodec.encode({ version: DTLS_1_0, cookie: this.cookies.make(ch) });
    const msg = encodeHandshakeMessage(HandshakeType.hello_verify_request, m.messageSeq, body);
    const seq = ctx.records.reuseEpoch0Seq(ctx.records.lastEpoch0Seq);
    ctx.transmit(encodeRecord({ type: ContentType.handshake, version: DTLS_1_0, epoch: 0, sequenceNumber: seq, fragment: msg }));
    ctx.reassembler.reset(m.messageSeq + 1);
  }

  /** Choose suite, group, SRTP profile; check EMS and secure renegotiation. */
  private negotiate(ch: ClientHello): void {
    const ctx = this.ctx;
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
    ctx.group = ctx.groups.find((g) => !clientGroups || clientGroups.includes(g));
    if (ctx.group === undefined) throw new HandshakeAbort('handshake_failure', 'no ECDHE group in common');
    const sa = findExtension(ch.extensions, ExtensionType.signature_algorithms);
    this.peerSignatureAlgorithms = sa ? signatureAlgorithms.decode(sa.data) : undefined;
    const auth = ctx.cert.keyType === 'rsa' ? 'rsa' : 'ecdsa';
    ctx.suite = ctx.suites.find((s) => s.auth === auth && ch.cipherSuites.includes(s.id));
    if (!ctx.suite) throw new HandshakeAbort('handshake_failure', 'no cipher suite in common');
    const srtp = findExtension(ch.extensions, ExtensionType.use_srtp);
    if (srtp && ctx.srtpProfiles.length) {
      const offered = useSrtp.decode(srtp.data).profiles;
      // RFC 5764 §4.1.1: the server picks one profile; we prefer our own order.
      ctx.srtpProfile = ctx.srtpProfiles.find((p) => offered.includes(p.id));
    }
  }
}
