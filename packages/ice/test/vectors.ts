/**
 * Checks for test-vectors/*-ice-*.json (see test-vectors/README.md).
 *
 * "candidate-priority": input { typePreference, localPreference, component }, expected.priority
 *   as "0x..." hex; RFC 8445 §5.1.2.1.
 * "pair-priority": input { g, d } (controlling and controlled candidate priorities),
 *   expected.priority as a decimal string (64-bit); RFC 8445 §6.1.2.3.
 * "answer-check": input { hex, localUfrag, localPwd, remoteUfrag, from }: a controlling agent with
 *   those credentials receives the check from `from`; expected { class, username, priority,
 *   controlledTieBreaker }. Also: with any other password the same bytes get a 401.
 * "accept-answer": input { hex, transactionId, remotePwd, local, remote }: an agent whose first
 *   check (local → remote) uses that transaction id receives the response from `remote`;
 *   expected { pairState, prflx } (the mapped address learned as a peer-reflexive candidate).
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { fromHex, seededRandom, type Address } from '@rtcstack/common';
import { decodeMessage, getAttribute } from '@rtcstack/stun';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import { IceAgent, candidatePriority, pairPriority, type IceOutput } from '../src/index.ts';

function drain(agent: IceAgent): IceOutput[] {
  const out: IceOutput[] = [];
  for (let o = agent.pollOutput(); o; o = agent.pollOutput()) out.push(o);
  return out;
}

function answer(hex: string, localUfrag: string, localPwd: string, remoteUfrag: string, from: Address) {
  const local = { address: from.address.includes(':') ? '2001:db8::9' : '10.0.0.9', port: 9 };
  const agent = new IceAgent({ controlling: true, localUfrag, localPwd, random: seededRandom(1) });
  agent.addLocalAddress(local);
  agent.setRemoteCredentials(remoteUfrag, 'unused-remote-password-0');
  agent.gather(0);
  drain(agent);
  agent.handleInput(1, { data: fromHex(hex), remote: from, local });
  const sent = drain(agent).filter((o): o is Extract<IceOutput, { type: 'send' }> => o.type === 'send');
  strictEqual(sent.length, 1);
  deepStrictEqual(sent[0].remote, from);
  return { agent, response: decodeMessage(sent[0].data) };
}

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
  'answer-check'(c: VectorCase) {
    const i = c.input as { hex: string; localUfrag: string; localPwd: string; remoteUfrag: string; from: Address };
    const e = c.expected as { class: string; username: string; priority: number; controlledTieBreaker: string };
    const request = decodeMessage(fromHex(i.hex));
    strictEqual(getAttribute(request, 'USERNAME'), e.username);
    strictEqual(getAttribute(request, 'PRIORITY'), e.priority);
    strictEqual(getAttribute(request, 'ICE_CONTROLLED'), BigInt(e.controlledTieBreaker));
    const { agent, response } = answer(i.hex, i.localUfrag, i.localPwd, i.remoteUfrag, i.from);
    strictEqual(response.class, e.class);
    deepStrictEqual(getAttribute(response, 'XOR_MAPPED_ADDRESS'), i.from);
    deepStrictEqual(response.transactionId, request.transactionId);
    strictEqual(agent.stats.responsesSent, 1);
    // The same bytes under another password: 401, counted.
    const wrong = answer(i.hex, i.localUfrag, `${i.localPwd}x`, i.remoteUfrag, i.from);
    strictEqual(getAttribute(wrong.response, 'ERROR_CODE')?.code, 401);
    strictEqual(wrong.agent.stats.unauthenticated, 1);
  },
  'accept-answer'(c: VectorCase) {
    const i = c.input as { hex: string; transactionId: string; remotePwd: string; local: Address; remote: Address };
    const e = c.expected as { pairState: string; prflx: Address };
    // A RandomSource that hands out the RFC's transaction id for the check (12-byte draws).
    const base = seededRandom(3);
    const txid = fromHex(i.transactionId);
    const random = (n: number): Uint8Array => (n === 12 ? txid.slice() : base(n));
    const agent = new IceAgent({ controlling: true, random });
    agent.addLocalAddress(i.local);
    agent.setRemoteCredentials('h6vY', i.remotePwd);
    agent.addRemoteCandidate({ type: 'host', foundation: '1', component: 1, transport: 'udp', priority: candidatePriority(126, 65535, 1), address: i.remote.address, port: i.remote.port });
    agent.gather(0);
    agent.handleTimeout(0);
    const sent = drain(agent).filter((o): o is Extract<IceOutput, { type: 'send' }> => o.type === 'send');
    strictEqual(sent.length, 1);
    deepStrictEqual(decodeMessage(sent[0].data).transactionId, txid);
    agent.handleInput(10, { data: fromHex(i.hex), remote: i.remote, local: i.local });
    drain(agent);
    strictEqual(agent.checklist[0].state, e.pairState);
    ok(agent.localCandidatesList.some((x) => x.type === 'prflx' && x.address === e.prflx.address && x.port === e.prflx.port));
  },
};
