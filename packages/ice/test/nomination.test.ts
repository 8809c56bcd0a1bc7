import { describe, expect, test } from 'vitest';
import { Network } from '@rtcstack/test-support';
import { decodeMessage, hasAttribute } from '@rtcstack/stun';
import type { IceAgentOptions } from '../src/index.ts';
import { connect, simAgent } from './support/harness.ts';

/**
 * Regular nomination (RFC 8445 §8.1.1) timing: nominationDelay 0 and the opt-in
 * immediateNomination. One host pair, 1 ms links, Ta 20 ms so that pacing is visible.
 */
function call(opts: Partial<IceAgentOptions>) {
  const net = new Network({ seed: 3, defaultLink: { delayMs: 1 } });
  const a = simAgent(net, 'a', [net.addHost('a', '10.0.0.1').bind(5000)], { controlling: true, ta: 20, ...opts });
  const b = simAgent(net, 'b', [net.addHost('b', '10.0.0.2').bind(6000)], { controlling: false, ta: 20 });
  connect(net, a, b, 5);
  let checksFromA = 0;
  let bSelectedAt: number | undefined;
  let aSelectedAt: number | undefined;
  const start = net.now;
  expect(
    net.runUntil(() => {
      if (bSelectedAt === undefined && b.agent.selectedPair) bSelectedAt = net.now - start;
      if (aSelectedAt === undefined && a.agent.selectedPair) aSelectedAt = net.now - start;
      return aSelectedAt !== undefined && bSelectedAt !== undefined;
    }, 5000),
  ).toBe(true);
  const requests = a.sent.map((s) => decodeMessage(s.data)).filter((m) => m.class === 'request');
  checksFromA = requests.length;
  return { aSelectedAt: aSelectedAt!, bSelectedAt: bSelectedAt!, checksFromA, useCandidate: requests.map((m) => hasAttribute(m, 'USE_CANDIDATE')) };
}

describe('nomination timing (RFC 8445 §8.1.1)', () => {
  test('nominationDelay 0: the nominating check is the next paced check after the first success', () => {
    const r = call({ nominationDelay: 0 });
    // check (no USE-CANDIDATE), then at the next Ta slot the same pair with USE-CANDIDATE
    expect(r.useCandidate).toEqual([false, true]);
    expect(r.bSelectedAt).toBeGreaterThanOrEqual(20);
  });

  test('immediateNomination: USE-CANDIDATE leaves on the first success response, one Ta earlier', () => {
    const paced = call({ nominationDelay: 0 });
    const now = call({ nominationDelay: 0, immediateNomination: true });
    expect(now.useCandidate).toEqual([false, true]);
    // first check out, response back (2 ms), nomination out and answered (2 ms): no Ta in between
    expect(now.aSelectedAt).toBeLessThan(20);
    expect(paced.aSelectedAt - now.aSelectedAt).toBeGreaterThanOrEqual(15);
  });

  test('default (nominationDelay 100, paced): unchanged, nomination waits for the next Ta slot', () => {
    const r = call({});
    expect(r.useCandidate.at(-1)).toBe(true);
    expect(r.useCandidate.filter(Boolean).length).toBe(1);
    expect(r.bSelectedAt).toBeGreaterThanOrEqual(20);
  });
});
