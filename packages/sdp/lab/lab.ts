/**
 * `npm run lab:sdp`: a real browser offer (captured from Chromium 156, test-vectors/chromium-sdp.json)
 * annotated line by line with the same printer as `npm run sdp`, then what JSEP reads out of
 * it, then an answer built for it by our builder, annotated too.
 */
import { loadVectorFile } from '@rtcstack/test-support';
import { annotate, buildAnswer, parse, parseCandidate, serialize, webrtcView, type MediaSpec } from '../src/index.ts';

const vf = loadVectorFile('chromium-sdp.json');
const c = vf.cases.find((x) => x.id === 'chromium156-offer-audio-video-data') ?? vf.cases[0];
const offerText = (c.input as { sdp: string }).sdp;
const offer = parse(offerText);

console.log(`== A real offer (${c.source}) ==\n`);
console.log(annotate(offer));

const v = webrtcView(offer);
console.log('\n== What JSEP reads out of it ==');
console.log(`BUNDLE group: ${v.bundle.join(' ')}  (all sections share one ICE/DTLS transport, RFC 8843)`);
for (const m of v.media) {
  const what = m.kind === 'application' ? `data channels, SCTP port ${m.sctpPort}, max message ${m.maxMessageSize} bytes` : `${m.codecs.length} payload types, first ${m.codecs[0]?.name}`;
  console.log(`mid ${m.mid}: ${m.kind} ${m.direction ?? ''} | ICE ${m.iceUfrag}/${m.icePwd?.slice(0, 4)}… | DTLS ${m.setup}, ${m.fingerprints[0]?.algorithm} | ${m.candidates.length} candidate(s) | ${what}`);
}

const first = v.media[0].candidates[0];
if (first) {
  console.log('\n== One candidate, field by field (RFC 8839 §5.1) ==');
  console.log(parseCandidate(`candidate:${offerText.split('a=candidate:')[1].split('\r\n')[0]}`));
}

// The answer our peer connection would send: same mids, first codec per RTP section, data section.
const media: MediaSpec[] = v.media.map((m): MediaSpec =>
  m.kind === 'application'
    ? { kind: 'application', mid: m.mid!, sctpPort: 5000, maxMessageSize: 262144 }
    : {
        kind: m.kind as 'audio' | 'video',
        mid: m.mid!,
        direction: 'recvonly',
        codecs: [{ payloadType: m.codecs[0].payloadType, name: m.codecs[0].name!, clockRate: m.codecs[0].clockRate!, ...(m.codecs[0].channels ? { channels: m.codecs[0].channels } : {}) }],
      },
);
const answer = buildAnswer({
  sessionId: '4611686018427387904',
  ice: { ufrag: 'lab0', pwd: 'labpasswordlabpassword', options: ['trickle'] },
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0')).join(':') }],
  setup: 'active',
  media,
});
console.log('\n== An answer built by packages/sdp (setup:active = we are the DTLS client) ==\n');
console.log(annotate(parse(serialize(answer))));
