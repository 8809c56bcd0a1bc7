/**
 * @rtcstack/webrtc: RTCPeerConnection (W3C webrtc-pc) composed from the layers, JSEP (RFC 8829),
 * the RFC 7983 demultiplexer, and the sans-IO PeerConnectionCore under it.
 */
export { RTCPeerConnection, type PeerConnectionOptions } from './peer-connection.ts';
export { RTCSessionDescription, RTCIceCandidate, type RTCSessionDescriptionInit, type RTCIceCandidateInit } from './description.ts';
export { RTCCertificate, newCertificate, defaultCertificate } from './certificate.ts';
export { RTCDataChannel, type RTCDataChannelState } from './data-channel.ts';
export { AudioTrack, MediaStream, RTCRtpSender, RTCRtpReceiver, RTCRtpTransceiver } from './transceiver.ts';
export type { RTCConfiguration, RTCIceServer } from './config.ts';
export { parseIceServers } from './config.ts';
export type { PeerTransport, TransportFactory, TransportHandlers } from './transport.ts';
export { udpTransport, type UdpTransportOptions } from './node/udp-transport.ts';
export { PeerConnectionCore, type CoreOptions, type CoreOutput, type WireEvent } from './core.ts';
export { classifyPacket, PACKET_CLASSES, type PacketClass } from './demux.ts';
export * from './signaling.ts';
export * from './states.ts';
export * from './jsep.ts';
export type { ChannelRef, ChannelOutput } from './channel-ref.ts';
export type { DataChannelInit } from '@rtcstack/sctp';
export { domError, DOM_ERROR_NAMES, RTCError, type DomErrorName, type RTCErrorDetailType } from './errors.ts';
export { collectStats, STATS_TYPES, type RTCStats, type RTCStatsReport, type RTCStatsType } from './stats.ts';
export { describeDatagram, describeStun, describeDtls, describeSctp, describeRtp, describeRtcp } from './describe.ts';
