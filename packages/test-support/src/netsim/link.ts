import type { SimRandom } from './rng.ts';

/** Conditions of one direction of a path between two hosts. All fields optional in setters. */
export interface LinkConfig {
  /** One-way base delay, ms. */
  readonly delayMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per datagram (may reorder datagrams). */
  readonly jitterMs: number;
  /** Probability in [0, 1] that a datagram is lost (long-run rate). 1 cuts the path. */
  readonly loss: number;
  /**
   * Mean length of a run of consecutive losses (Gilbert model: a "bad" state that loses every
   * datagram, entered and left so the long-run rate is still `loss`). 0 = independent losses.
   */
  readonly lossBurst: number;
  /** Probability in [0, 1] that a delivered datagram is delivered twice (the copy has its own delay). */
  readonly duplicate: number;
  /** Probability in [0, 1] that a datagram is held back by reorderDelayMs, so later ones overtake it. */
  readonly reorder: number;
  /** Extra delay of a reordered datagram, ms. */
  readonly reorderDelayMs: number;
  /** Largest UDP payload (bytes) the path carries; larger datagrams are dropped and counted. */
  readonly mtu: number;
  /**
   * Bottleneck rate in bits per second of UDP payload (Infinity = unlimited). Datagrams are
   * serialized one after another, so a burst queues and arrives spread out.
   */
  readonly bandwidthBps: number;
  /** Drop-tail queue in front of the bottleneck, bytes (Infinity = unbounded); overflow drops as 'queue'. */
  readonly queueBytes: number;
}

export type LinkSettings = Partial<LinkConfig>;

/** An ideal network: no delay, no loss, no MTU limit. */
export const IDEAL_LINK: LinkConfig = {
  delayMs: 0,
  jitterMs: 0,
  loss: 0,
  lossBurst: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelayMs: 20,
  mtu: Infinity,
  bandwidthBps: Infinity,
  queueBytes: Infinity,
};

export function mergeLink(base: LinkConfig, patch: LinkSettings): LinkConfig {
  const out: LinkConfig = { ...base };
  for (const k of Object.keys(patch) as (keyof LinkConfig)[]) {
    const v = patch[k];
    if (v !== undefined) (out as { -readonly [K in keyof LinkConfig]: number })[k] = v;
  }
  validateLink(out);
  return out;
}

export function validateLink(c: LinkConfig): void {
  for (const k of ['loss', 'duplicate', 'reorder'] as const) {
    if (!(c[k] >= 0 && c[k] <= 1)) throw new RangeError(`link ${k} must be in [0, 1], got ${c[k]}`);
  }
  for (const k of ['delayMs', 'jitterMs', 'reorderDelayMs', 'mtu', 'queueBytes'] as const) {
    if (!(c[k] >= 0)) throw new RangeError(`link ${k} must be >= 0, got ${c[k]}`);
  }
  if (!(c.lossBurst === 0 || c.lossBurst >= 1)) throw new RangeError(`link lossBurst must be 0 or >= 1, got ${c.lossBurst}`);
  if (!(c.bandwidthBps > 0)) throw new RangeError(`link bandwidthBps must be > 0, got ${c.bandwidthBps}`);
}

/** What the link does to one datagram. */
export interface LinkFate {
  readonly lost: boolean;
  /** Delays of the copies that arrive: one, or two when duplicated. Empty when lost. */
  readonly delays: readonly number[];
  readonly reordered: boolean;
}

/** What a directed link remembers between datagrams. */
export interface LinkState {
  /** Gilbert model: in the losing state. */
  bad: boolean;
  /** When the bottleneck finishes sending what is queued (bandwidthBps). */
  busyUntil: number;
}

export function newLinkState(): LinkState {
  return { bad: false, busyUntil: 0 };
}

/**
 * Decide one datagram's fate. Always draws the same number of values from the link's
 * generator, whatever the config, so changing a link mid-run does not shift later draws.
 */
export function sampleFate(c: LinkConfig, state: LinkState, rng: SimRandom): LinkFate {
  const lossDraw = rng.float();
  const reorderDraw = rng.float();
  const dupDraw = rng.float();
  const jitter1 = rng.float();
  const jitter2 = rng.float();
  const lost = isLost(c, state, lossDraw);
  if (lost) return { lost, delays: [], reordered: false };
  const reordered = reorderDraw < c.reorder;
  const first = c.delayMs + jitter1 * c.jitterMs + (reordered ? c.reorderDelayMs : 0);
  const delays = dupDraw < c.duplicate ? [first, c.delayMs + jitter2 * c.jitterMs] : [first];
  return { lost, delays, reordered };
}

function isLost(c: LinkConfig, state: LinkState, draw: number): boolean {
  if (c.loss >= 1) return (state.bad = true);
  if (c.lossBurst === 0 || c.loss === 0) {
    state.bad = false;
    return draw < c.loss;
  }
  // Two-state Markov chain: leave "bad" with probability 1/L (mean run L), enter it with
  // probability p/(L(1-p)) so that the stationary share of "bad" is p.
  const leave = 1 / c.lossBurst;
  const enter = Math.min(1, (c.loss * leave) / (1 - c.loss));
  state.bad = state.bad ? draw >= leave : draw < enter;
  return state.bad;
}
