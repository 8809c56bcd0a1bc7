/**
 * The Chromium interop matrix (issue 9): our RTCPeerConnection and Chromium 156 in one page, each
 * test in both directions (our peer offers: Chromium is DTLS client; Chromium offers: we are).
 * One browser for the whole file; one call per direction for the data-channel and audio tests,
 * fresh calls for renegotiation, ICE restart and hang-up.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCDataChannel } from '@rtcstack/webrtc';
import { AudioTrack } from '@rtcstack/webrtc';
import { chromiumAvailable, launchChromium, type ChromiumSession } from '../support/chromium.ts';
import {
  DIRECTIONS,
  browserCall,
  browserMessages,
  browserOpened,
  byteSum,
  collect,
  offererName,
  ourChannel,
  pattern,
  until,
  type BrowserCall,
  type Direction,
} from '../support/call-support.ts';
import type { StatsEntry } from '../support/page-helper.ts';
import { defineDataChannelTests } from '../support/data-channel-matrix.ts';

let session: ChromiumSession;
const negotiatedProfiles = new Set<string>();

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('REQUIRE_REAL_PEERS is set but /usr/bin/chromium is missing');
  session = await launchChromium();
});
afterAll(async () => {
  await session?.close();
});

for (const direction of DIRECTIONS) {
  describe(`Chromium, ${offererName(direction)}`, () => {
    let call: BrowserCall;
    beforeAll(async () => {
      call = await browserCall(session.page, direction);
    });
    afterAll(async () => {
      await call?.close();
    });

    defineDataChannelTests(direction, () => ({ ours: call.ours, remote: call.chrome, chat: call.chat }));

    test("audio both ways: our G.711 tone plays in Chromium; Chromium's Opus passes our SRTP and RTCP", async () => {
      negotiatedProfiles.add(await expectAudioBothWays(call, direction));
    }, 30_000);
  });
}

// Our peer offers only AEAD_AES_256_GCM (RFC 7714 §14.2) in use_srtp: Chromium offers it too (its
// ClientHello lists it, chromium-dtls.json), so either DTLS role must settle on it.
for (const direction of DIRECTIONS) {
  describe(`Chromium, SRTP_AEAD_AES_256_GCM, ${offererName(direction)}`, () => {
    let call: BrowserCall;
    beforeAll(async () => {
      call = await browserCall(session.page, direction, { chat: false, srtpProfiles: ['SRTP_AEAD_AES_256_GCM'] });
    });
    afterAll(async () => {
      await call?.close();
    });

    test('audio both ways under AEAD_AES_256_GCM (both sides report it)', async () => {
      const cipher = await expectAudioBothWays(call, direction);
      expect(cipher).toBe('SRTP_AEAD_AES_256_GCM');
      const ours = [...(await call.ours.pc.getStats()).values()].find((s) => s.type === 'transport');
      expect(ours?.srtpCipher).toBe('SRTP_AEAD_AES_256_GCM');
      negotiatedProfiles.add(cipher);
    }, 30_000);
  });
}

// Chromium's audio resent on our NACKs: generic NACK negotiated for real (Chromium 156 offers and
// answers only transport-cc for Opus, so its description is munged to add a=rtcp-fb:<pt> nack for
// each audio codec; our side lists it too, RFC 4585 §4.2). 5 % of its SRTP dropped and the rest
// delayed 40 ms at our socket, so our peer NACKs (RFC 4585 §6.2.1), Chromium retransmits (same SSRC
// and sequence number), and a resend slower than our retry interval comes twice. Everything must
// still authenticate; the second copies are replays (RFC 3711 §3.3.2).
for (const direction of DIRECTIONS) {
  describe(`Chromium resends lost audio, ${offererName(direction)}`, () => {
    test("negotiated NACK: loss repaired by Chromium's resends; repeats dropped as replays, never as authentication failures", async () => {
      const call = await browserCall(session.page, direction, { chat: false, impair: { loss: 0.05, delayMs: 40 }, browserNack: true });
      try {
        for (const sdp of [call.ours.pc.localDescription?.sdp, call.ours.pc.remoteDescription?.sdp]) {
          expect(sdp).toMatch(/^a=rtpmap:111 opus\/48000\/2\r?$/m);
          expect(sdp).toMatch(/^a=rtcp-fb:111 nack\r?$/m);
        }
        await until(() => call.ours.media.rtp > 150, 15_000, 'Opus RTP at our peer');
        const stats = await call.chrome.stats();
        const out = stats.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
        const inbound = [...(await call.ours.pc.getStats()).values()].find((s) => s.type === 'inbound-rtp');
        expect(Number(inbound?.nackCount), 'NACK packets we sent').toBeGreaterThan(0);
        expect(Number(out?.nackCount), 'NACK packets Chromium received').toBeGreaterThan(0);
        expect(Number(out?.retransmittedPacketsSent), 'packets Chromium resent').toBeGreaterThan(0);
        expectSrtpClean(call, stats);
      } finally {
        await call.close();
      }
    }, 30_000);
  });
}

describe('Chromium, across both directions', () => {
  test('each SRTP profile Chromium offers is negotiated with our RTCPeerConnection', () => {
    // Default profiles: Chromium as DTLS client lets our server pick AEAD_AES_128_GCM; as server it
    // picks AES_CM_128_HMAC_SHA1_80. AEAD_AES_256_GCM when our peer offers only that.
    expect([...negotiatedProfiles].sort()).toEqual(['SRTP_AEAD_AES_128_GCM', 'SRTP_AEAD_AES_256_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80']);
  });
});

for (const direction of DIRECTIONS) {
  describe(`Chromium mid-call changes, ${offererName(direction)}`, () => {
    test('renegotiation adds a data channel and a track mid-call', async () => {
      const call = await browserCall(session.page, direction, { ourAudio: false, browserAudio: false });
      try {
        // A track from the side that offers again (our tone, or Chromium's microphone) and a new channel.
        if (direction === 'ours') call.ours.pc.addTrack(new AudioTrack('tone'));
        else await call.chrome.addMicrophone();
        await call.link.negotiate(direction);
        if (direction === 'ours') {
          await call.chrome.waitFor((e) => e.type === 'track' && e.kind === 'audio', 10_000, 'Chromium ontrack');
          let packets = 0;
          const poll = async () => Number((await call.chrome.stats()).find((s) => s.type === 'inbound-rtp')?.packetsReceived ?? 0);
          const end = Date.now() + 10_000;
          while ((packets = await poll()) <= 20 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
          expect(packets).toBeGreaterThan(20);
        } else {
          await until(() => call.ours.media.rtp > 20, 10_000, 'Opus RTP at our peer');
          expect(call.ours.pc.core.stats.srtpFailures).toBe(0);
        }
        const ch = call.ours.pc.createDataChannel('after-renegotiation');
        await ourChannel(call.ours, 'after-renegotiation', ch);
        await browserOpened(call.chrome, 'after-renegotiation');
        ch.send('still here');
        await call.chrome.waitFor((e) => e.type === 'message' && e.label === 'after-renegotiation', 5_000, 'message after renegotiation');
      } finally {
        await call.close();
      }
    }, 40_000);

    test('ICE restart mid-call keeps the call (new credentials, messages still flow)', async () => {
      const call = await browserCall(session.page, direction, { ourAudio: false, browserAudio: false });
      try {
        const ufrag = (sdp: string | undefined) => /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1];
        const oursBefore = ufrag(call.ours.pc.localDescription?.sdp);
        const theirsBefore = ufrag(call.ours.pc.remoteDescription?.sdp);
        await call.link.negotiate(direction, { iceRestart: true });
        expect(ufrag(call.ours.pc.localDescription?.sdp)).not.toBe(oursBefore);
        expect(ufrag(call.ours.pc.remoteDescription?.sdp)).not.toBe(theirsBefore);
        await until(() => call.ours.pc.iceConnectionState === 'connected' || call.ours.pc.iceConnectionState === 'completed', 10_000, 'ICE connected again');
        const got = collect(call.chat);
        const before = browserMessages(call.chrome, 'chat').length;
        call.chat.send('after restart');
        await call.chrome.send('chat', 'after restart too');
        await until(() => browserMessages(call.chrome, 'chat').length > before && got.length > 0, 10_000, 'messages after the restart');
        // Chromium's stats show a nominated, succeeded pair again (they may lag the messages).
        let pair: unknown;
        const end = Date.now() + 5_000;
        while (!pair && Date.now() < end) {
          pair = (await call.chrome.stats()).find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
          if (!pair) await new Promise((r) => setTimeout(r, 100));
        }
        expect(pair).toBeDefined();
      } finally {
        await call.close();
      }
    }, 40_000);

    test('hang-up by our side is seen by Chromium as closed', async () => {
      const call = await browserCall(session.page, direction, { ourAudio: false, browserAudio: false });
      try {
        call.ours.pc.close();
        await call.chrome.waitFor((e) => e.type === 'channel' && e.label === 'chat' && e.event === 'close', 10_000, 'Chromium channel close');
        let dtls = '';
        const end = Date.now() + 10_000;
        while (dtls !== 'closed' && Date.now() < end) {
          dtls = String((await call.chrome.stats()).find((s) => s.type === 'transport')?.dtlsState);
          if (dtls !== 'closed') await new Promise((r) => setTimeout(r, 100));
        }
        expect(dtls).toBe('closed'); // our close_notify (RFC 5246 §7.2.1) reached it
      } finally {
        await call.close();
      }
    });

    test('hang-up by Chromium is seen by our side as closed', async () => {
      const call = await browserCall(session.page, direction, { ourAudio: false, browserAudio: false });
      try {
        let closed = false;
        call.chat.addEventListener('close', () => (closed = true));
        await call.chrome.close();
        await until(() => closed && call.chat.readyState === 'closed', 10_000, 'our channel closed');
        await until(() => call.ours.pc.core.dtlsState === 'closed', 10_000, 'our DTLS transport closed by close_notify');
      } finally {
        await call.close();
      }
    });
  });
}

/**
 * Audio both ways on a connected call: our G.711 tone plays in Chromium (inbound-rtp
 * packetsReceived grows, packetsLost near zero, audioLevel > 0) and Chromium's Opus passes our
 * SRTP (no failure) and RTCP (every compound parses). Returns Chromium's transport srtpCipher.
 */
