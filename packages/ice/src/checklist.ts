/**
 * The checklist (RFC 8445 §6.1.2): forming pairs (§6.1.2.2), their priority (§6.1.2.3) and
 * order, the initial Frozen/Waiting states per foundation (§6.1.2.6), choosing the next check
 * (§6.1.4.2: triggered queue, then Waiting, then unfreeze) and unfreezing a foundation after a
 * success (§7.2.5.3.3). Plain functions over the agent's list of pairs.
 */
import { sameAddress, type Address } from '@rtcstack/common';
import { pairPriority, type IceCandidate } from './candidate.ts';
import type { IceCredentials } from './credentials.ts';
import { localBaseOf, type Pair } from './pair.ts';

/** §6.1.2.3: G is the controlling agent's candidate priority, D the controlled agent's. */
export function priorityOf(controlling: boolean, local: IceCandidate, remote: IceCandidate): bigint {
  return controlling ? pairPriority(local.priority, remote.priority) : pairPriority(remote.priority, local.priority);
}

/** Checklist order: highest priority first, ties in the order the pairs were formed. */
export function sortPairs(pairs: Pair[]): void {
  pairs.sort((a, b) => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : a.id - b.id));
}

/** The pair of this generation between a local candidate's base and a remote address. */
export function findPair(pairs: readonly Pair[], generation: number, local: IceCandidate, remote: Address): Pair | undefined {
  return pairs.find(
    (p) => p.generation === generation && sameAddress(localBaseOf(p.local), localBaseOf(local)) && p.remote.address === remote.address && p.remote.port === remote.port,
  );
}

/** A new Frozen pair; initialState then decides whether it starts Waiting. */
export function newPair(
  id: number,
  local: IceCandidate,
  remote: IceCandidate,
  priority: bigint,
  generation: number,
  creds: { readonly local: IceCredentials; readonly remote: IceCredentials },
): Pair {
  return {
    id,
    local,
    remote,
    foundation: `${local.foundation}:${remote.foundation}`,
    priority,
    state: 'frozen',
    nominated: false,
    nominatedByPeer: false,
    nominating: false,
    validLocal: undefined,
    generation,
    creds,
  };
}

/**
 * §6.1.2.6: per foundation, the highest-priority pair starts Waiting, the others Frozen (kept
 * true as trickled candidates arrive); a foundation that already succeeded is unfrozen
 * (§7.2.5.3.3). May refreeze the sibling that was Waiting.
 */
export function initialState(pair: Pair, pairs: readonly Pair[], triggered: readonly Pair[]): void {
  const siblings = pairs.filter((p) => p !== pair && p.foundation === pair.foundation && p.generation === pair.generation);
  if (siblings.some((p) => p.state === 'succeeded')) pair.state = 'waiting';
  else if (!siblings.some((p) => p.state === 'in-progress' || p.state === 'failed')) {
    const waiting = siblings.find((p) => p.state === 'waiting' && !triggered.includes(p));
    if (!waiting) pair.state = 'waiting';
    else if (pair.priority > waiting.priority) {
      waiting.state = 'frozen';
      pair.state = 'waiting';
    }
  }
}

/**
 * §6.1.4.2: the next check is the head of the triggered queue, else the best Waiting pair, else
 * the best Frozen pair whose foundation has nothing Waiting or In-Progress. Once a pair of this
 * generation is selected, ordinary checks stop (§8.1.2). `triggered` is already pruned.
 */
export function nextCheck(
  pairs: readonly Pair[],
  triggered: readonly Pair[],
  generation: number,
  selectedCurrent: boolean,
): { pair: Pair; triggered: boolean } | undefined {
  if (triggered.length > 0) return { pair: triggered[0], triggered: true };
  if (selectedCurrent) return undefined;
  const waiting = pairs.find((p) => p.generation === generation && p.state === 'waiting');
  if (waiting) return { pair: waiting, triggered: false };
  const frozen = pairs.find(
    (p) => p.generation === generation && p.state === 'frozen' &&
      !pairs.some((q) => q.foundation === p.foundation && q.generation === p.generation && (q.state === 'waiting' || q.state === 'in-progress')),
  );
  return frozen && { pair: frozen, triggered: false };
}

/** §7.2.5.3.3: a success unfreezes the Frozen pairs of the same foundation. */
export function unfreezeFoundation(pairs: readonly Pair[], succeeded: Pair): void {
  for (const p of pairs) if (p.state === 'frozen' && p.foundation === succeeded.foundation && p.generation === succeeded.generation) p.state = 'waiting';
}

/** Queue a triggered check (§7.3.1.4, §7.2.5.1): the pair goes Waiting and joins the queue once. */
export function trigger(pair: Pair, triggered: Pair[]): void {
  pair.state = 'waiting';
  if (!triggered.includes(pair)) triggered.push(pair);
}
