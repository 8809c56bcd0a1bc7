import type { SimRandom } from './rng.ts';

/** Conditions of one direction of a path between two hosts. All fields optional in setters. */
export interface LinkConfig {
  /** One-way base delay, ms. */
  readonly delayMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per datagram (may reorder datagrams). */
  readonly jitterMs: number;
  /** Probability in [0, 1] that a datagram is lost. 1 cuts the path. */
  readonly loss: number;
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
  if (!(c.bandwidthBps > 0)) throw new RangeError(`link bandwidthBps must be > 0, got ${c.bandwidthBps}`);
}

/** What the link does to one datagram. */
export interface LinkFate {
  readonly lost: boolean;
  /** Delays of the copies that arrive: one, or two when duplicated. Empty when lost. */
  readonly delays: readonly number[];
  readonly reordered: boolean;
}

/**
 * Decide one datagram's fate. Always draws the same number of values from the link's
 * generator, whatever the config, so changing a link mid-run does not shift later draws.
 */
export function sampleFate(c: LinkConfig, rng: SimRandom): LinkFate {
  const lossDraw = rng.float();
  const reorderDraw = rng.float();
  const dupDraw = rng.float();
  const jitter1 = rng.float();
  const jitter2 = rng.float();
  const lost = lossDraw < c.loss;
  if (lost) return { lost, delays: [], reordered: false };
  const reordered = reorderDraw < c.reorder;
  const first = c.delayMs + jitter1 * c.jitterMs + (reordered ? c.reorderDelayMs : 0);
  const delays = dupDraw < c.duplicate ? [first, c.delayMs + jitter2 * c.jitterMs] : [first];
  return { lost, delays, reordered };
}
