import { describe, expect, test } from 'vitest';
import { SIGNALING_STATES, SDP_TYPES, nextSignalingState, implicitLocalType, needsImplicitRollback, type RTCSignalingState } from '../src/signaling.ts';
import { iceConnectionState, iceGatheringState, peerConnectionState } from '../src/states.ts';
import { classifyPacket } from '../src/demux.ts';

// W3C webrtc-pc §4.3.1 (signaling state transitions figure) / RFC 8829 §3.2.
const ALLOWED: [RTCSignalingState, 'local' | 'remote', string, RTCSignalingState][] = [
  ['stable', 'local', 'offer', 'have-local-offer'],
  ['stable', 'remote', 'offer', 'have-remote-offer'],
  ['have-local-offer', 'local', 'offer', 'have-local-offer'],
  ['have-local-offer', 'local', 'rollback', 'stable'],
  // §4.4.1.5 "set the session description" step 2: rollback is refused only in stable and the
  // pranswer states, so either method rolls back a pending offer.
  ['have-local-offer', 'remote', 'rollback', 'stable'],
  ['have-remote-offer', 'local', 'rollback', 'stable'],
  ['have-local-offer', 'remote', 'answer', 'stable'],
  ['have-local-offer', 'remote', 'pranswer', 'have-remote-pranswer'],
  ['have-remote-pranswer', 'remote', 'pranswer', 'have-remote-pranswer'],
  ['have-remote-pranswer', 'remote', 'answer', 'stable'],
  ['have-remote-offer', 'remote', 'offer', 'have-remote-offer'],
  ['have-remote-offer', 'remote', 'rollback', 'stable'],
  ['have-remote-offer', 'local', 'answer', 'stable'],
  ['have-remote-offer', 'local', 'pranswer', 'have-local-pranswer'],
  ['have-local-pranswer', 'local', 'pranswer', 'have-local-pranswer'],
  ['have-local-pranswer', 'local', 'answer', 'stable'],
];

describe('signaling state machine (webrtc-pc §4.3.1)', () => {
  test.each(ALLOWED)('%s + set %s %s -> %s', (from, side, type, to) => {
    expect(nextSignalingState(from, side, type as never)).toBe(to);
  });
  // Every other combination is an InvalidStateError (undefined here).
  const all = SIGNALING_STATES.flatMap((s) => (['local', 'remote'] as const).flatMap((side) => SDP_TYPES.map((t) => [s, side, t] as const)));
  const forbidden = all.filter(([s, side, t]) => !ALLOWED.some(([a, b, c]) => a === s && b === side && c === t));
  test.each(forbidden)('%s + set %s %s is invalid', (s, side, t) => {
    expect(nextSignalingState(s, side, t)).toBeUndefined();
  });
  test('implicit setLocalDescription type (§4.4.1.6)', () => {
    expect(implicitLocalType('stable')).toBe('offer');
    expect(implicitLocalType('have-local-offer')).toBe('offer');
    expect(implicitLocalType('have-remote-pranswer')).toBe('offer');
    expect(implicitLocalType('have-remote-offer')).toBe('answer');
    expect(implicitLocalType('have-local-pranswer')).toBe('answer');
  });
  test('a remote offer in have-local-offer rolls back first (glare)', () => {
    expect(needsImplicitRollback('have-local-offer', 'offer')).toBe(true);
    expect(needsImplicitRollback('stable', 'offer')).toBe(false);
    expect(needsImplicitRollback('have-local-offer', 'answer')).toBe(false);
  });
});

