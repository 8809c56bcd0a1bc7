import { describe, expect, test } from 'vitest';
import { loadVectorFile } from '@rtcstack/test-support';
import { buildAnswer, buildOffer, parse, serialize, webrtcView, type SdpLine } from '../src/index.ts';
import { VP8, avdSpec } from './specs.ts';

const captured = Object.fromEntries(
  loadVectorFile('chromium-sdp.json').cases.map((c) => [c.id, (c.input as { sdp: string }).sdp]),
);

/** The sequence of line kinds: "m", "c", "a=mid", ... */
const shape = (lines: readonly SdpLine[]) => lines.map((l) => (l.type === 'a' ? `a=${l.attribute.name}` : l.type));

describe('builder (RFC 8829 §5.2/§5.3), lines in the order Chrome writes them', () => {
  test('a data-channel-only offer equals the one Chromium 156 made, byte for byte', () => {
    const text = captured['chromium156-offer-data-only'];
    const v = webrtcView(parse(text));
    const built = serialize(
      buildOffer({
        sessionId: v.origin.sessionId,
        ice: { ufrag: v.media[0].iceUfrag!, pwd: v.media[0].icePwd!, options: ['trickle'] },
        fingerprints: v.media[0].fingerprints,
        extmapAllowMixed: true,
        media: [{ kind: 'application', mid: '0', sctpPort: 5000, maxMessageSize: 262144 }],
      }),
    );
    expect(built).toBe(text);
  });

  test('audio, video and data sections follow the order of the captured Chromium offer', () => {
    const built = buildOffer(avdSpec);
    const chrome = parse(captured['chromium156-offer-audio-video-data']);
    expect(shape(built.session)).toEqual(shape(chrome.session));
    for (let i = 0; i < 3; i++) {
      const mine = [...new Set(shape(built.media[i].lines))];
      const theirs = [...new Set(shape(chrome.media[i].lines))];
      // Every kind of line we write is one Chrome writes there, and in the same relative order.
      expect(mine.filter((x) => !theirs.includes(x))).toEqual([]);
      expect(theirs.filter((x) => mine.includes(x))).toEqual(mine);
    }
  });

  test('the built offer parses, round-trips and reads back as specified', () => {
    const d = buildOffer(avdSpec);
    const text = serialize(d);
    expect(serialize(parse(text))).toBe(text);
    expect(text.endsWith('\r\n')).toBe(true);
    const v = webrtcView(parse(text));
    expect(v.bundle).toEqual(['0', '1', '2']);
    expect(v.extmapAllowMixed).toBe(true);
    expect(v.media.map((m) => [m.kind, m.mid, m.setup, m.iceUfrag])).toEqual([
      ['audio', '0', 'actpass', 'TJx7'],
      ['video', '1', 'actpass', 'TJx7'],
      ['application', '2', 'actpass', 'TJx7'],
    ]);
    expect(v.media[0].codecs[0]).toEqual({
      payloadType: 111,
      name: 'opus',
      clockRate: 48000,
      channels: 2,
      parameters: [{ name: 'minptime', value: '10' }, { name: 'useinbandfec', value: '1' }],
      feedback: [{ type: 'transport-cc' }],
    });
    expect(v.media[1].ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [1, 2] }]);
    expect(v.media[2]).toMatchObject({ protocol: 'UDP/DTLS/SCTP', formats: ['webrtc-datachannel'], sctpPort: 5000, maxMessageSize: 262144 });
  });

  test('answers default to setup:active and refuse actpass (RFC 8842 §5.3)', () => {
    expect(webrtcView(buildAnswer(avdSpec)).media[0].setup).toBe('active');
    expect(webrtcView(buildAnswer({ ...avdSpec, setup: 'passive' })).media[0].setup).toBe('passive');
    expect(() => buildAnswer({ ...avdSpec, setup: 'actpass' })).toThrow(/actpass/);
  });

  test('candidates, end-of-candidates, ice-lite, simulcast, bandwidth', () => {
    const d = buildOffer({
      ...avdSpec,
      ice: { ...avdSpec.ice, lite: true },
      media: [
        {
          kind: 'video',
          mid: 'v',
          direction: 'sendonly',
          codecs: [VP8],
          bandwidth: { type: 'TIAS', value: 2_000_000 },
          rids: [{ id: 'q', direction: 'send' }, { id: 'f', direction: 'send' }],
          simulcast: { send: [[{ rid: 'q', paused: false }], [{ rid: 'f', paused: false }]] },
          candidates: [{ foundation: '1', component: 1, transport: 'udp', priority: 2122260223, address: '127.0.0.1', port: 50000, type: 'host', generation: 0 }],
          endOfCandidates: true,
        },
      ],
    });
    const text = serialize(d);
    expect(text).toContain('a=ice-lite\r\n');
    expect(text).toContain('b=TIAS:2000000\r\n');
    expect(text).toContain('a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0\r\na=end-of-candidates\r\n');
    expect(text).toContain('a=rid:q send\r\na=rid:f send\r\na=simulcast:send q;f\r\n');
    expect(serialize(parse(text))).toBe(text);
  });

  test('rejects specs that cannot make a valid description', () => {
    expect(() => buildOffer({ ...avdSpec, sessionId: 'abc' })).toThrow(/sessionId/);
    expect(() => buildOffer({ ...avdSpec, media: [avdSpec.media[2], avdSpec.media[2]] })).toThrow(/duplicate mid/);
  });
});
