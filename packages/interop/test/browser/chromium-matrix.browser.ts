/**
 * The Chromium interop matrix (issue 9): our RTCPeerConnection and Chromium 156 in one page, each
 * test in both directions (our peer offers: Chromium is DTLS client; Chromium offers: we are).
 * One browser for the whole file; one call per direction for the data-channel and audio tests,
 * fresh calls for renegotiation, ICE restart and hang-up.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RTCDataChannel } from '@rtcstack/webrtc';
import { AudioTrack } from '@rtcstack/webrtc';
import { chromiumAvailable, launchChromium, type ChromiumSession } from '../../src/index.ts';
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
} from './call-support.ts';

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

    test('the data channel opens on both sides, with the same id', async () => {
      const open = await browserOpened(call.chrome, 'chat');
      expect(call.chat.readyState).toBe('open');
      expect(open.id).toBe(call.chat.id);
      // RFC 8832 §6: the DTLS client uses even stream ids, the server odd ones. The offerer made
      // "chat", and the offerer is the DTLS server here (both answerers say a=setup:active).
      expect(call.chat.id! % 2).toBe(1);
    });

    test('text and binary messages both ways', async () => {
      const got = collect(call.chat);
      call.chat.send('hello from rtcstack ✓');
      call.chat.send(Uint8Array.from([0, 1, 2, 0xfe, 0xff]));
      await call.chrome.send('chat', 'hello from chromium ✓');
      await call.chrome.send('chat', Uint8Array.from([9, 8, 7]));
      await until(() => browserMessages(call.chrome, 'chat').length >= 2, 5_000, 'Chromium to receive 2 messages');
      await until(() => got.length >= 2, 5_000, 'our peer to receive 2 messages');
      const b = browserMessages(call.chrome, 'chat');
      expect(b[0].text).toBe('hello from rtcstack ✓');
      expect(b[1].binary).toBe('000102feff');
      expect(got[0]).toBe('hello from chromium ✓');
      expect(Buffer.from(got[1] as Uint8Array).toString('hex')).toBe('090807');
    });

    test('64 KiB messages both ways', async () => {
      const got = collect(call.chat);
      const before = browserMessages(call.chrome, 'chat').length;
      const big = pattern(65536);
      call.chat.send(big);
      await call.chrome.sendSize('chat', 65536);
      await until(() => browserMessages(call.chrome, 'chat').length > before, 10_000, 'Chromium to receive 64 KiB');
      await until(() => got.length >= 1, 10_000, 'our peer to receive 64 KiB');
      const b = browserMessages(call.chrome, 'chat')[before];
      expect(b.size).toBe(65536);
      expect(b.sum).toBe(byteSum(big));
      expect(Buffer.from(got[0] as Uint8Array).equals(Buffer.from(big))).toBe(true);
    });

    test('1,000 messages in order, both ways', async () => {
      const got = collect(call.chat);
      const before = browserMessages(call.chrome, 'chat').length;
      for (let i = 0; i < 1000; i++) call.chat.send(`n${i}`);
      await call.chrome.sendMany('chat', 'c', 1000);
      await until(() => browserMessages(call.chrome, 'chat').length >= before + 1000, 20_000, 'Chromium to receive 1000');
      await until(() => got.length >= 1000, 20_000, 'our peer to receive 1000');
      expect(browserMessages(call.chrome, 'chat').slice(before).map((m) => m.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `n${i}`));
      expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => `c${i}`));
    }, 40_000);

    test('unordered and partially reliable channels, opened from each side (DCEP, RFC 8832)', async () => {
      const kinds = [
        { label: 'unordered', init: { ordered: false } },
        { label: 'rexmit0', init: { ordered: false, maxRetransmits: 0 } },
        { label: 'lifetime', init: { maxPacketLifeTime: 500 } },
      ];
      for (const k of kinds) {
        // Ours opens "<label>-o", Chromium opens "<label>-c": each side sees the other's parameters.
        const mine = call.ours.pc.createDataChannel(`${k.label}-o`, k.init);
        await call.chrome.createChannel(`${k.label}-c`, k.init);
        const seen = await call.chrome.waitFor((e) => e.type === 'channel' && e.label === `${k.label}-o` && e.event === 'remote', 10_000, 'remote channel at Chromium');
        const theirs = await ourChannel(call.ours, `${k.label}-c`);
        await ourChannel(call.ours, mine.label, mine);
        if (seen.type !== 'channel') throw new Error('unreachable');
        expect({ ordered: seen.ordered, maxRetransmits: seen.maxRetransmits, maxPacketLifeTime: seen.maxPacketLifeTime }).toEqual({
          ordered: k.init.ordered ?? true,
          maxRetransmits: k.init.maxRetransmits ?? null,
          maxPacketLifeTime: k.init.maxPacketLifeTime ?? null,
        });
        expect({ ordered: theirs.ordered, maxRetransmits: theirs.maxRetransmits, maxPacketLifeTime: theirs.maxPacketLifeTime }).toEqual({
          ordered: k.init.ordered ?? true,
          maxRetransmits: k.init.maxRetransmits ?? null,
          maxPacketLifeTime: k.init.maxPacketLifeTime ?? null,
        });
        // Loopback loses nothing: every message arrives (in any order when unordered).
        await browserOpened(call.chrome, `${k.label}-o`);
        await browserOpened(call.chrome, `${k.label}-c`);
        const got = collect(theirs);
        for (let i = 0; i < 50; i++) mine.send(`${k.label}${i}`);
        await call.chrome.sendMany(`${k.label}-c`, 'x', 50);
        await until(() => browserMessages(call.chrome, `${k.label}-o`).length >= 50, 10_000, `Chromium ${k.label} messages`);
        await until(() => got.length >= 50, 10_000, `our ${k.label} messages`);
        expect(new Set(browserMessages(call.chrome, `${k.label}-o`).map((m) => m.text))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `${k.label}${i}`)));
        expect(new Set(got)).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `x${i}`)));
      }
    });

    test('negotiated channels (same id on both sides, no DCEP)', async () => {
      const id = direction === 'ours' ? 40 : 41;
      const mine = call.ours.pc.createDataChannel('neg', { negotiated: true, id });
      await call.chrome.createChannel('neg', { negotiated: true, id });
      await ourChannel(call.ours, 'neg', mine);
      const open = await browserOpened(call.chrome, 'neg');
      expect(open.negotiated).toBe(true);
      expect(open.id).toBe(id);
      const got = collect(mine);
      mine.send('over negotiated');
      await call.chrome.send('neg', 'back over negotiated');
      await until(() => browserMessages(call.chrome, 'neg').length >= 1 && got.length >= 1, 5_000, 'negotiated messages');
      expect(browserMessages(call.chrome, 'neg')[0].text).toBe('over negotiated');
      expect(got[0]).toBe('back over negotiated');
    });

    test('a channel closed by our side closes at Chromium, and one closed by Chromium closes at ours', async () => {
      const a = call.ours.pc.createDataChannel('close-by-us');
      await ourChannel(call.ours, 'close-by-us', a);
      await browserOpened(call.chrome, 'close-by-us');
      a.close();
      await call.chrome.waitFor((e) => e.type === 'channel' && e.label === 'close-by-us' && e.event === 'close', 10_000, 'Chromium sees close');
      await until(() => a.readyState === 'closed', 5_000, 'our channel closed');

      await call.chrome.createChannel('close-by-chromium');
      const b: RTCDataChannel = await ourChannel(call.ours, 'close-by-chromium');
      await browserOpened(call.chrome, 'close-by-chromium');
      let closeEvent = false;
      b.addEventListener('close', () => (closeEvent = true));
      await call.chrome.closeChannel('close-by-chromium');
      await until(() => closeEvent && b.readyState === 'closed', 10_000, 'our channel sees close');
      // The call goes on.
      expect(call.chat.readyState).toBe('open');
    });

    test("audio both ways: our G.711 tone plays in Chromium; Chromium's Opus passes our SRTP and RTCP", async () => {
      const inbound = async () => (await call.chrome.stats()).find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
      await until(() => call.ours.media.rtp > 50, 10_000, 'RTP from Chromium');
      const first = await inbound();
      await new Promise((r) => setTimeout(r, 1500));
      const later = await inbound();
      expect(Number(later?.packetsReceived)).toBeGreaterThan(Number(first?.packetsReceived) + 25);
      expect(Number(later?.packetsLost)).toBeLessThanOrEqual(2);
      expect(Number(later?.audioLevel)).toBeGreaterThan(0);
      const codec = (await call.chrome.stats()).find((s) => s.id === later?.codecId);
      expect(String(codec?.mimeType)).toMatch(/audio\/(PCMU|PCMA)/);
      // Chromium's fake microphone: every packet authenticated, every RTCP compound parses.
      const m = call.ours.media;
      const out = (await call.chrome.stats()).find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
      const why = `SRTP in ${m.srtpIn} -> RTP out ${m.rtp}, SRTCP in ${m.srtcpIn} -> RTCP out ${m.rtcp}; srtp ${JSON.stringify(call.ours.pc.core.srtp?.stats)}; Chromium nackCount ${String(out?.nackCount)} retransmitted ${String(out?.retransmittedPacketsSent)}`;
      expect(call.ours.pc.core.stats.srtpFailures, why).toBe(0);
      expect(m.rtcpErrors).toEqual([]);
      await until(() => call.ours.media.rtcp > 0, 10_000, 'RTCP from Chromium');
      const transport = (await call.chrome.stats()).find((s) => s.type === 'transport');
      negotiatedProfiles.add(String(transport?.srtpCipher));
      expect(transport?.dtlsRole).toBe(direction === 'ours' ? 'client' : 'server');
    }, 30_000);
  });
}

describe('Chromium, across both directions', () => {
  test('SRTP profiles negotiated with Chromium', () => {
    // Chromium as DTLS client lets our server pick AEAD_AES_128_GCM; as server it picks AES_CM_128_HMAC_SHA1_80.
    expect([...negotiatedProfiles].sort()).toEqual(['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80']);
  });
  test.todo('SRTP_AEAD_AES_256_GCM media with our RTCPeerConnection (needs an srtpProfiles option on it; the DTLS-level negotiation is covered in harness.browser.ts)');
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
        const pair = (await call.chrome.stats()).find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
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
