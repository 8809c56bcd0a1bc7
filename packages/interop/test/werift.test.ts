/**
 * The data-channel and audio matrix against werift 0.25 (a second TypeScript stack) in this
 * process, both directions, over real UDP on 127.0.0.1. werift's STUN server is ours, local.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startUdpStunServer, type UdpStunServer } from '@rtcstack/stun/node';
import { AudioTrack } from '@rtcstack/webrtc';
import { DIRECTIONS, ourPeer, ourChannel, until, type Direction, type OurPeer } from './support/call-support.ts';
import { defineDataChannelTests } from './support/data-channel-matrix.ts';
import { WeriftSide } from './support/werift-side.ts';
import type { RTCDataChannel } from '@rtcstack/webrtc';

let stun: UdpStunServer;
beforeAll(async () => {
  stun = await startUdpStunServer({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await stun?.close();
});

const name = (d: Direction): string => (d === 'ours' ? 'our peer offers' : 'werift offers');

for (const direction of DIRECTIONS) {
  describe(`werift, ${name(direction)}`, () => {
    let ours: OurPeer;
    let werift: WeriftSide;
    let chat: RTCDataChannel;
    // Loss of our audio at werift during each data-channel test (their bursts can overflow a
    // socket buffer while both stacks share this process's event loop).
    const lostDuring = new Map<string, number>();
    let lostBefore = 0;
    beforeEach(() => {
      lostBefore = werift?.audio.lost ?? 0;
    });
    afterEach((ctx) => {
      if (werift) lostDuring.set(ctx.task.name, werift.audio.lost - lostBefore);
    });
    beforeAll(async () => {
      // 3 % seeded loss of werift's SRTP into our peer: something for negotiated NACK to repair.
      ours = ourPeer({}, undefined, { loss: 0.03, delayMs: 0 });
      werift = await WeriftSide.create(stun.address);
      ours.pc.addTrack(new AudioTrack('tone'));
      werift.addTone();
      let mine: RTCDataChannel | undefined;
      if (direction === 'ours') mine = ours.pc.createDataChannel('chat');
      else await werift.createChannel('chat');
      await werift.negotiate(ours.pc, direction);
      await until(() => ours.pc.connectionState === 'connected', 15_000, 'our peer connected');
      chat = await ourChannel(ours, 'chat', mine);
    });
    afterAll(async () => {
      ours?.pc.close();
      await werift?.close();
    });

    defineDataChannelTests(direction, () => ({ ours, remote: werift, chat }), { partialReliabilityDropsUnordered: true });

    test('generic NACK is negotiated (a=rtcp-fb:0 nack in offer and answer, RFC 4585 §4.2)', () => {
      for (const sdp of [ours.pc.localDescription?.sdp, ours.pc.remoteDescription?.sdp]) expect(sdp).toMatch(/^a=rtcp-fb:0 nack\r?$/m);
    });

    test("audio both ways: our G.711 tone reaches werift; werift's tone passes our SRTP and RTCP", async () => {
      await until(() => werift.audio.packets > 50, 10_000, 'our RTP at werift');
      // Loss in a quiet 1.5 s window, and over the whole call outside the data-channel tests at
      // most 2 %. werift 0.25 never NACKs audio (its receiver NACKs video only, rtpReceiver.js),
      // so NACK cannot repair our packets lost at werift; loss during the bursts is reported.
      const before = { ...werift.audio };
      await new Promise((r) => setTimeout(r, 1500));
      expect(werift.audio.packets - before.packets).toBeGreaterThan(50);
      expect(werift.audio.lost - before.lost).toBeLessThanOrEqual(1);
      const inBursts = [...lostDuring.values()].reduce((a, b) => a + b, 0);
      expect(werift.audio.lost - inBursts, `lost at werift per data-channel test: ${JSON.stringify([...lostDuring])}`).toBeLessThanOrEqual(
        Math.ceil(werift.audio.packets * 0.02),
      );
      expect(werift.audio.bestLevel).toBeLessThan(40); // a tone, not silence (127)
      await until(() => ours.media.rtp > 50, 10_000, "werift's RTP at our peer");
      const m = ours.media;
      const st = ours.pc.core.stats;
      // A packet resent for two NACKs arrives twice: the replay window drops the copy (srtpReplays).
      expect(st.srtpAuthFailures + st.srtpParseErrors + st.srtpUnknownSsrc, `SRTP in ${m.srtpIn} -> RTP out ${m.rtp}; ${JSON.stringify(ours.pc.core.srtp?.stats)}`).toBe(0);
      expect(m.rtcpErrors).toEqual([]);
      // audioLevel is instantaneous and a packet dropped by the induced loss plays as concealment
      // (level 0): poll for the tone for up to a second.
      let inbound: Record<string, unknown> | undefined;
      for (let i = 0; i < 20 && !(Number(inbound?.audioLevel) > 0); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        inbound = [...(await ours.pc.getStats()).values()].find((s) => s.type === 'inbound-rtp');
      }
      expect(Number(inbound?.packetsReceived)).toBeGreaterThan(50);
      expect(Number(inbound?.audioLevel)).toBeGreaterThan(0);
    }, 30_000);

    test("negotiated NACK flows: we NACK the induced loss of werift's audio, werift resends (RFC 4585 §6.2.1)", async () => {
      let sent = await werift.outboundRtp();
      for (const end = Date.now() + 10_000; sent.retransmittedPacketsSent === 0 && Date.now() < end; sent = await werift.outboundRtp()) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(sent.retransmittedPacketsSent, 'packets werift resent').toBeGreaterThan(0);
      const inbound = [...(await ours.pc.getStats()).values()].find((s) => s.type === 'inbound-rtp');
      expect(Number(inbound?.nackCount), 'NACK packets we sent').toBeGreaterThan(0);
      expect(sent.nackCount, 'NACK packets werift received').toBeGreaterThan(0);
      expect(sent.nackCount).toBeLessThanOrEqual(Number(inbound?.nackCount));
    }, 15_000);
  });
}
