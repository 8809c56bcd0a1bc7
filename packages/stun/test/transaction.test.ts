import { describe, expect, it } from 'vitest';
import { seededRandom, type Address } from '@rtcstack/common';
import {
  BindingServer,
  ClientTransactions,
  Method,
  StunTimeoutError,
  attr,
  buildMessage,
  decodeMessage,
  shortTermKey,
  type TransactionOutput,
} from '../src/index.ts';

const server: Address = { address: '192.0.2.10', port: 3478 };
const me: Address = { address: '10.0.0.1', port: 50000 };
const rng = seededRandom(1);

function request(key?: Uint8Array): Uint8Array {
  return buildMessage({ class: 'request', method: Method.Binding, transactionId: rng(12), integrity: key, fingerprint: true });
}

function drain<C>(t: ClientTransactions<C>): TransactionOutput<C>[] {
  const out: TransactionOutput<C>[] = [];
  for (let o = t.pollOutput(); o; o = t.pollOutput()) out.push(o);
  return out;
}

/** Run with no responses: returns the send times and the failure time, by jumping to nextTimeout(). */
function runSilent(t: ClientTransactions, start = 0): { sends: number[]; timeoutAt?: number; error?: unknown } {
  const sends: number[] = [];
  let timeoutAt: number | undefined;
  let error: unknown;
  let now = start;
  for (let guard = 0; guard < 100; guard++) {
    for (const o of drain(t)) {
      if (o.type === 'send') sends.push(now);
      if (o.type === 'timeout') {
        timeoutAt = now;
        error = o.error;
      }
    }
    const next = t.nextTimeout();
    if (next === undefined) break;
    now = next;
    t.handleTimeout(now);
  }
  return { sends, timeoutAt, error };
}

/** A success response to `req`, built by the sans-IO Binding server. */
function answer(req: Uint8Array, key?: Uint8Array): Uint8Array {
  const s = new BindingServer(key ? { shortTermKey: () => key } : {});
  s.handleInput(0, { data: req, remote: me });
  const out = s.pollOutput();
  if (!out) throw new Error('server did not answer');
  return out.data;
}

describe('retransmission schedule (RFC 8489 §6.2.1), on virtual time', () => {
  it('RTO 500 ms, Rc 7, Rm 16: sends at 0, 500, 1500, 3500, 7500, 15500, 31500 ms; fails at 39500 ms', () => {
    const t = new ClientTransactions();
    t.start(0, request(), server);
    const { sends, timeoutAt, error } = runSilent(t);
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(timeoutAt).toBe(39500);
    expect(error).toBeInstanceOf(StunTimeoutError);
    expect((error as StunTimeoutError).requestsSent).toBe(7);
    expect(t.stats).toMatchObject({ started: 1, retransmissions: 6, timeouts: 1 });
    expect(t.pending).toBe(0);
  });

  it('RTO, Rc and Rm are configurable (and per transaction), relative to the start time', () => {
    const t = new ClientTransactions({ rto: 100, rc: 3, rm: 4 });
    t.start(1000, request(), server);
    expect(runSilent(t, 1000)).toMatchObject({ sends: [1000, 1100, 1300], timeoutAt: 1700 });
    t.start(0, request(), server, { rto: 250, rc: 2, rm: 2 });
    expect(runSilent(t)).toMatchObject({ sends: [0, 250], timeoutAt: 750 });
  });

  it('a late wake-up does not shift the schedule', () => {
    const t = new ClientTransactions();
    t.start(0, request(), server);
    drain(t);
    t.handleTimeout(900); // woke late for the 500 ms retransmission
    expect(drain(t).map((o) => o.type)).toEqual(['send']);
    expect(t.nextTimeout()).toBe(1500);
  });

  it('nothing happens before nextTimeout()', () => {
    const t = new ClientTransactions();
    t.start(0, request(), server);
    drain(t);
    t.handleTimeout(499);
    expect(drain(t)).toEqual([]);
  });
});

