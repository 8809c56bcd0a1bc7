/**
 * @rtcstack/stun: STUN (RFC 8489) messages, integrity, fingerprint and transactions, the TURN
 * (RFC 8656) attributes and ChannelData framing, a Binding server and a reflexive-address client.
 * Cores are sans-IO; node:dgram adapters are under ./node/.
 */
export * from './constants.ts';
export * from './message.ts';
export * from './attributes.ts';
export * from './build.ts';
export * from './stringprep.ts';
export * from './integrity.ts';
export * from './fingerprint.ts';
export { ParseError, isParseError } from '@rtcstack/common';
export * from './channel-data.ts';
export * from './transaction.ts';
export * from './server.ts';
export * from './client.ts';
export * from './annotate.ts';