async function expectAudioBothWays(call: BrowserCall, direction: Direction): Promise<string> {
  const inbound = async () => (await call.chrome.stats()).find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
  await until(() => call.ours.media.rtp > 50, 10_000, 'RTP from Chromium');
  const first = await inbound();
  await new Promise((r) => setTimeout(r, 1500));
  const later = await inbound();
  expect(Number(later?.packetsReceived)).toBeGreaterThan(Number(first?.packetsReceived) + 50);
  // Near zero: none in a quiet 1.5 s window, at most 2 % over the call (data bursts before).
  expect(Number(later?.packetsLost) - Number(first?.packetsLost)).toBeLessThanOrEqual(1);
  expect(Number(later?.packetsLost)).toBeLessThanOrEqual(Math.ceil(Number(later?.packetsReceived) * 0.02));
  expect(Number(later?.audioLevel)).toBeGreaterThan(0);
  const codec = (await call.chrome.stats()).find((s) => s.id === later?.codecId);
  expect(String(codec?.mimeType)).toMatch(/audio\/(PCMU|PCMA)/);
  // Chromium's fake microphone: every packet authenticated, every RTCP compound parses.
  expectSrtpClean(call, await call.chrome.stats());
  await until(() => call.ours.media.rtcp > 0, 10_000, 'RTCP from Chromium');
  const transport = (await call.chrome.stats()).find((s) => s.type === 'transport');
  expect(transport?.dtlsRole).toBe(direction === 'ours' ? 'client' : 'server');
  return String(transport?.srtpCipher);
}

