/**
 * Captures real descriptions from this machine's Chromium (Debian `chromium`) for
 * test-vectors/chromium-sdp.json. NOT run by the test suite. Run as root so it can isolate
 * the browser in a network namespace that only has `lo` (nothing leaves the machine):
 *
 *   ip netns add sdpcap && ip -n sdpcap link set lo up
 *   ip netns exec sdpcap npx tsx packages/sdp/test/capture/chromium-offer.ts OUT.json
 *   ip netns del sdpcap
 *
 * It makes, inside one page: (1) an offer with audio + video (fake devices) + a data channel,
 * gathered to completion; (2) the answer a second RTCPeerConnection gives to it; (3) a video
 * offer with three simulcast encodings (rids q, h, f); (4) a data-channel-only offer. The
 * facts next to each description come from the browser's own API (transceiver mids) and from
 * plain regular expressions over the text, not from our parser.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_WEBRTC_FLAGS } from '@rtcstack/test-support';

const FLAGS = [...CHROMIUM_WEBRTC_FLAGS];

const IN_PAGE = `(async () => {
  const gathered = (pc) => new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 5000);
  });
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const a = new RTCPeerConnection();
  for (const t of stream.getTracks()) a.addTrack(t, stream);
  a.createDataChannel('chat');
  await a.setLocalDescription(await a.createOffer());
  await gathered(a);
  const offer = a.localDescription.sdp;
  const offerMids = a.getTransceivers().map((t) => t.mid);
  const b = new RTCPeerConnection();
  await b.setRemoteDescription({ type: 'offer', sdp: offer });
  const s2 = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  for (const t of s2.getTracks()) b.addTrack(t, s2);
  await b.setLocalDescription(await b.createAnswer());
  await gathered(b);
  const answer = b.localDescription.sdp;
  const c = new RTCPeerConnection();
  c.addTransceiver(stream.getVideoTracks()[0], {
    direction: 'sendonly',
    sendEncodings: [{ rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }],
  });
  const simulcast = (await c.createOffer()).sdp;
  const d = new RTCPeerConnection();
  d.createDataChannel('only');
  const dataOnly = (await d.createOffer()).sdp;
  for (const pc of [a, b, c, d]) pc.close();
  for (const t of [...stream.getTracks(), ...s2.getTracks()]) t.stop();
  return { userAgent: navigator.userAgent, offer, offerMids, answer, simulcast, dataOnly };
})()`;

const out = process.argv[2] ?? 'chromium-capture.json';
const dir = mkdtempSync(join(tmpdir(), 'sdpcap-'));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium',
  args: FLAGS,
  timeout: 30_000,
});
const timer = setTimeout(() => {
  console.error('capture timed out');
  process.exit(1);
}, 60_000);
try {
  await ctx.grantPermissions(['microphone', 'camera'], { origin: 'http://localhost' });
  const page = await ctx.newPage();
  await page.route('http://localhost/', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>sdp</title>' }));
  await page.goto('http://localhost/');
  // Passed as text: tsx would otherwise wrap inner functions in a helper the page lacks.
  const result = (await page.evaluate(IN_PAGE)) as {
    userAgent: string;
    offer: string;
    offerMids: (string | null)[];
    answer: string;
    simulcast: string;
    dataOnly: string;
  };
  const version = /Chrome\/([0-9]+)/.exec(result.userAgent)?.[1] ?? '?';
  const facts = (sdp: string) => ({
    mediaCount: (sdp.match(/^m=/gm) ?? []).length,
    mids: [...sdp.matchAll(/^a=mid:(.*?)\r?$/gm)].map((m) => m[1]),
    bundle: /^a=group:BUNDLE(.*?)\r?$/m.exec(sdp)?.[1].trim().split(' ') ?? [],
    iceUfrag: /^a=ice-ufrag:(.*?)\r?$/m.exec(sdp)?.[1],
    fingerprintAlgorithm: /^a=fingerprint:(\S+)/m.exec(sdp)?.[1],
    setup: /^a=setup:(.*?)\r?$/m.exec(sdp)?.[1],
    mLines: [...sdp.matchAll(/^m=(.*?)\r?$/gm)].map((m) => m[1]),
    sctpPort: /^a=sctp-port:([0-9]+)/m.exec(sdp)?.[1],
    maxMessageSize: /^a=max-message-size:([0-9]+)/m.exec(sdp)?.[1],
    candidates: (sdp.match(/^a=candidate:/gm) ?? []).length,
  });
  writeFileSync(
    out,
    JSON.stringify(
      {
        chromeVersion: version,
        userAgent: result.userAgent,
        offerMids: result.offerMids,
        offer: { sdp: result.offer, facts: facts(result.offer) },
        answer: { sdp: result.answer, facts: facts(result.answer) },
        simulcast: { sdp: result.simulcast, facts: facts(result.simulcast) },
        dataOnly: { sdp: result.dataOnly, facts: facts(result.dataOnly) },
      },
      null,
      2,
    ),
  );
  console.log(`captured from Chromium ${version} -> ${out}`);
} finally {
  clearTimeout(timer);
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
