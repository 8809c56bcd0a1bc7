import { describe, expect, test } from 'vitest';
import { seededRandom, type Address } from '@rtcstack/common';
import {
  Method,
  attr,
  buildMessage,
  decodeMessage,
  getAttribute,
  hasAttribute,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  type TypedAttribute,
} from '@rtcstack/stun';
import { IceAgent, candidatePriority, type IceOutput } from '../src/index.ts';

const A: Address = { address: '10.0.0.1', port: 5000 };
const B: Address = { address: '10.0.0.2', port: 6000 };

function drain(agent: IceAgent): IceOutput[] {
  const out: IceOutput[] = [];
  for (let o = agent.pollOutput(); o; o = agent.pollOutput()) out.push(o);
  return out;
}
const sends = (o: IceOutput[]) => o.filter((x): x is Extract<IceOutput, { type: 'send' }> => x.type === 'send');

/** An agent at A with remote credentials "rufr"/"rpwd..." and B as remote host candidate. */
function agentAtA(opts: { controlling: boolean; lite?: boolean; remoteCandidate?: boolean; tieBreaker?: bigint }) {
  const agent = new IceAgent({ controlling: opts.controlling, lite: opts.lite, localUfrag: 'lufr', localPwd: 'lpwd-0123456789abcdefghij', random: seededRandom(7), tieBreaker: opts.tieBreaker ?? 100n });
  agent.addLocalAddress(A);
  agent.setRemoteCredentials('rufr', 'rpwd-0123456789abcdefghij');
  if (opts.remoteCandidate ?? true) agent.addRemoteCandidate(`candidate:1 1 udp ${candidatePriority(126, 65535, 1)} 10.0.0.2 6000 typ host`);
  agent.gather(0);
  drain(agent);
  return agent;
}

function check(attrs: TypedAttribute[], key: Uint8Array | null = shortTermKey('lpwd-0123456789abcdefghij')): Uint8Array {
  return buildMessage({ class: 'request', method: Method.Binding, transactionId: seededRandom(99)(12), attributes: attrs, integrity: key ?? undefined, fingerprint: true });
}
const goodAttrs = (extra: TypedAttribute[] = []): TypedAttribute[] => [
  attr('USERNAME', 'lufr:rufr'),
  attr('PRIORITY', candidatePriority(110, 65535, 1)),
  attr('ICE_CONTROLLING', 5n),
  ...extra,
];

describe('outgoing checks (RFC 8445 §7.2.2)', () => {
  test('carry USERNAME remote:local, PRIORITY as prflx, ICE-CONTROLLING, MESSAGE-INTEGRITY with the peer password, FINGERPRINT', () => {
    const agent = agentAtA({ controlling: true, tieBreaker: 0x0123456789abcdefn });
    agent.handleTimeout(0);
    const [s] = sends(drain(agent));
    expect(s.remote).toEqual(B);
    expect(s.local).toEqual(A);
    const m = decodeMessage(s.data);
    expect(m.class).toBe('request');
    expect(m.method).toBe(Method.Binding);
    expect(getAttribute(m, 'USERNAME')).toBe('rufr:lufr');
    expect(getAttribute(m, 'PRIORITY')).toBe(candidatePriority(110, 65535, 1));
    expect(getAttribute(m, 'ICE_CONTROLLING')).toBe(0x0123456789abcdefn);
    expect(hasAttribute(m, 'ICE_CONTROLLED')).toBe(false);
    expect(verifyMessageIntegrity(m, shortTermKey('rpwd-0123456789abcdefghij'))).toBe('valid');
    expect(verifyFingerprint(m)).toBe('valid');
  });

  test('checks are paced by Ta and retransmitted by RTO', () => {
    const agent = new IceAgent({ controlling: true, random: seededRandom(1), ta: 20, rto: 100 });
    agent.addLocalAddress(A);
    agent.setRemoteCredentials('rufr', 'rpwd-0123456789abcdefghij');
    for (let i = 0; i < 3; i++) agent.addRemoteCandidate(`candidate:${i + 1} 1 udp ${candidatePriority(126, 65535 - i, 1)} 10.0.0.${i + 2} 6000 typ host`);
    agent.gather(0);
    drain(agent);
    const times: number[] = [];
    for (let t = 0; t <= 120; t = agent.nextTimeout() ?? 1000) {
      agent.handleTimeout(t);
      for (const s of sends(drain(agent))) times.push(t);
      if (times.length >= 5) break;
    }
    // three first checks at 0, 20, 40 (Ta), then the first one again at RTO = 100
    expect(times.slice(0, 4)).toEqual([0, 20, 40, 100]);
  });
});

