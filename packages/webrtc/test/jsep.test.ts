import { describe, expect, test } from 'vitest';
import { Network, loadVectorFile } from '@rtcstack/test-support';
import { parse, webrtcView } from '@rtcstack/sdp';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import { AudioTrack } from '../src/transceiver.ts';
import { answerDirection, answerSetup, dtlsRoleFromSetup, hasGenericNack, negotiateAudioCodecs } from '../src/jsep.ts';
import { simTransport } from './support/sim-transport.ts';

const pc = () => {
  const net = new Network({ seed: 5 });
  return new RTCPeerConnection({}, { transport: simTransport(net, net.addHost('h', '10.0.0.5')) });
};
const chromium = loadVectorFile('chromium-sdp.json');
const chromeOffer = (chromium.cases.find((c) => c.id === 'chromium156-offer-audio-video-data')!.input as { sdp: string }).sdp;
const chromeDataOffer = (chromium.cases.find((c) => c.id === 'chromium156-offer-data-only')!.input as { sdp: string }).sdp;

describe('JSEP offers (RFC 8829 §5.2)', () => {
  test('initial offer: BUNDLE of every section, rtcp-mux, ICE credentials, fingerprint, actpass, codecs, sctp-port', async () => {
    const p = pc();
    p.addTrack(new AudioTrack());
    p.createDataChannel('x');
    const offer = await p.createOffer();
    const v = webrtcView(parse(offer.sdp!));
    expect(v.media.map((m) => m.kind)).toEqual(['audio', 'application']);
    expect(v.bundle).toEqual(['0', '1']);
    const [audio, data] = v.media;
    expect(audio.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audio.rtcpMux).toBe(true);
    expect(audio.setup).toBe('actpass');
    expect(audio.iceUfrag).toMatch(/^[A-Za-z0-9+/]{4,}$/);
    expect(audio.icePwd!.length).toBeGreaterThanOrEqual(22);
    expect(audio.fingerprints[0].algorithm).toBe('sha-256');
    expect(audio.direction).toBe('sendrecv');
    expect(audio.codecs.map((c) => `${c.payloadType} ${c.name}/${c.clockRate}`)).toEqual(['0 PCMU/8000', '8 PCMA/8000', '111 opus/48000']);
    expect(audio.ssrcs).toHaveLength(1);
    expect(audio.iceOptions).toContain('trickle');
    expect(data.protocol).toBe('UDP/DTLS/SCTP');
    expect(data.sctpPort).toBe(5000);
    expect(data.maxMessageSize).toBe(262144);
    p.close();
  });
  test('with nothing to negotiate the offer has no m= sections', async () => {
    const p = pc();
    const offer = await p.createOffer();
    expect(offer.sdp).not.toMatch(/^m=/m);
    p.close();
  });
});

describe('JSEP answers to a real Chromium 156 offer (test-vectors/chromium-sdp.json)', () => {
  test('audio accepted (Opus kept opaque, G.711), video rejected with port 0, data accepted, setup active', async () => {
    const p = pc();
    p.addTrack(new AudioTrack());
    await p.setRemoteDescription({ type: 'offer', sdp: chromeOffer });
    expect(p.signalingState).toBe('have-remote-offer');
    const answer = await p.createAnswer();
    const v = webrtcView(parse(answer.sdp!));
    expect(v.media.map((m) => [m.kind, m.mid])).toEqual([
      ['audio', '0'],
      ['video', '1'],
      ['application', '2'],
    ]);
    expect(v.media[1].port).toBe(0);
    expect(v.bundle).toEqual(['0', '2']);
    expect(v.media[0].setup).toBe('active');
    expect(v.media[0].codecs.map((c) => c.payloadType)).toEqual([111, 0, 8]);
    expect(v.media[0].direction).toBe('sendrecv');
    // RFC 8829 §5.3.1: Chromium offers only transport-cc for Opus and no feedback for G.711, so
    // the answer carries no a=rtcp-fb at all (we do not support transport-cc, and nack was not offered).
    expect(v.media[0].codecs.map((c) => c.feedback)).toEqual([[], [], []]);
    expect(answer.sdp).not.toMatch(/a=rtcp-fb/);
    expect(v.media[2].sctpPort).toBe(5000);
    await p.setLocalDescription(answer);
    expect(p.signalingState).toBe('stable');
    // The track event fired for the remote audio; the DTLS role is client (we answered active).
    expect(p.getTransceivers()[0].mid).toBe('0');
    expect(p.core.dtlsRole).toBe('client');
    p.close();
  });
  test('a data-only Chromium offer gets a data-only answer', async () => {
    const p = pc();
    await p.setRemoteDescription({ type: 'offer', sdp: chromeDataOffer });
    const v = webrtcView(parse((await p.createAnswer()).sdp!));
    expect(v.media.map((m) => m.kind)).toEqual(['application']);
    expect(v.media[0].setup).toBe('active');
    p.close();
  });
});

