import type { DescriptionSpec } from '../src/index.ts';

/** A realistic audio + video + data offer spec (values from the captured Chromium 156 offer). */
const OPUS = { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2, parameters: [['minptime', '10'], ['useinbandfec', '1']] as const, feedback: [{ type: 'transport-cc' }] };
export const VP8 = {
  payloadType: 96,
  name: 'VP8',
  clockRate: 90000,
  feedback: [{ type: 'goog-remb' }, { type: 'transport-cc' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }],
};
const RTX = { payloadType: 97, name: 'rtx', clockRate: 90000, parameters: [['apt', '96']] as const };
const FP = { algorithm: 'sha-256' as const, value: '81:37:E0:99:23:93:F4:B7:B8:1F:1D:BB:0D:75:39:DF:C6:5E:02:DB:41:85:B4:CC:C9:50:F9:42:49:05:DB:91' };

export const avdSpec: Omit<DescriptionSpec, 'setup'> = {
  sessionId: '7966800689027565967',
  ice: { ufrag: 'TJx7', pwd: 'TOxaME7CMPeBUvWy9zlvbIey', options: ['trickle'] },
  fingerprints: [FP],
  extmapAllowMixed: true,
  msidSemantic: ['s1'],
  media: [
    {
      kind: 'audio',
      mid: '0',
      direction: 'sendrecv',
      codecs: [OPUS, { payloadType: 0, name: 'PCMU', clockRate: 8000 }],
      extmaps: [{ id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' }, { id: 4, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }],
      msid: { stream: 's1', track: 'a1' },
      ssrcs: [{ ssrc: 1617405093, cname: 'cname1' }],
    },
    {
      kind: 'video',
      mid: '1',
      direction: 'sendrecv',
      codecs: [VP8, RTX],
      msid: { stream: 's1', track: 'v1' },
      ssrcs: [{ ssrc: 1, cname: 'cname1' }, { ssrc: 2, cname: 'cname1' }],
      ssrcGroups: [{ semantics: 'FID', ssrcs: [1, 2] }],
    },
    { kind: 'application', mid: '2', sctpPort: 5000, maxMessageSize: 262144 },
  ],
};