describe('responses', () => {
  it('are matched by transaction id and end the transaction, with the RTT', () => {
    const t = new ClientTransactions<string>();
    const req = request();
    const id = t.start(0, req, server, { context: 'pair-1' });
    drain(t);
    const other = request();
    expect(t.handleInput(10, { data: answer(other), remote: server })).toBe(false); // not ours
    expect(t.handleInput(20, { data: answer(req), remote: server })).toBe(true);
    const [out] = drain(t);
    expect(out.type).toBe('response');
    if (out.type !== 'response') return;
    expect(out.transactionId).toEqual(id);
    expect(out.context).toBe('pair-1');
    expect(out.rtt).toBe(20);
    expect(out.retransmitted).toBe(false);
    expect(t.nextTimeout()).toBeUndefined();
    // A duplicate (retransmitted) response later is not ours any more.
    expect(t.handleInput(30, { data: answer(req), remote: server })).toBe(false);
    expect(t.stats).toMatchObject({ responses: 1, unmatched: 2 });
  });

  it('requests and garbage are not responses', () => {
    const t = new ClientTransactions();
    const req = request();
    t.start(0, req, server);
    expect(t.handleInput(1, { data: req, remote: server })).toBe(false);
    expect(t.handleInput(1, { data: Uint8Array.of(1, 2, 3), remote: server })).toBe(false);
    expect(t.stats.malformed).toBe(1);
  });

  it('a response with a bad FINGERPRINT is ignored and retransmission goes on', () => {
    const t = new ClientTransactions();
    const req = request();
    t.start(0, req, server);
    drain(t);
    const resp = answer(req);
    resp[resp.length - 1] ^= 1;
    expect(t.handleInput(10, { data: resp, remote: server })).toBe(true);
    expect(drain(t)).toEqual([]);
    expect(t.stats.badFingerprint).toBe(1);
    expect(t.nextTimeout()).toBe(500);
  });

  it('with a key, a response whose MESSAGE-INTEGRITY fails, or is missing, is ignored', () => {
    const key = shortTermKey('secret');
    const t = new ClientTransactions();
    const req = request(key);
    t.start(0, req, server, { key });
    drain(t);
    const success = (k?: Uint8Array) =>
      buildMessage({ class: 'success', method: Method.Binding, transactionId: decodeMessage(req).transactionId, attributes: [attr('XOR_MAPPED_ADDRESS', me)], integrity: k, fingerprint: true });
    const forged = success(shortTermKey('other')); // integrity under another key
    expect(t.handleInput(10, { data: forged, remote: server })).toBe(true);
    const unsigned = success(); // no integrity at all
    expect(t.handleInput(11, { data: unsigned, remote: server })).toBe(true);
    expect(drain(t)).toEqual([]);
    expect(t.stats.badIntegrity).toBe(2);
    t.handleTimeout(500);
    expect(drain(t).map((o) => o.type)).toEqual(['send']); // still retransmitting
    expect(t.handleInput(600, { data: answer(req, key), remote: server })).toBe(true);
    const [out] = drain(t);
    expect(out).toMatchObject({ type: 'response', rtt: 600, retransmitted: true });
  });

  it('with a key, when every response that came failed integrity, the timeout says so (RFC 8489 §9.1.4)', () => {
    const key = shortTermKey('secret');
    const forgedRun = new ClientTransactions();
    const req = request(key);
    forgedRun.start(0, req, server, { key, rc: 2, rm: 2 });
    const forged = buildMessage({
      class: 'success',
      method: Method.Binding,
      transactionId: decodeMessage(req).transactionId,
      attributes: [attr('XOR_MAPPED_ADDRESS', me)],
      integrity: shortTermKey('other'),
    });
    expect(forgedRun.handleInput(10, { data: forged, remote: server })).toBe(true);
    const silentRun = new ClientTransactions();
    silentRun.start(0, request(key), server, { key, rc: 2, rm: 2 });
    const outcome = (t: ClientTransactions): StunTimeoutError => {
      t.handleTimeout(500);
      t.handleTimeout(1500);
      const o = drain(t).find((x) => x.type === 'timeout');
      if (o?.type !== 'timeout') throw new Error('no timeout');
      return o.error;
    };
    const violated = outcome(forgedRun);
    expect(violated.integrityViolated).toBe(true);
    expect(violated.message).toMatch(/failed integrity/);
    expect(outcome(silentRun).integrityViolated).toBe(false);
  });

  it('with a key, a 401 error response without integrity is accepted (sent before authentication)', () => {
    const key = shortTermKey('secret');
    const t = new ClientTransactions();
    const req = request(key);
    const m = decodeMessage(req);
    t.start(0, req, server, { key });
    drain(t);
    const e401 = buildMessage({ class: 'error', method: Method.Binding, transactionId: m.transactionId, attributes: [attr('ERROR_CODE', { code: 401, reason: 'Unauthenticated' })] });
    expect(t.handleInput(5, { data: e401, remote: server })).toBe(true);
    expect(drain(t)[0]).toMatchObject({ type: 'response' });
  });

  it('cancel() stops a transaction without an outcome', () => {
    const t = new ClientTransactions();
    const id = t.start(0, request(), server);
    drain(t);
    expect(t.cancel(id)).toBe(true);
    expect(t.nextTimeout()).toBeUndefined();
    t.handleTimeout(100_000);
    expect(drain(t)).toEqual([]);
  });
});
