/**
 * The signaling state machine driven through the real RTCPeerConnection API: every state is
 * reached the way an application reaches it, then each operation is tried and its outcome
 * compared with W3C webrtc-pc:
 *   §4.4.1.6 createOffer, "create an offer" step 1: InvalidStateError unless stable / have-local-offer
 *   §4.4.1.6 createAnswer, "create an answer" step 1: InvalidStateError unless have-remote-offer /
 *            have-local-pranswer
 *   §4.4.1.5 "set the session description" step 2: rollback is InvalidStateError in stable,
 *            have-local-pranswer and have-remote-pranswer, and otherwise returns to stable from
 *            either method
 *   §4.4.1.6 setLocalDescription(): the implicit type is offer in stable / have-local-offer /
 *            have-remote-pranswer, else answer; creating that description may itself fail
 */
import { describe, expect, test } from 'vitest';
import type { RTCSignalingState } from '../src/signaling.ts';
import { simPeers } from './support/call.ts';
import type { RTCPeerConnection } from '../src/peer-connection.ts';

type Setup = (x: RTCPeerConnection, y: RTCPeerConnection) => Promise<void>;

/** How an application reaches each state on x (y is the other peer). */
const REACH: Record<Exclude<RTCSignalingState, 'closed'>, Setup> = {
  stable: async () => {},
  'have-local-offer': async (x) => {
    await x.setLocalDescription(await x.createOffer());
  },
  'have-remote-offer': async (x, y) => {
    await x.setRemoteDescription(await y.createOffer());
  },
  'have-local-pranswer': async (x, y) => {
    await x.setRemoteDescription(await y.createOffer());
    const answer = await x.createAnswer();
    await x.setLocalDescription({ type: 'pranswer', sdp: answer.sdp });
  },
  'have-remote-pranswer': async (x, y) => {
    const offer = await x.createOffer();
    await x.setLocalDescription(offer);
    await y.setRemoteDescription(offer);
    const answer = await y.createAnswer();
    await x.setRemoteDescription({ type: 'pranswer', sdp: answer.sdp });
  },
};

type Op = 'createOffer' | 'createAnswer' | 'setLocal(rollback)' | 'setRemote(rollback)' | 'setLocal()';
const run = async (op: Op, x: RTCPeerConnection): Promise<unknown> => {
  switch (op) {
    case 'createOffer':
      return x.createOffer();
    case 'createAnswer':
      return x.createAnswer();
    case 'setLocal(rollback)':
      return x.setLocalDescription({ type: 'rollback' });
    case 'setRemote(rollback)':
      return x.setRemoteDescription({ type: 'rollback' });
    case 'setLocal()':
      return x.setLocalDescription();
  }
};

// [state, operation, outcome: the resulting signaling state, or the spec's error name]
const CASES: [Exclude<RTCSignalingState, 'closed'>, Op, string][] = [
  ['stable', 'createOffer', 'stable'],
  ['have-local-offer', 'createOffer', 'have-local-offer'],
  ['have-remote-offer', 'createOffer', 'InvalidStateError'],
  ['have-local-pranswer', 'createOffer', 'InvalidStateError'],
  ['have-remote-pranswer', 'createOffer', 'InvalidStateError'],

  ['stable', 'createAnswer', 'InvalidStateError'],
  ['have-local-offer', 'createAnswer', 'InvalidStateError'],
  ['have-remote-offer', 'createAnswer', 'have-remote-offer'],
  ['have-local-pranswer', 'createAnswer', 'have-local-pranswer'],
  ['have-remote-pranswer', 'createAnswer', 'InvalidStateError'],

  ['stable', 'setLocal(rollback)', 'InvalidStateError'],
  ['have-local-offer', 'setLocal(rollback)', 'stable'],
  ['have-remote-offer', 'setLocal(rollback)', 'stable'],
  ['have-local-pranswer', 'setLocal(rollback)', 'InvalidStateError'],
  ['have-remote-pranswer', 'setLocal(rollback)', 'InvalidStateError'],

  ['stable', 'setRemote(rollback)', 'InvalidStateError'],
  ['have-local-offer', 'setRemote(rollback)', 'stable'],
  ['have-remote-offer', 'setRemote(rollback)', 'stable'],
  ['have-local-pranswer', 'setRemote(rollback)', 'InvalidStateError'],
  ['have-remote-pranswer', 'setRemote(rollback)', 'InvalidStateError'],

  ['stable', 'setLocal()', 'have-local-offer'],
  ['have-local-offer', 'setLocal()', 'have-local-offer'],
  ['have-remote-offer', 'setLocal()', 'stable'],
  ['have-local-pranswer', 'setLocal()', 'stable'],
  ['have-remote-pranswer', 'setLocal()', 'InvalidStateError'],
];

