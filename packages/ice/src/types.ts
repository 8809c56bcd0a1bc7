/**
 * The agent's public vocabulary: options, states, pairs and outputs.
 */
import type { Address, RandomSource } from '@rtcstack/common';
import type { IceCandidate } from './candidate.ts';

/** RFC 8445 §6.1.2.6: the five states of a candidate pair. */
export const PAIR_STATES = ['frozen', 'waiting', 'in-progress', 'succeeded', 'failed'] as const;
export type PairState = (typeof PAIR_STATES)[number];

/** W3C webrtc-pc §5.6 RTCIceConnectionState. */
export const CONNECTION_STATES = ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed'] as const;
export type IceConnectionState = (typeof CONNECTION_STATES)[number];

/** W3C RTCIceGatheringState. */
export const GATHERING_STATES = ['new', 'gathering', 'complete'] as const;
export type IceGatheringState = (typeof GATHERING_STATES)[number];

export interface TurnServerConfig {
  readonly address: Address;
  readonly username: string;
  readonly password: string;
}

export interface IceAgentOptions {
  /** Initial role (RFC 8445 §6.1.1); may flip on a role conflict. Lite agents are always controlled. */
  readonly controlling: boolean;
  /** ice-ufrag / ice-pwd (RFC 8839 §5.4: ≥ 4 and ≥ 22 ice-chars); random when absent. */
  readonly localUfrag?: string;
  readonly localPwd?: string;
  readonly stunServers?: readonly Address[];
  readonly turnServers?: readonly TurnServerConfig[];
  /** ICE lite (§2.5): host candidates only, never sends checks, always controlled. */
  readonly lite?: boolean;
  readonly random?: RandomSource;
  /** Pacing of ordinary and triggered checks, ms (§14.2; default 50). */
  readonly ta?: number;
  /** STUN RTO for checks, ms (default 500) and how many requests per check (Rc, default 7). */
  readonly rto?: number;
  readonly checkRc?: number;
  /** The 64-bit tie-breaker (§7.1.1); random when absent. */
  readonly tieBreaker?: bigint;
  /**
   * Controlling agent: how long after the first valid pair to wait for a better one before
   * nominating (ms, default 100). 0: nominate the first valid pair at once (decided when its
   * success response arrives; a better pair still being checked is not waited for).
   */
  readonly nominationDelay?: number;
  /**
   * Controlling agent: send the nominating check (USE-CANDIDATE, §8.1.1) as soon as the
   * nomination is decided, instead of at the next Ta slot. Default false. Saves up to one Ta
   * (with nominationDelay 0: the nomination follows the first success response immediately).
   * Trade-off: one request per nomination sent outside the pacing that RFC 8445 §14.2 asks for
   * ("MUST NOT be sent more often than once every 5 ms"); it goes to a pair whose check just
   * succeeded, so it is one small STUN request on a path proven to work, never a burst.
   */
  readonly immediateNomination?: boolean;
  /** RFC 7675 consent check interval (ms, default 5000, randomised 0.8–1.2×). */
  readonly consentInterval?: number;
  /** RFC 7675 §5.1: consent lost after this long without a response (ms, default 30000). */
  readonly consentTimeout?: number;
  /** Unanswered consent for this long → 'disconnected' (ms, default 3000). */
  readonly disconnectedTimeout?: number;
  /** W3C iceTransportPolicy: 'relay' announces and pairs relayed candidates only. Default 'all'. */
  readonly transportPolicy?: 'all' | 'relay';
}

/** A candidate pair as the agent keeps it (read-only to callers). */
export interface CandidatePair {
  readonly id: number;
  readonly local: IceCandidate;
  readonly remote: IceCandidate;
  /** §6.1.2.6: local foundation + ":" + remote foundation. */
  readonly foundation: string;
  priority: bigint;
  state: PairState;
  /** §8.1.1: this pair carries media once it is also valid. */
  nominated: boolean;
  /** A request with USE-CANDIDATE arrived for this pair (§7.3.1.5). */
  nominatedByPeer: boolean;
  /** The ICE generation (restart count) the pair belongs to. */
  readonly generation: number;
  /**
   * Once succeeded: the local candidate the peer saw (§7.2.5.3.2), e.g. our srflx or a prflx
   * candidate behind a NAT. Checks and data still leave from `local`'s base.
   */
  validLocal?: IceCandidate;
}

export interface SelectedPair {
  readonly local: IceCandidate;
  readonly remote: IceCandidate;
}

export type IceOutput =
  | { readonly type: 'send'; readonly data: Uint8Array; readonly remote: Address; readonly local: Address }
  | { readonly type: 'candidate'; readonly candidate: IceCandidate; readonly sdp: string }
  | { readonly type: 'end-of-candidates' }
  | { readonly type: 'gathering-state'; readonly state: IceGatheringState }
  | { readonly type: 'connection-state'; readonly state: IceConnectionState }
  | { readonly type: 'selected-pair'; readonly pair: SelectedPair }
  | { readonly type: 'role'; readonly controlling: boolean }
  | { readonly type: 'data'; readonly data: Uint8Array; readonly remote: Address; readonly local: Address }
  | { readonly type: 'error'; readonly error: Error };

export interface IceAgentStats {
  checksSent: number;
  checksReceived: number;
  triggeredChecks: number;
  responsesSent: number;
  /** Not STUN and not from a trusted pair, or undecodable STUN. */
  malformed: number;
  badFingerprint: number;
  /** 400 sent: USERNAME/MESSAGE-INTEGRITY/PRIORITY/role attribute missing. */
  badRequest: number;
  /** 401 sent: unknown USERNAME or wrong MESSAGE-INTEGRITY. */
  unauthenticated: number;
  unknownAttributes: number;
  roleConflicts: number;
  prflxRemote: number;
  prflxLocal: number;
  consentRequests: number;
  consentResponses: number;
  /** Non-STUN datagrams from addresses no check has vouched for. */
  dataDropped: number;
  /** Remote candidates ignored (TCP, host names, other components). */
  remoteIgnored: number;
  /** Binding responses from STUN servers (server-reflexive addresses learned). */
  reflexiveDiscovered: number;
  /** Local candidates dropped as redundant (§5.1.3), e.g. srflx equal to host without a NAT. */
  redundantPruned: number;
  /** Check responses whose addresses were not symmetric with the request (§7.2.5.2.1): pair failed. */
  asymmetricResponses: number;
}
