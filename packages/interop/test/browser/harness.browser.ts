/**
 * The harness itself against the real browser, before any peer connection of ours exists:
 * Chromium (flags and permissions from DESIGN.md) offers 127.0.0.1 host candidates, and calls a
 * peer built from our layers (src/minimal-peer.ts): ICE checks answered, DTLS 1.2 completed with
 * each SRTP profile Chromium offers, its SCTP INIT and DCEP OPEN received and decoded.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeHandshakeFragments, decodeRecords, type SrtpProfileName } from '@rtcstack/dtls';
import { ChunkType, decodeDcep, decodePacket, type AnyChunk, type DataChunk, type InitChunk } from '@rtcstack/sctp';
import { decodeMessage } from '@rtcstack/stun';
import { NETNS_ENV } from '../../src/index.ts';
import { chromiumAvailable, launchChromium, type ChromiumSession } from '../support/chromium.ts';
import { MinimalAnsweringPeer } from '../support/minimal-peer.ts';
import { BrowserPeer } from '../support/page-helper.ts';

const USE_CANDIDATE = 0x0025; // RFC 8445 §16.1
const GOOG_NETWORK_INFO = 0xc057; // Chromium's vendor attribute (network id and cost)

let session: ChromiumSession | undefined;

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('REQUIRE_REAL_PEERS is set but /usr/bin/chromium is missing');
  session = await launchChromium();
});
afterAll(async () => {
  await session?.close();
});

/** Chromium offers (audio + a data channel); our minimal peer answers as DTLS server. */
async function callMinimalPeer(profiles: readonly SrtpProfileName[]): Promise<{ chrome: BrowserPeer; peer: MinimalAnsweringPeer }> {
  if (!session) throw new Error('no browser');
  const chrome = await BrowserPeer.create(session.page);
  const peer = new MinimalAnsweringPeer({ srtpProfiles: profiles });
  await peer.bind();
  await chrome.addMicrophone();
  await chrome.createChannel('probe');
  const offer = await chrome.offer();
  await chrome.waitForGatheringComplete();
  const { sdp, candidates } = peer.answer(offer);
  await chrome.setAnswer(sdp);
  for (const c of candidates) await chrome.addCandidate(c, '0');
  for (const c of chrome.candidates()) if (c && / udp /.test(c)) peer.addRemoteCandidate(c);
  await peer.until(() => peer.sctpIn.length >= 3 || !!peer.dtlsError, 15_000, 'INIT, COOKIE ECHO and DCEP OPEN from Chromium');
  return { chrome, peer };
}

describe('Chromium through the harness', () => {
  test('offers 127.0.0.1 host candidates (loopback allowed, media permission granted)', async () => {
    const chrome = await BrowserPeer.create(session!.page);
    try {
      await chrome.addMicrophone();
      await chrome.createChannel('c');
      await chrome.offer();
      await chrome.waitForGatheringComplete();
      const udp = chrome.candidates().filter((c): c is string => !!c && / udp /.test(c));
      expect(udp.length).toBeGreaterThan(0);
      const loopback = / 127\.0\.0\.1 \d+ typ host/;
      expect(udp.some((c) => loopback.test(c))).toBe(true);
      expect(udp.some((c) => c.includes('.local'))).toBe(false);
      // In the namespace `lo` is the only interface, so loopback is all there is.
      if (process.env[NETNS_ENV]?.startsWith('rtcstack-')) for (const c of udp) expect(c).toMatch(loopback);
    } finally {
      await chrome.close();
    }
  });

  const profiles: SrtpProfileName[] = ['SRTP_AEAD_AES_128_GCM', 'SRTP_AEAD_AES_256_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'];
  for (const profile of profiles) {
    test(`calls our layers: ICE, DTLS 1.2 with ${profile}, SCTP INIT, DCEP OPEN, SRTP media`, async () => {
      const { chrome, peer } = await callMinimalPeer([profile]);
      try {
        expect(peer.dtlsError).toBeUndefined();
        // ICE: Chromium's first check already nominates (aggressive) and carries its vendor attribute.
        const stun = decodeMessage(peer.firstStun!);
        expect(stun.class).toBe('request');
        const types = stun.attributes.map((a) => a.type);
        expect(types).toContain(USE_CANDIDATE);
        expect(types).toContain(GOOG_NETWORK_INFO);
        // DTLS: the ClientHello offers 1.3 but Chromium settles for our 1.2 (RFC 6347) and the profile.
        const first = decodeRecords(peer.dtlsIn[0].data)[0];
        expect(decodeHandshakeFragments(first.fragment)[0].msgType).toBe(1);
        expect(peer.connected?.srtpProfile).toBe(profile);
        // Chromium's own view agrees.
        const stats = await chrome.stats();
        const transport = stats.find((s) => s.type === 'transport');
        expect(transport?.dtlsState).toBe('connected');
        expect(transport?.tlsVersion).toBe('FEFD');
        expect(transport?.srtpCipher).toBe(profile); // Chromium reports the RFC 5764/7714 name
        // SCTP over DTLS (RFC 8261): INIT asks for 65535 streams, FORWARD-TSN and RE-CONFIG.
        const chunks: AnyChunk[] = peer.sctpIn.flatMap((r) => [...decodePacket(r.data).chunks]);
        const init = chunks.find((c): c is InitChunk => c.type === ChunkType.INIT);
        expect(init?.outboundStreams).toBe(65535);
        expect(init?.params.some((p) => p.kind === 'forwardTsnSupported')).toBe(true);
        const ext = init?.params.find((p) => p.kind === 'supportedExtensions');
        expect(ext && ext.kind === 'supportedExtensions' ? ext.chunkTypes : []).toEqual(expect.arrayContaining([ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN]));
        const data = chunks.find((c): c is DataChunk => c.type === ChunkType.DATA);
        const open = decodeDcep(data!.userData);
        expect(open.type === 3 && open.label).toBe('probe');
        // SRTP (RFC 3711 / RFC 7714) keyed from this handshake: Chromium's microphone authenticates.
        await peer.until(() => peer.media.rtp >= 25, 10_000, 'SRTP from Chromium');
        expect(peer.media.failed).toBe(0);
      } finally {
        peer.close();
        await chrome.close();
      }
    });
  }
});
