/**
 * The data-channel and audio matrix against werift 0.25 (a second TypeScript stack) in this
 * process, both directions, over real UDP on 127.0.0.1. werift's STUN server is ours, local.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
    beforeAll(async () => {
      ours = ourPeer();
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

    test("audio both ways: our G.711 tone reaches werift; werift's tone passes our SRTP and RTCP", async () => {
      await until(() => werift.audio.packets > 50, 10_000, 'our RTP at werift');
      // Loss in a quiet 1.5 s window (the bursts of the data-channel tests can overflow a socket
      // buffer while both stacks share this process), and over the whole call at most 2 %.
      const before = { ...werift.audio };
      await new Promise((r) => setTimeout(r, 1500));
      expect(werift.audio.packets - before.packets).toBeGreaterThan(50);
      expect(werift.audio.lost - before.lost).toBeLessThanOrEqual(1);
      expect(werift.audio.lost).toBeLessThanOrEqual(Math.ceil(werift.audio.packets * 0.02));
      expect(werift.audio.bestLevel).toBeLessThan(40); // a tone, not silence (127)
      await until(() => ours.media.rtp > 50, 10_000, "werift's RTP at our peer");
      const m = ours.media;
      expect(ours.pc.core.stats.srtpFailures, `SRTP in ${m.srtpIn} -> RTP out ${m.rtp}; ${JSON.stringify(ours.pc.core.srtp?.stats)}`).toBe(0);
      expect(m.rtcpErrors).toEqual([]);
      const inbound = [...(await ours.pc.getStats()).values()].find((s) => s.type === 'inbound-rtp');
      expect(Number(inbound?.packetsReceived)).toBeGreaterThan(50);
      expect(Number(inbound?.audioLevel)).toBeGreaterThan(0);
    }, 30_000);
  });
}