describe('signaling through the API (webrtc-pc §4.4.1.5-6)', () => {
  test.each(CASES)('in %s, %s -> %s', async (state, op, want) => {
    const { a, b } = simPeers(41);
    a.pc.createDataChannel('x');
    b.pc.createDataChannel('y');
    await REACH[state](a.pc, b.pc);
    expect(a.pc.signalingState).toBe(state);
    const got = await run(op, a.pc).then(
      () => a.pc.signalingState,
      (e: Error) => e.name,
    );
    expect(got).toBe(want);
    a.pc.close();
    b.pc.close();
  });

  test('setLocalDescription({ type: "offer" }) in have-remote-offer is InvalidStateError, not an answer', async () => {
    const { a, b } = simPeers(42);
    b.pc.createDataChannel('y');
    await a.pc.setRemoteDescription(await b.pc.createOffer());
    const got = await a.pc.setLocalDescription({ type: 'offer' }).then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    expect(got).toBe('InvalidStateError');
    expect(a.pc.signalingState).toBe('have-remote-offer');
    a.pc.close();
    b.pc.close();
  });

  test('a remote rollback of our own pending offer lets the peer offer again (both rollbacks are the same, JSEP §5.7)', async () => {
    const { a, b } = simPeers(43);
    a.pc.createDataChannel('x');
    b.pc.createDataChannel('y');
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await a.pc.setRemoteDescription({ type: 'rollback' });
    expect(a.pc.pendingLocalDescription).toBeNull();
    await a.pc.setRemoteDescription(await b.pc.createOffer());
    expect(a.pc.signalingState).toBe('have-remote-offer');
    await a.pc.setLocalDescription({ type: 'rollback' });
    expect(a.pc.signalingState).toBe('stable');
    expect(a.pc.pendingRemoteDescription).toBeNull();
    expect(a.pc.remoteDescription).toBeNull();
    a.pc.close();
    b.pc.close();
  });
});

describe('remote rollback forgets what the rolled-back offer proposed (webrtc-pc §4.4.1.5)', () => {
  test('a first remote offer with a data section, rolled back: our own offer has no m=application', async () => {
    const { a, b } = simPeers(44);
    b.pc.createDataChannel('y');
    await a.pc.setRemoteDescription(await b.pc.createOffer());
    await a.pc.setRemoteDescription({ type: 'rollback' });
    a.pc.addTransceiver('audio');
    const offer = (await a.pc.createOffer()).sdp!;
    expect(offer).toMatch(/^m=audio /m);
    expect(offer).not.toMatch(/^m=application /m);
    a.pc.close();
    b.pc.close();
  });

  test('a remote offer rolled back in a negotiated call keeps the negotiated sections and mids', async () => {
    const { a, b } = simPeers(45);
    a.pc.createDataChannel('x');
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await b.pc.setRemoteDescription(a.pc.localDescription!);
    await b.pc.setLocalDescription(await b.pc.createAnswer());
    await a.pc.setRemoteDescription(b.pc.localDescription!);
    b.pc.addTransceiver('audio');
    await a.pc.setRemoteDescription(await b.pc.createOffer()); // adds an audio section at a
    expect(a.pc.getTransceivers()[0]?.mid).not.toBeNull();
    await a.pc.setLocalDescription({ type: 'rollback' });
    expect(a.pc.getTransceivers().every((t) => t.mid === null)).toBe(true);
    const offer = (await a.pc.createOffer()).sdp!;
    expect(offer).toMatch(/^m=application /m);
    expect(offer).not.toMatch(/^m=audio /m);
    a.pc.close();
    b.pc.close();
  });
});