describe('RTCPeerConnectionState (webrtc-pc §4.3.3)', () => {
  test.each([
    { closed: true, ice: ['connected'], dtls: ['connected'], want: 'closed' },
    { closed: false, ice: ['failed'], dtls: ['connected'], want: 'failed' },
    { closed: false, ice: ['connected'], dtls: ['failed'], want: 'failed' },
    { closed: false, ice: ['disconnected'], dtls: ['connected'], want: 'disconnected' },
    { closed: false, ice: ['new'], dtls: ['new'], want: 'new' },
    { closed: false, ice: [], dtls: [], want: 'new' },
    { closed: false, ice: ['checking'], dtls: ['new'], want: 'connecting' },
    { closed: false, ice: ['connected'], dtls: ['connecting'], want: 'connecting' },
    { closed: false, ice: ['connected'], dtls: ['connected'], want: 'connected' },
    { closed: false, ice: ['completed'], dtls: ['connected'], want: 'connected' },
    { closed: false, ice: ['connected'], dtls: ['closed'], want: 'connected' },
    { closed: false, ice: ['closed'], dtls: ['closed'], want: 'new' },
  ] as const)('ice $ice dtls $dtls closed=$closed -> $want', ({ closed, ice, dtls, want }) => {
    expect(peerConnectionState(closed, ice, dtls)).toBe(want);
  });
});

describe('RTCIceConnectionState (webrtc-pc §4.3.2)', () => {
  test.each([
    { closed: true, ice: ['connected'], want: 'closed' },
    { closed: false, ice: ['failed', 'connected'], want: 'failed' },
    { closed: false, ice: ['disconnected', 'connected'], want: 'disconnected' },
    { closed: false, ice: ['new', 'closed'], want: 'new' },
    { closed: false, ice: ['checking', 'connected'], want: 'checking' },
    { closed: false, ice: ['new', 'connected'], want: 'checking' },
    { closed: false, ice: ['completed', 'closed'], want: 'completed' },
    { closed: false, ice: ['completed', 'connected'], want: 'connected' },
  ] as const)('$ice -> $want', ({ closed, ice, want }) => {
    expect(iceConnectionState(closed, ice)).toBe(want);
  });
  test('gathering state', () => {
    expect(iceGatheringState([])).toBe('new');
    expect(iceGatheringState(['new'])).toBe('new');
    expect(iceGatheringState(['gathering', 'complete'])).toBe('gathering');
    expect(iceGatheringState(['complete'])).toBe('complete');
  });
});

describe('RFC 7983 §7 demultiplexing by first byte', () => {
  test.each([
    { first: [0x00, 0x01], want: 'stun' },
    { first: [0x01, 0x01], want: 'stun' },
    { first: [0x03, 0x00], want: 'stun' },
    { first: [0x04, 0x00], want: 'unknown' },
    { first: [16, 0], want: 'zrtp' },
    { first: [19, 0], want: 'zrtp' },
    { first: [20, 0xfe], want: 'dtls' }, // change_cipher_spec
    { first: [22, 0xfe], want: 'dtls' }, // handshake
    { first: [23, 0xfe], want: 'dtls' }, // application_data
    { first: [63, 0], want: 'dtls' },
    { first: [64, 0], want: 'turn-channel' },
    { first: [79, 0], want: 'turn-channel' },
    { first: [80, 0], want: 'unknown' },
    { first: [127, 0], want: 'unknown' },
    { first: [0x80, 0x00], want: 'rtp' }, // PCMU
    { first: [0x80, 0x80], want: 'rtp' }, // marker + PCMU
    { first: [0x80, 0x6f], want: 'rtp' }, // opus 111
    { first: [0x80, 200], want: 'rtcp' }, // SR (RFC 5761 §4)
    { first: [0x81, 201], want: 'rtcp' }, // RR
    { first: [0x81, 205], want: 'rtcp' }, // RTPFB (NACK)
    { first: [0x80, 192], want: 'rtcp' },
    { first: [0x80, 223], want: 'rtcp' },
    { first: [0x80, 224], want: 'rtp' },
    { first: [191, 0], want: 'rtp' },
    { first: [192, 0], want: 'unknown' },
    { first: [255, 0], want: 'unknown' },
    { first: [], want: 'unknown' },
    { first: [0x80], want: 'unknown' },
  ])('$first -> $want', ({ first, want }) => {
    expect(classifyPacket(new Uint8Array(first))).toBe(want);
  });
});