/**
 * No SRTP/SRTCP from Chromium failed authentication or parsing. The only drops allowed are replays
 * (RFC 3711 §3.3.2) of byte-identical copies: when a resend is slower than our NACK retry (a
 * loaded machine), Chromium answers both NACKs and the second copy is a replay, correctly dropped.
 */
function expectSrtpClean(call: BrowserCall, chromeStats: readonly StatsEntry[]): void {
  const m = call.ours.media;
  const srtp = call.ours.pc.core.srtp?.stats;
  const out = chromeStats.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
  const why = `SRTP in ${m.srtpIn} -> RTP out ${m.rtp}, SRTCP in ${m.srtcpIn} -> RTCP out ${m.rtcp}, exact repeats ${m.srtpDuplicates}; srtp ${JSON.stringify(srtp)}; Chromium nackCount ${String(out?.nackCount)} retransmitted ${String(out?.retransmittedPacketsSent)}`;
  expect(srtp, why).toBeDefined();
  expect(srtp?.authFailed, why).toBe(0);
  expect(srtp?.parseErrors, why).toBe(0);
  expect(srtp?.unknownSsrc, why).toBe(0);
  expect(srtp?.replayed, why).toBe(m.srtpDuplicates);
  expect(call.ours.pc.core.stats.srtpFailures, why).toBe(srtp?.replayed);
  expect(m.rtcpErrors).toEqual([]);
}