describe('incoming checks (RFC 8445 §7.3, RFC 8489 §9.1.3)', () => {
  const respond = (agent: IceAgent, data: Uint8Array) => {
    agent.handleInput(10, { data, remote: B, local: A });
    return sends(drain(agent)).map((s) => decodeMessage(s.data));
  };

  test('a good check gets a success with XOR-MAPPED-ADDRESS, integrity with our password and FINGERPRINT', () => {
    const agent = agentAtA({ controlling: false });
    const [r] = respond(agent, check(goodAttrs()));
    expect(r.class).toBe('success');
    expect(getAttribute(r, 'XOR_MAPPED_ADDRESS')).toEqual(B);
    expect(verifyMessageIntegrity(r, shortTermKey('lpwd-0123456789abcdefghij'))).toBe('valid');
    expect(verifyFingerprint(r)).toBe('valid');
    expect(agent.stats.responsesSent).toBe(1);
  });

  test.each([
    ['wrong password', 401, 'unauthenticated', check(goodAttrs(), shortTermKey('not-the-password-000000'))],
    ['unknown ufrag', 401, 'unauthenticated', check([attr('USERNAME', 'nope:rufr'), ...goodAttrs().slice(1)])],
    ['USERNAME our ufrag without ":their ufrag"', 401, 'unauthenticated', check([attr('USERNAME', 'lufr'), ...goodAttrs().slice(1)])],
    ['USERNAME "lufr:" (empty remote part)', 401, 'unauthenticated', check([attr('USERNAME', 'lufr:'), ...goodAttrs().slice(1)])],
    ['no MESSAGE-INTEGRITY', 400, 'badRequest', check(goodAttrs(), null)],
    ['no USERNAME', 400, 'badRequest', check(goodAttrs().slice(1))],
    ['no PRIORITY', 400, 'badRequest', check([goodAttrs()[0], goodAttrs()[2]])],
    ['no ICE-CONTROLLING/CONTROLLED', 400, 'badRequest', check(goodAttrs().slice(0, 2))],
  ] as const)('%s → %d, counted', (_n, code, stat, data) => {
    const agent = agentAtA({ controlling: false });
    const [r] = respond(agent, data);
    expect(r.class).toBe('error');
    expect(getAttribute(r, 'ERROR_CODE')?.code).toBe(code);
    expect(agent.stats[stat]).toBe(1);
    expect(agent.stats.responsesSent).toBe(0);
  });

  test('malformed STUN and a bad FINGERPRINT are dropped and counted, the agent keeps working', () => {
    const agent = agentAtA({ controlling: false });
    const good = check(goodAttrs());
    const truncated = good.slice(0, good.length - 3);
    const badFp = good.slice();
    badFp[badFp.length - 1] ^= 1;
    expect(respond(agent, truncated)).toEqual([]);
    expect(respond(agent, badFp)).toEqual([]);
    expect(agent.stats.malformed).toBe(1);
    expect(agent.stats.badFingerprint).toBe(1);
    expect(respond(agent, good)[0].class).toBe('success');
  });

  test('non-STUN bytes from an address no check vouched for are dropped; after a check they pass up', () => {
    const agent = agentAtA({ controlling: false });
    agent.handleInput(1, { data: Uint8Array.of(22, 254, 253, 0), remote: B, local: A });
    expect(drain(agent).filter((o) => o.type === 'data')).toEqual([]);
    expect(agent.stats.dataDropped).toBe(1);
    respond(agent, check(goodAttrs()));
    agent.handleInput(11, { data: Uint8Array.of(22, 254, 253, 0), remote: B, local: A });
    expect(drain(agent).filter((o) => o.type === 'data')).toHaveLength(1);
  });

  test('a check from an unknown address teaches a peer-reflexive remote candidate and triggers a check to it (§7.3.1.3-4)', () => {
    const agent = agentAtA({ controlling: false, remoteCandidate: false });
    respond(agent, check(goodAttrs()));
    expect(agent.stats.prflxRemote).toBe(1);
    expect(agent.remoteCandidatesList[0]).toMatchObject({ type: 'prflx', address: B.address, port: B.port, priority: candidatePriority(110, 65535, 1) });
    agent.handleTimeout(20);
    const [s] = sends(drain(agent));
    expect(s.remote).toEqual(B);
    expect(agent.stats.triggeredChecks).toBe(1);
  });
});

