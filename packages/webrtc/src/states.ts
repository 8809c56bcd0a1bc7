/**
 * The aggregate states a peer connection shows (W3C webrtc-pc §4.3.2-4.3.3). With max-bundle there
 * is one ICE transport and one DTLS transport, so the aggregation rules reduce to the tables here.
 */
export const ICE_CONNECTION_STATES = ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed'] as const;
export type RTCIceConnectionState = (typeof ICE_CONNECTION_STATES)[number];
/** RTCIceTransportState has the same values. */
export type RTCIceTransportState = RTCIceConnectionState;

export const ICE_GATHERING_STATES = ['new', 'gathering', 'complete'] as const;
export type RTCIceGatheringState = (typeof ICE_GATHERING_STATES)[number];

export const DTLS_TRANSPORT_STATES = ['new', 'connecting', 'connected', 'closed', 'failed'] as const;
export type RTCDtlsTransportState = (typeof DTLS_TRANSPORT_STATES)[number];

export const PEER_CONNECTION_STATES = ['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed'] as const;
export type RTCPeerConnectionState = (typeof PEER_CONNECTION_STATES)[number];

/**
 * RTCPeerConnectionState (§4.3.3), checked in the spec's order:
 *   closed       the connection is closed
 *   failed       any ICE transport failed or any DTLS transport failed
 *   disconnected any ICE transport disconnected
 *   new          every ICE and DTLS transport is new or closed (or there are none)
 *   connected    every ICE transport connected/completed/closed and every DTLS connected/closed
 *   connecting   otherwise
 */
export function peerConnectionState(
  isClosed: boolean,
  ice: readonly RTCIceTransportState[],
  dtls: readonly RTCDtlsTransportState[],
): RTCPeerConnectionState {
  if (isClosed) return 'closed';
  if (ice.includes('failed') || dtls.includes('failed')) return 'failed';
  if (ice.includes('disconnected')) return 'disconnected';
  if (ice.every((s) => s === 'new' || s === 'closed') && dtls.every((s) => s === 'new' || s === 'closed')) return 'new';
  if (ice.every((s) => s === 'connected' || s === 'completed' || s === 'closed') && dtls.every((s) => s === 'connected' || s === 'closed')) {
    return 'connected';
  }
  return 'connecting';
}

/**
 * RTCIceConnectionState (§4.3.2), checked in the spec's order over the ICE transports.
 */
export function iceConnectionState(isClosed: boolean, ice: readonly RTCIceTransportState[]): RTCIceConnectionState {
  if (isClosed) return 'closed';
  if (ice.includes('failed')) return 'failed';
  if (ice.includes('disconnected')) return 'disconnected';
  if (ice.every((s) => s === 'new' || s === 'closed')) return 'new';
  if (ice.some((s) => s === 'new' || s === 'checking')) return 'checking';
  if (ice.every((s) => s === 'completed' || s === 'closed')) return 'completed';
  return 'connected';
}

/** RTCIceGatheringState (§4.3.1): over the transports' gathering states. */
export function iceGatheringState(gatherers: readonly RTCIceGatheringState[]): RTCIceGatheringState {
  if (gatherers.some((s) => s === 'gathering')) return 'gathering';
  if (gatherers.length > 0 && gatherers.every((s) => s === 'complete')) return 'complete';
  return 'new';
}
