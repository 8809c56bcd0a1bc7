import { describe, expect, test } from 'vitest';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import { RTCIceCandidate } from '../src/description.ts';
import { RTCError } from '../src/errors.ts';
import { negotiate, runUntil, simPeers } from './support/call.ts';
import { simTransport } from './support/sim-transport.ts';
import { Network } from '@rtcstack/test-support';

const errName = async (p: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    return (e as Error).name;
  }
  return 'resolved';
};

const fresh = () => {
  const net = new Network({ seed: 9 });
  return new RTCPeerConnection({}, { transport: simTransport(net, net.addHost('x', '10.0.0.9')) });
};

describe('webrtc-pc errors for invalid calls', () => {
  test('createAnswer in stable is InvalidStateError', async () => {
    expect(await errName(fresh().createAnswer())).toBe('InvalidStateError');
  });
  test('setRemoteDescription(answer) in stable is InvalidStateError', async () => {
    const { a, b } = simPeers(2);
    b.pc.createDataChannel('x');
    const offer = await b.pc.createOffer();
    expect(await errName(a.pc.setRemoteDescription({ type: 'answer', sdp: offer.sdp }))).toBe('InvalidStateError');
  });
  test('setLocalDescription(answer) in stable is InvalidStateError', async () => {
    const pc = fresh();
    expect(await errName(pc.setLocalDescription({ type: 'answer', sdp: 'v=0\r\n' }))).toMatch(/InvalidStateError|InvalidModificationError/);
  });
  test('local rollback in stable is InvalidStateError', async () => {
    expect(await errName(fresh().setLocalDescription({ type: 'rollback' }))).toBe('InvalidStateError');
  });
  test('remote rollback in stable is InvalidStateError', async () => {
    expect(await errName(fresh().setRemoteDescription({ type: 'rollback' }))).toBe('InvalidStateError');
  });
  test('setLocalDescription with a modified offer is InvalidModificationError', async () => {
    const pc = fresh();
    pc.createDataChannel('x');
    const offer = await pc.createOffer();
    expect(await errName(pc.setLocalDescription({ type: 'offer', sdp: offer.sdp!.replace('a=mid:0', 'a=mid:9') }))).toBe('InvalidModificationError');
  });
  test('unparseable remote SDP is an RTCError (OperationError) with errorDetail sdp-syntax-error (webrtc-pc §4.4.1.5)', async () => {
    const e = await fresh()
      .setRemoteDescription({ type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nnonsense\r\n' })
      .then(() => undefined, (x: unknown) => x as RTCError);
    expect(e).toBeInstanceOf(RTCError);
    expect(e).toBeInstanceOf(DOMException);
    expect(e?.name).toBe('OperationError');
    expect(e?.errorDetail).toBe('sdp-syntax-error');
    expect(e?.sdpLineNumber).toBeGreaterThan(0);
  });
  test('a remote offer without a fingerprint is InvalidAccessError (content invalid, webrtc-pc §4.4.1.5)', async () => {
    const { a, b } = simPeers(3);
    a.pc.createDataChannel('x');
    const offer = await a.pc.createOffer();
    const sdp = offer.sdp!.replace(/a=fingerprint:[^\r]*\r\n/g, '');
    expect(await errName(b.pc.setRemoteDescription({ type: 'offer', sdp }))).toBe('InvalidAccessError');
  });
  test('setRemoteDescription without a type is TypeError', async () => {
    expect(await errName(fresh().setRemoteDescription({} as never))).toBe('TypeError');
  });
  test('addIceCandidate before any remote description is InvalidStateError', async () => {
    expect(await errName(fresh().addIceCandidate({ candidate: 'candidate:1 1 udp 1 10.0.0.1 1 typ host', sdpMid: '0' }))).toBe('InvalidStateError');
  });
  test('addIceCandidate with neither sdpMid nor sdpMLineIndex is TypeError', async () => {
    expect(await errName(fresh().addIceCandidate({ candidate: 'candidate:1 1 udp 1 10.0.0.1 1 typ host', sdpMid: null, sdpMLineIndex: null }))).toBe('TypeError');
    expect(() => new RTCIceCandidate({ candidate: 'x' })).toThrow(TypeError);
  });
  test('addIceCandidate with an unknown mid or a wrong ufrag is OperationError', async () => {
    const { a, b } = simPeers(4);
    a.pc.createDataChannel('x');
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await b.pc.setRemoteDescription(a.pc.localDescription!);
    expect(await errName(b.pc.addIceCandidate({ candidate: 'candidate:1 1 udp 1 10.0.0.1 1 typ host', sdpMid: '7' }))).toBe('OperationError');
    expect(await errName(b.pc.addIceCandidate({ candidate: 'candidate:1 1 udp 1 10.0.0.1 1 typ host', sdpMid: '0', usernameFragment: 'nope' }))).toBe('OperationError');
    expect(await errName(b.pc.addIceCandidate({ candidate: 'candidate:1 1 udp 1 10.0.0.1 1 typ host', sdpMid: '0' }))).toBe('resolved');
    // end-of-candidates
    expect(await errName(b.pc.addIceCandidate({ candidate: '', sdpMid: '0' }))).toBe('resolved');
    expect(await errName(b.pc.addIceCandidate())).toBe('resolved');
  });
  test('a candidate queued behind a pending setRemoteDescription succeeds (operations chain)', async () => {
    const { a, b } = simPeers(5);
    a.pc.createDataChannel('x');
    await a.pc.setLocalDescription(await a.pc.createOffer());
    const p1 = b.pc.setRemoteDescription(a.pc.localDescription!);
    const p2 = b.pc.addIceCandidate({ candidate: 'candidate:1 1 udp 2122260223 10.0.0.1 4000 typ host', sdpMid: '0' });
    await expect(Promise.all([p1, p2])).resolves.toBeDefined();
  });
  test('after close(): state closed, methods throw InvalidStateError, no events', async () => {
    const pc = fresh();
    let events = 0;
    pc.onsignalingstatechange = () => events++;
    pc.onconnectionstatechange = () => events++;
    pc.close();
    expect(pc.signalingState).toBe('closed');
    expect(pc.connectionState).toBe('closed');
    expect(pc.iceConnectionState).toBe('closed');
    expect(events).toBe(0);
    expect(await errName(pc.createOffer())).toBe('InvalidStateError');
    expect(await errName(pc.setRemoteDescription({ type: 'offer', sdp: '' }))).toBe('InvalidStateError');
    expect(await errName(() => pc.createDataChannel('x'))).toBe('InvalidStateError');
    pc.close(); // idempotent
  });
  test('createDataChannel argument checks are TypeError', async () => {
    const pc = fresh();
    expect(await errName(() => pc.createDataChannel('x', { maxRetransmits: 1, maxPacketLifeTime: 1 }))).toBe('TypeError');
    expect(await errName(() => pc.createDataChannel('x', { negotiated: true }))).toBe('TypeError');
    expect(await errName(() => pc.createDataChannel('x', { id: 65535 }))).toBe('TypeError');
  });
  test('RTCDataChannel.send before open is InvalidStateError', async () => {
    const ch = fresh().createDataChannel('x');
    expect(ch.readyState).toBe('connecting');
    expect(await errName(() => ch.send('x'))).toBe('InvalidStateError');
  });
  test('bad configuration: TURN without credentials InvalidAccessError, bad URL SyntaxError', () => {
    expect(() => new RTCPeerConnection({ iceServers: [{ urls: 'turn:127.0.0.1:3478' }] })).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => new RTCPeerConnection({ iceServers: [{ urls: 'http://x' }] })).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    expect(() => new RTCPeerConnection({ bundlePolicy: 'bogus' as never })).toThrow(TypeError);
  });
  test('errors are DOMExceptions', async () => {
    try {
      await fresh().createAnswer();
    } catch (e) {
      expect(e).toBeInstanceOf(DOMException);
    }
  });
  test('negotiationneeded fires once for the first data channel, not for the second', async () => {
    const pc = fresh();
    let n = 0;
    pc.onnegotiationneeded = () => n++;
    pc.createDataChannel('a');
    pc.createDataChannel('b');
    await new Promise((r) => setImmediate(r));
    expect(n).toBe(1);
  });
  test('signalingstatechange sequence for offerer and answerer', async () => {
    const { net, a, b } = simPeers(6);
    a.pc.createDataChannel('x');
    await negotiate(a.pc, b.pc);
    expect(a.states.filter((s) => s.startsWith('signaling'))).toEqual(['signaling:have-local-offer', 'signaling:stable']);
    expect(b.states.filter((s) => s.startsWith('signaling'))).toEqual(['signaling:have-remote-offer', 'signaling:stable']);
    expect(await runUntil(net, () => a.pc.iceGatheringState === 'complete')).toBe(true);
    a.pc.close();
    b.pc.close();
  });
});
