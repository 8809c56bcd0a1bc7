/**
 * The signaling state machine (W3C webrtc-pc §4.3.1, RFC 8829 §3.2 / §5.5-5.6): which
 * descriptions may be applied in which state, and where each leads.
 *
 *                      setRemote(offer)            setLocal(pranswer)
 *     stable  ──────────────────────────> have-remote-offer ──────────> have-local-pranswer
 *      │  ^  <─────── setLocal(answer) ──────┘   ^  setLocal(answer) to stable   │
 *      │  └───────── setRemote(answer) ─────┐    └ setRemote(rollback) to stable ┘
 *      │ setLocal(offer)                    │
 *      └──────────> have-local-offer ───────┴─> have-remote-pranswer (setRemote(pranswer))
 */
export const SIGNALING_STATES = [
  'stable',
  'have-local-offer',
  'have-remote-offer',
  'have-local-pranswer',
  'have-remote-pranswer',
  'closed',
] as const;
export type RTCSignalingState = (typeof SIGNALING_STATES)[number];

export const SDP_TYPES = ['offer', 'pranswer', 'answer', 'rollback'] as const;
export type RTCSdpType = (typeof SDP_TYPES)[number];

export type DescriptionSide = 'local' | 'remote';

/**
 * Allowed transitions: TRANSITIONS[state][side][type] = next state. Anything absent is an
 * InvalidStateError (webrtc-pc §4.4.1.5 "set the session description", step: "If
 * description.type is invalid for the current signaling state ... reject with InvalidStateError").
 */
export const TRANSITIONS: Readonly<
  Record<RTCSignalingState, Readonly<Record<DescriptionSide, Partial<Readonly<Record<RTCSdpType, RTCSignalingState>>>>>>
> = {
  stable: {
    local: { offer: 'have-local-offer' },
    remote: { offer: 'have-remote-offer' },
  },
  // Rollback (either method) leaves have-local-offer / have-remote-offer for stable; §4.4.1.5
  // "set the session description" step 2 rejects it only in stable and the two pranswer states.
  'have-local-offer': {
    local: { offer: 'have-local-offer', rollback: 'stable' },
    remote: { answer: 'stable', pranswer: 'have-remote-pranswer', rollback: 'stable' },
  },
  'have-remote-offer': {
    local: { answer: 'stable', pranswer: 'have-local-pranswer', rollback: 'stable' },
    remote: { offer: 'have-remote-offer', rollback: 'stable' },
  },
  'have-local-pranswer': {
    local: { pranswer: 'have-local-pranswer', answer: 'stable' },
    remote: {},
  },
  'have-remote-pranswer': {
    local: {},
    remote: { pranswer: 'have-remote-pranswer', answer: 'stable' },
  },
  closed: { local: {}, remote: {} },
};

/** The state after applying a description, or undefined when the spec says InvalidStateError. */
export function nextSignalingState(state: RTCSignalingState, side: DescriptionSide, type: RTCSdpType): RTCSignalingState | undefined {
  return TRANSITIONS[state][side][type];
}

/**
 * setLocalDescription() without a description (webrtc-pc §4.4.1.6 "implicit"): create an offer
 * in stable / have-local-offer / have-remote-pranswer, an answer otherwise.
 */
export function implicitLocalType(state: RTCSignalingState): 'offer' | 'answer' {
  return state === 'stable' || state === 'have-local-offer' || state === 'have-remote-pranswer' ? 'offer' : 'answer';
}

/**
 * setRemoteDescription(offer) while we hold a local offer is glare: webrtc-pc §4.4.1.6
 * setRemoteDescription step 4 rolls the local offer back first (what perfect negotiation's polite
 * peer relies on).
 */
export function needsImplicitRollback(state: RTCSignalingState, type: RTCSdpType): boolean {
  return type === 'offer' && state === 'have-local-offer';
}
