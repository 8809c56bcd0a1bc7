/**
 * @rtcstack/ice: the ICE agent (RFC 8445 full and lite), trickle (RFC 8838), consent freshness
 * (RFC 7675) and a TURN client (RFC 8656). Sans-IO; the node:dgram adapter is under ./node.
 */
export * from './candidate.ts';
export * from './credentials.ts';
export * from './types.ts';
export * from './agent.ts';
export * from './turn-client.ts';
