// RTP (RFC 3550 §5, RFC 8285 header extensions)
export * from './rtp/packet.ts';
export * from './rtp/extensions.ts';
export * from './rtp/extension-values.ts';
// RTCP (RFC 3550 §6, RFC 4585, RFC 5104, REMB, transport-wide CC)
export * from './rtcp/header.ts';
export * from './rtcp/reports.ts';
export * from './rtcp/sdes.ts';
export * from './rtcp/bye.ts';
export * from './rtcp/app.ts';
export * from './rtcp/feedback.ts';
export * from './rtcp/remb.ts';
export * from './rtcp/twcc.ts';
export * from './rtcp/compound.ts';
// Statistics (RFC 3550 Appendix A, §6.4.1)
export * from './stats/ntp.ts';
export * from './stats/receiver.ts';
export * from './stats/sender.ts';
// Audio: G.711 and the demo's media helpers
export * from './audio/g711.ts';
export * from './audio/packetizer.ts';
export * from './audio/tone.ts';
export * from './audio/level.ts';
