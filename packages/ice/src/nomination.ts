/**
 * Nomination and the selected pair (RFC 8445 §8): when the controlling agent nominates
 * (§8.1.1, regular nomination), which nominated valid pair is selected, and which checks stop
 * once one is (§8.1.2).
 */
import type { Pair } from './pair.ts';

export interface NominationInput {
  readonly pairs: readonly Pair[];
  readonly generation: number;
  readonly now: number;
  readonly firstValidAt: number | undefined;
  readonly nominationDelay: number;
}

/**
 * §8.1.1: nominate the best valid pair once no better pair is still being checked, or
 * nominationDelay after the first valid pair, whichever comes first. Returns the pair to
 * nominate now, or when to look again (undefined: nothing to wait for). Only for a controlling
 * full agent that knows the remote credentials.
 */
export function nominationDecision(input: NominationInput): { readonly nominate: Pair } | { readonly wakeAt: number | undefined } {
  const { pairs, generation, now } = input;
  if (pairs.some((p) => p.generation === generation && (p.nominating || p.nominated))) return { wakeAt: undefined };
  const best = pairs.find((p) => p.generation === generation && p.state === 'succeeded'); // pairs are sorted
  if (!best) return { wakeAt: undefined };
  const deadline = (input.firstValidAt ?? now) + input.nominationDelay;
  const betterPending = pairs.some((p) => p.generation === generation && p.priority > best.priority && (p.state === 'waiting' || p.state === 'in-progress' || p.state === 'frozen'));
  if (betterPending && now < deadline) return { wakeAt: deadline };
  return { nominate: best };
}

/** The pair to select: the best nominated valid pair of the current generation (pairs are sorted). */
export function bestNominated(pairs: readonly Pair[], generation: number): Pair | undefined {
  return pairs.find((p) => p.generation === generation && p.nominated && p.state === 'succeeded');
}

/**
 * §8.1.2: once a pair is selected, stop checking the rest: Waiting/Frozen pairs fail, lower
 * In-Progress ones are cancelled (through `cancel`) and fail.
 */
export function stopOtherChecks(pairs: readonly Pair[], selected: Pair, generation: number, cancel: (p: Pair) => void): void {
  for (const p of pairs) {
    if (p === selected || p.generation !== generation) continue;
    if (p.state === 'waiting' || p.state === 'frozen') p.state = 'failed';
    if (p.state === 'in-progress' && p.priority < selected.priority && p.transaction) {
      cancel(p);
      p.state = 'failed';
    }
  }
}
