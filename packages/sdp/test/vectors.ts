import { isParseError } from '@rtcstack/common';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import { formatCandidate, parse, parseCandidate } from '../src/index.ts';
import { expectFacts, facts, parseRoundTrip } from './facts.ts';

/**
 * Checks for test-vectors/*sdp*.json and *candidates*.json.
 *
 * description: input.sdp (text exactly as the source shows it). Valid cases must parse,
 *   serialize back byte for byte, and decode to expected (a subset of the facts in facts.ts:
 *   mediaCount, bundle, mids, media[i].{kind, mid, port, protocol, direction, payloadTypes,
 *   iceUfrag, fingerprintAlgorithm, setup, sctpPort, maxMessageSize, ...}). Invalid cases
 *   (valid: false) must throw ParseError; expected.line, when given, is the line it names.
 * candidate: input.line (with or without "a=" / "candidate:"). Valid cases must parse to the
 *   expected fields and format back to the input (minus any "a=" prefix); invalid ones must
 *   throw ParseError, expected.field naming the field when given.
 */
function rejects(c: VectorCase, run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!isParseError(e)) throw new Error(`threw a non-ParseError: ${String(e)}`);
    const exp = (c.expected ?? {}) as { line?: number; field?: string };
    if (exp.line !== undefined && e.offset !== exp.line) throw new Error(`error names line ${e.offset}, want ${exp.line}: ${e.message}`);
    if (exp.field !== undefined && e.field !== exp.field) throw new Error(`error names field ${e.field}, want ${exp.field}: ${e.message}`);
    return;
  }
  throw new Error(`accepted an input that must be rejected (${c.reason})`);
}

export const checks: VectorChecks = {
  description(c) {
    const { sdp } = c.input as { sdp: string };
    if (c.valid === false) return rejects(c, () => parse(sdp));
    const d = parseRoundTrip(sdp);
    expectFacts(facts(d), (c.expected ?? {}) as Record<string, unknown>);
  },
  candidate(c) {
    const { line } = c.input as { line: string };
    if (c.valid === false) return rejects(c, () => parseCandidate(line));
    const cand = parseCandidate(line);
    const exp = (c.expected ?? {}) as Record<string, unknown>;
    for (const [k, want] of Object.entries(exp)) {
      const got = (cand as unknown as Record<string, unknown>)[k];
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${k}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    const canonical = line.replace(/^a=/, '').replace(/\r?\n$/, '');
    const want = canonical.startsWith('candidate:') ? canonical : `candidate:${canonical}`;
    if (formatCandidate(cand) !== want) throw new Error(`formats back as ${formatCandidate(cand)}`);
  },
};