describe('role conflicts (§7.3.1.1)', () => {
  test.each([
    // we are, our tie-breaker, their attribute and tie-breaker, → response, our role afterwards
    ['controlling, ours larger → 487, stay controlling', true, 10n, 'ICE_CONTROLLING', 5n, 487, true],
    ['controlling, ours smaller → switch to controlled, answer', true, 1n, 'ICE_CONTROLLING', 5n, 0, false],
    ['controlled, ours larger → switch to controlling, answer', false, 10n, 'ICE_CONTROLLED', 5n, 0, true],
    ['controlled, ours smaller → 487, stay controlled', false, 1n, 'ICE_CONTROLLED', 5n, 487, false],
  ] as const)('%s', (_n, controlling, ours, name, theirs, code, after) => {
    const agent = agentAtA({ controlling, tieBreaker: ours });
    const req = check([attr('USERNAME', 'lufr:rufr'), attr('PRIORITY', 1), attr(name, theirs)]);
    agent.handleInput(10, { data: req, remote: B, local: A });
    const [r] = sends(drain(agent)).map((s) => decodeMessage(s.data));
    if (code) expect(getAttribute(r, 'ERROR_CODE')?.code).toBe(code);
    else expect(r.class).toBe('success');
    expect(agent.controlling).toBe(after);
    expect(agent.stats.roleConflicts).toBe(1);
  });
});

describe('trickle (RFC 8838)', () => {
  test('candidates that arrive before the credentials are kept and paired when they come', () => {
    const agent = new IceAgent({ controlling: true, random: seededRandom(3) });
    agent.addLocalAddress(A);
    agent.gather(0);
    agent.addRemoteCandidate('candidate:1 1 udp 2130706431 10.0.0.2 6000 typ host');
    expect(agent.checklist).toHaveLength(0);
    agent.handleTimeout(0);
    expect(sends(drain(agent))).toEqual([]);
    agent.setRemoteCredentials('rufr', 'rpwd-0123456789abcdefghij');
    expect(agent.checklist).toHaveLength(1);
    agent.handleTimeout(1);
    expect(sends(drain(agent))[0].remote).toEqual(B);
  });

  test('gathering goes new → gathering → complete and ends with end-of-candidates', () => {
    const agent = new IceAgent({ controlling: true, random: seededRandom(3) });
    agent.addLocalAddress(A);
    expect(agent.gathering).toBe('new');
    agent.gather(0);
    const types = drain(agent).map((o) => (o.type === 'gathering-state' ? o.state : o.type));
    expect(types).toEqual(['gathering', 'candidate', 'end-of-candidates', 'complete']);
  });
});

describe('the checklist (§6.1.2)', () => {
  test('pairs are ordered by pair priority; one pair per foundation starts Waiting, the others Frozen; success unfreezes the foundation', () => {
    const agent = new IceAgent({ controlling: true, random: seededRandom(8), localUfrag: 'lufr', localPwd: 'lpwd-0123456789abcdefghij' });
    agent.addLocalAddress(A);
    agent.setRemoteCredentials('rufr', 'rpwd-0123456789abcdefghij');
    agent.gather(0);
    drain(agent);
    // Two remote host candidates of one foundation "7", one srflx of foundation "8".
    agent.addRemoteCandidate(`candidate:7 1 udp ${candidatePriority(126, 65000, 1)} 10.0.0.3 6000 typ host`);
    agent.addRemoteCandidate(`candidate:7 1 udp ${candidatePriority(126, 65535, 1)} 10.0.0.2 6000 typ host`);
    agent.addRemoteCandidate(`candidate:8 1 udp ${candidatePriority(100, 65535, 1)} 198.51.100.9 7000 typ srflx raddr 10.0.0.5 rport 6000`);
    const list = agent.checklist;
    expect(list.map((p) => p.remote.address)).toEqual(['10.0.0.2', '10.0.0.3', '198.51.100.9']);
    for (let i = 1; i < list.length; i++) expect(list[i - 1].priority > list[i].priority).toBe(true);
    // Foundation 7's best pair is Waiting even though its candidate was trickled second.
    expect(list.map((p) => p.state)).toEqual(['waiting', 'frozen', 'waiting']);
    agent.handleTimeout(0);
    const [s] = sends(drain(agent));
    expect(s.remote.address).toBe('10.0.0.2');
    const req = decodeMessage(s.data);
    const ok = buildMessage({ class: 'success', method: Method.Binding, transactionId: req.transactionId, attributes: [attr('XOR_MAPPED_ADDRESS', A)], integrity: shortTermKey('rpwd-0123456789abcdefghij'), fingerprint: true });
    agent.handleInput(5, { data: ok, remote: { address: '10.0.0.2', port: 6000 }, local: A });
    // §7.2.5.3.3: the Frozen pair of the same foundation is now Waiting.
    expect(agent.checklist.find((p) => p.remote.address === '10.0.0.3')?.state).toBe('waiting');
    expect(agent.checklist.find((p) => p.remote.address === '10.0.0.2')?.state).toBe('succeeded');
  });
});