describe('JSEP rules', () => {
  test.each([
    ['sendrecv', true, true, 'sendrecv'],
    ['sendrecv', false, true, 'recvonly'],
    ['sendonly', true, true, 'recvonly'],
    ['recvonly', true, true, 'sendonly'],
    ['recvonly', false, true, 'inactive'],
    ['inactive', true, true, 'inactive'],
  ] as const)('RFC 3264 §6.1: offer %s, we send=%s recv=%s -> %s', (offered, send, recv, want) => {
    expect(answerDirection(offered, send, recv)).toBe(want);
  });
  test('RFC 8842 §5: a=setup in the answer and the DTLS role', () => {
    expect(answerSetup('actpass', undefined)).toBe('active');
    expect(answerSetup('active', undefined)).toBe('passive');
    expect(answerSetup('passive', undefined)).toBe('active');
    expect(answerSetup('actpass', 'server')).toBe('passive'); // renegotiation keeps the role
    expect(dtlsRoleFromSetup(true, 'active')).toBe('server'); // offerer, answer active
    expect(dtlsRoleFromSetup(true, 'passive')).toBe('client');
    expect(dtlsRoleFromSetup(false, 'active')).toBe('client');
  });
  test('codec negotiation keeps the offerer\'s order and payload types, drops what we do not know', () => {
    const got = negotiateAudioCodecs([
      { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2 },
      { payloadType: 9, name: 'G722', clockRate: 8000 },
      { payloadType: 8, name: 'PCMA', clockRate: 8000 },
      { payloadType: 96, name: 'pcmu', clockRate: 8000 },
    ]);
    expect(got.map((c) => `${c.payloadType} ${c.name}`)).toEqual(['111 opus', '8 PCMA', '96 PCMU']);
  });
  // RFC 8829 §5.3.1: the answer lists, per codec, only feedback the offer has for that payload
  // type and that we support (generic NACK, RFC 4585 §4.2); "nack pli" is a different mechanism.
  test.each([
    ['Chromium Opus: only transport-cc offered', { payloadType: 111, name: 'opus', clockRate: 48000, feedback: [{ type: 'transport-cc' }] }, []],
    ['G.711 with no a=rtcp-fb', { payloadType: 0, name: 'PCMU', clockRate: 8000 }, []],
    ['G.711 with nack offered', { payloadType: 0, name: 'PCMU', clockRate: 8000, feedback: [{ type: 'nack' }] }, [{ type: 'nack' }]],
    ['nack in upper case, with transport-cc', { payloadType: 8, name: 'PCMA', clockRate: 8000, feedback: [{ type: 'transport-cc' }, { type: 'NACK' }] }, [{ type: 'nack' }]],
    ['only "nack pli" offered (not generic NACK)', { payloadType: 111, name: 'opus', clockRate: 48000, feedback: [{ type: 'nack', parameter: 'pli' }] }, []],
  ] as const)('RFC 8829 §5.3.1 rtcp-fb in the answer: %s', (_name, offered, want) => {
    const [got] = negotiateAudioCodecs([offered]);
    expect(got.feedback).toEqual(want);
    expect(hasGenericNack(got)).toBe(want.length > 0);
  });
  test('RFC 8829 §5.3.1: our answer to an offer without nack has no a=rtcp-fb; with nack it echoes it', async () => {
    const offerer = pc();
    offerer.addTrack(new AudioTrack());
    const offer = (await offerer.createOffer()).sdp!;
    expect(offer).toMatch(/a=rtcp-fb:0 nack\r\n/); // we offer generic NACK for our codecs
    const answerTo = async (sdp: string) => {
      const p = pc();
      p.addTrack(new AudioTrack());
      await p.setRemoteDescription({ type: 'offer', sdp });
      const a = (await p.createAnswer()).sdp!;
      p.close();
      return a;
    };
    expect(await answerTo(offer)).toMatch(/a=rtcp-fb:0 nack\r\n/);
    const stripped = offer.replace(/a=rtcp-fb:[^\r]*\r\n/g, '');
    expect(await answerTo(stripped)).not.toMatch(/a=rtcp-fb/);
    offerer.close();
  });
  test('an answer with a=setup:actpass is rejected (InvalidAccessError: well-formed, unusable content, webrtc-pc §4.4.1.5)', async () => {
    const a = pc();
    a.createDataChannel('x');
    await a.setLocalDescription(await a.createOffer());
    const bad = a.localDescription!.sdp; // our own offer, still a=setup:actpass
    await expect(a.setRemoteDescription({ type: 'answer', sdp: bad })).rejects.toMatchObject({ name: 'InvalidAccessError' });
    a.close();
  });
});
