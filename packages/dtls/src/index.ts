/**
 * @rtcstack/dtls — DTLS 1.2 (RFC 6347) as WebRTC uses it: ECDHE + AEAD suites, use_srtp
 * (RFC 5764), extended master secret (RFC 7627), the RFC 5705 exporter for SRTP keys, and
 * certificate fingerprints instead of certificate authorities (RFC 8827).
 *
 * The SCTP layer and the peer connection use DtlsEndpoint:
 *   const ep = new DtlsEndpoint({ role, certificate, expectedFingerprints, srtpProfiles });
 *   ep.start(now)                       // client: sends the ClientHello
 *   ep.handleInput(now, datagram)       // every DTLS datagram (first byte 20..63, RFC 7983)
 *   ep.handleTimeout(now)               // when now >= ep.nextTimeout()
 *   ep.send(bytes)                      // application data (SCTP packets) once connected
 *   ep.close()                          // close_notify
 *   for (let o; (o = ep.pollOutput()); ) // { type: 'transmit', data } | 'connected' | 'data' | 'closed' | 'error'
 */
export * from './constants.ts';
export type * from './options.ts';
export type * from './events.ts';
export { DtlsEndpoint, type DtlsState } from './endpoint.ts';
export { DtlsUdpConnection, type DtlsUdpOptions } from './udp.ts';
export * from './prf.ts';
export * from './x509/index.ts';

// Wire codecs, for labs, captures and interop checks (the endpoint is all an application needs).
export { decodeRecords, encodeRecord, RECORD_HEADER_LENGTH, type DtlsRecord } from './record.ts';
export { decodeHandshakeFragments, encodeHandshakeMessage, fragmentHandshake, HANDSHAKE_HEADER_LENGTH, type HandshakeFragment } from './handshake.ts';
export { HandshakeReassembler, type HandshakeMessage } from './reassembler.ts';
export { RecordProtection } from './record-protection.ts';
export { ReplayWindow } from './replay-window.ts';
/** Handshake message codecs: messages.clientHello.decode(body), messages.serverHello.encode(m), ... */
export * as messages from './messages.ts';
/** Extension codecs: extensions.useSrtp.decode(data), extensions.findExtension(list, type), ... */
export * as extensions from './extensions.ts';