describe('responses to our checks (§7.2.5)', () => {
  const RPWD = shortTermKey('rpwd-0123456789abcdefghij');
  const A2: Address = { address: '10.0.0.3', port: 5000 };
  /** Sends the first check and returns it with the pair it is for (A → B). */
  function firstCheck(opts: { controlling?: boolean; tieBreaker?: bigint } = {}) {
    const agent = agentAtA({ controlling: opts.controlling ?? true, tieBreaker: opts.tieBreaker });
    agent.handleTimeout(0);
    const [s] = sends(drain(agent));
    expect(s.local).toEqual(A);
    const req = decodeMessage(s.data);
    const pair = () => agent.checklist.find((p) => p.remote.address === B.address && p.local.address === A.address)!;
    return { agent, req, pair };
  }
  const success = (transactionId: Uint8Array, key: Uint8Array | null = RPWD) =>
    buildMessage({ class: 'success', method: Method.Binding, transactionId, attributes: [attr('XOR_MAPPED_ADDRESS', A)], integrity: key ?? undefined, fingerprint: true });

  test('a success from the address the check went to, arriving where it left, makes the pair Succeeded', () => {
    const { agent, req, pair } = firstCheck();
    agent.handleInput(5, { data: success(req.transactionId), remote: B, local: A });
    expect(pair().state).toBe('succeeded');
    expect(agent.stats.asymmetricResponses).toBe(0);
  });

  test.each([
    ['from another source address', { address: '10.0.0.9', port: 6000 }, A],
    ['from another source port', { address: B.address, port: 6001 }, A],
    ['arriving on another local address', B, A2],
  ] as const)('§7.2.5.2.1 non-symmetric: a success %s fails the pair', (_n, from, at) => {
    const { agent, req, pair } = firstCheck();
    agent.handleInput(5, { data: success(req.transactionId), remote: from, local: at });
    expect(pair().state).toBe('failed');
    expect(agent.stats.asymmetricResponses).toBe(1);
  });

  test('a response with an unknown transaction id, or without valid MESSAGE-INTEGRITY, is ignored: the check stays in progress', () => {
    const { agent, req, pair } = firstCheck();
    const otherId = req.transactionId.slice();
    otherId[0] ^= 1;
    agent.handleInput(5, { data: success(otherId), remote: B, local: A });
    agent.handleInput(6, { data: success(req.transactionId, shortTermKey('not-the-password-000000')), remote: B, local: A });
    agent.handleInput(7, { data: success(req.transactionId, null), remote: B, local: A });
    expect(pair().state).toBe('in-progress');
    // The real answer still counts afterwards.
    agent.handleInput(8, { data: success(req.transactionId), remote: B, local: A });
    expect(pair().state).toBe('succeeded');
  });

  test('§7.2.5.1: a 487 to a check sent as controlling switches to controlled and retries the pair as a triggered check', () => {
    const { agent, req, pair } = firstCheck({ controlling: true });
    const conflict = buildMessage({ class: 'error', method: Method.Binding, transactionId: req.transactionId, attributes: [attr('ERROR_CODE', { code: 487, reason: 'Role Conflict' })], integrity: RPWD, fingerprint: true });
    agent.handleInput(5, { data: conflict, remote: B, local: A });
    expect(agent.controlling).toBe(false);
    expect(pair().state).toBe('waiting');
    expect(drain(agent)).toContainEqual({ type: 'role', controlling: false });
    agent.handleTimeout(100);
    const [retry] = sends(drain(agent)).map((s) => decodeMessage(s.data));
    expect(agent.stats.triggeredChecks).toBe(1);
    expect(hasAttribute(retry, 'ICE_CONTROLLED')).toBe(true);
    expect(hasAttribute(retry, 'ICE_CONTROLLING')).toBe(false);
  });

  test('§7.2.5.1: a 487 to a check sent as controlled switches to controlling', () => {
    const { agent, req } = firstCheck({ controlling: false });
    expect(hasAttribute(req, 'ICE_CONTROLLED')).toBe(true);
    const conflict = buildMessage({ class: 'error', method: Method.Binding, transactionId: req.transactionId, attributes: [attr('ERROR_CODE', { code: 487, reason: 'Role Conflict' })], integrity: RPWD, fingerprint: true });
    agent.handleInput(5, { data: conflict, remote: B, local: A });
    expect(agent.controlling).toBe(true);
  });
});
