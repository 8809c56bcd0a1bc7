/**
 * Captures what this machine's Chromium sends when it calls a peer made of our layers (see
 * test/support/minimal-peer.ts): its DTLS ClientHello datagrams (before and after our HelloVerifyRequest)
 * and its SCTP packets (INIT, COOKIE ECHO, DCEP DATA_CHANNEL_OPEN) as decrypted from DTLS
 * application data. NOT run by the test suite. As root it isolates itself (lo only):
 *
 *   npx tsx packages/interop/src/cli/isolated.ts -- npx tsx packages/interop/test/capture/chromium-dtls-sctp.ts OUT.json
 *
 * OUT.json is raw material; test-vectors/chromium-dtls.json and chromium-sctp.json hold the
 * datagrams copied from it, cited "captured from Chromium 156".
 */
import { writeFileSync } from 'node:fs';
import { launchChromium } from '../support/chromium.ts';
import { MinimalAnsweringPeer } from '../support/minimal-peer.ts';
import { BrowserPeer } from '../support/page-helper.ts';

const out = process.argv[2] ?? 'chromium-dtls-sctp-capture.json';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const guard = setTimeout(() => {
  console.error('capture timed out');
  process.exit(1);
}, 60_000);

const session = await launchChromium();
const peer = new MinimalAnsweringPeer();
try {
  await peer.bind();
  const chrome = await BrowserPeer.create(session.page);
  await chrome.addMicrophone();
  await chrome.createChannel('capture');
  const offer = await chrome.offer();
  await chrome.waitForGatheringComplete();
  const { sdp, candidates } = peer.answer(offer);
  await chrome.setAnswer(sdp);
  for (const c of candidates) await chrome.addCandidate(c, '0');
  for (const c of chrome.candidates()) if (c && / udp /.test(c)) peer.addRemoteCandidate(c);
  // INIT, COOKIE ECHO, then DATA (DCEP OPEN) once our INIT ACK / COOKIE ACK went back.
  await peer.until(() => peer.sctpIn.length >= 3 || !!peer.dtlsError, 20_000, 'three SCTP packets from Chromium');
  if (peer.dtlsError) throw new Error(`DTLS failed: ${peer.dtlsError}`);
  const stats = await chrome.stats();
  const transport = stats.find((s) => s.type === 'transport');
  writeFileSync(
    out,
    JSON.stringify(
      {
        chromeVersion: session.version,
        offer,
        answer: sdp,
        firstStun: peer.firstStun ? hex(peer.firstStun) : undefined,
        dtls: peer.dtlsIn.map((r) => hex(r.data)),
        sctp: peer.sctpIn.map((r) => hex(r.data)),
        negotiated: { srtpProfile: peer.connected?.srtpProfile, cipherSuite: peer.connected?.cipherSuite },
        chromiumTransport: transport,
      },
      null,
      2,
    ),
  );
  console.log(`captured from Chromium ${session.version}: ${peer.dtlsIn.length} DTLS datagrams, ${peer.sctpIn.length} SCTP packets -> ${out}`);
} finally {
  clearTimeout(guard);
  peer.close();
  await session.close();
}
