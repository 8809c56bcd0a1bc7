/**
 * Checks for test-vectors/*-ice-*.json (see test-vectors/README.md).
 *
 * "candidate-priority": input { typePreference, localPreference, component }, expected.priority
 *   as "0x..." hex; RFC 8445 §5.1.2.1.
 * "pair-priority": input { g, d } (controlling and controlled candidate priorities),
 *   expected.priority as a decimal string (64-bit); RFC 8445 §6.1.2.3.
 */
import { strictEqual } from 'node:assert/strict';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import { candidatePriority, pairPriority } from '../src/index.ts';

interface PriorityInput {
  typePreference: number;
  localPreference: number;
  component: number;
}

export const checks: VectorChecks = {
  'candidate-priority'(c: VectorCase) {
    const i = c.input as PriorityInput;
    const e = c.expected as { priority: string };
    strictEqual(candidatePriority(i.typePreference, i.localPreference, i.component), Number(e.priority));
  },
  'pair-priority'(c: VectorCase) {
    const i = c.input as { g: number; d: number };
    const e = c.expected as { priority: string };
    strictEqual(pairPriority(i.g, i.d), BigInt(e.priority));
  },
};
