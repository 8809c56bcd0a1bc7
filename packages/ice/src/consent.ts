/**
 * Consent freshness (RFC 7675) and the connection states (W3C webrtc-pc §5.6
 * RTCIceConnectionState, mapped onto RFC 8445 checklist states and RFC 7675 consent): when the
 * next consent check is due, and which state the agent is in.
 */
import { randomFloat, type RandomSource } from '@rtcstack/common';
import type { Pair } from './pair.ts';
import type { IceConnectionState, IceGatheringState } from './types.ts';

/** RFC 7675 §5.1: the next consent check, randomised to 0.8–1.2 × the interval so agents do not synchronise. */
export function nextConsentCheckAt(now: number, interval: number, random: RandomSource): number {
  return now + interval * (0.8 + 0.4 * randomFloat(random));
}

/** Consent bookkeeping for the selected pair. */
export interface ConsentClock {
  /** Last time consent was confirmed (an authenticated success response on the pair). */
  readonly lastConsentAt: number;
  /** When the oldest unanswered consent check was sent (undefined: none outstanding). */
  readonly consentUnansweredSince: number | undefined;
  readonly consentTimeout: number;
  readonly disconnectedTimeout: number;
}

export interface ConnectionInput extends ConsentClock {
  readonly current: IceConnectionState;
  readonly now: number;
  readonly lite: boolean;
  readonly selected: Pair | undefined;
  readonly pairs: readonly Pair[];
  readonly generation: number;
  readonly gathering: IceGatheringState;
  /** The remote credentials are known. */
  readonly remoteKnown: boolean;
  /** The peer signalled end-of-candidates (RFC 8838 §13). */
  readonly remoteEnded: boolean;
  readonly remoteCandidates: number;
}

/**
 * The W3C state from the agent's facts: with a selected pair, 'failed' once consent expired
 * (RFC 7675 §5.1), 'disconnected' while checks go unanswered, 'completed' when nothing is left
 * to check, else 'connected'; without one, 'checking' until every pair failed and both sides
 * are done gathering, then 'failed'.
 */
export function connectionStateFor(s: ConnectionInput): IceConnectionState {
  let next = s.current;
  if (s.selected) {
    if (!s.lite && s.now - s.lastConsentAt >= s.consentTimeout) next = 'failed';
    else if (!s.lite && s.consentUnansweredSince !== undefined && s.now - s.consentUnansweredSince >= s.disconnectedTimeout) next = 'disconnected';
    else {
      const checking = s.pairs.some((p) => p.generation === s.generation && (p.state === 'waiting' || p.state === 'in-progress'));
      const doneLocally = s.gathering === 'complete' && s.remoteEnded && !checking && s.selected.generation === s.generation;
      next = doneLocally ? 'completed' : 'connected';
    }
    // A pair of an older generation whose consent failed does not come back (§9: restart for that).
    if (s.current === 'failed' && next !== 'failed' && s.selected.generation !== s.generation) next = 'failed';
  } else if (s.remoteKnown && s.pairs.some((p) => p.generation === s.generation)) {
    const allFailed = s.pairs.every((p) => p.generation !== s.generation || p.state === 'failed');
    next = allFailed && s.remoteEnded && s.gathering === 'complete' ? 'failed' : 'checking';
  } else if (s.remoteKnown && s.remoteEnded && s.gathering === 'complete' && !s.lite && s.remoteCandidates > 0) {
    next = 'failed';
  } else if (s.remoteKnown && s.current === 'new' && s.remoteCandidates > 0) {
    next = 'checking';
  }
  return next;
}

/** W3C webrtc-pc §5.6: a connection is 'connected' before it is 'completed'. The states to announce, in order. */
export function connectionTransitions(from: IceConnectionState, to: IceConnectionState): IceConnectionState[] {
  if (to === from) return [];
  if (to === 'completed' && from !== 'connected') return ['connected', 'completed'];
  return [to];
}

/** When the consent clock next needs the agent awake (for nextTimeout). */
export function consentWakeups(c: ConsentClock, nextConsentAt: number | undefined, state: IceConnectionState): (number | undefined)[] {
  return [
    nextConsentAt,
    c.consentUnansweredSince !== undefined && state !== 'disconnected' ? c.consentUnansweredSince + c.disconnectedTimeout : undefined,
    c.lastConsentAt + c.consentTimeout,
  ];
}
