/**
 * The data-channel half of the interop matrix, shared by the Chromium and werift suites: the
 * same tests against any RemoteSide, called inside a describe() that owns one connected call
 * whose offerer created the "chat" channel.
 */
import { expect, test } from 'vitest';
import type { RTCDataChannel } from '@rtcstack/webrtc';
import { browserMessages, browserOpened, byteSum, collect, ourChannel, pattern, until, type Direction, type OurPeer, type RemoteSide } from './call-support.ts';

export interface DataCall {
  readonly ours: OurPeer;
  readonly remote: RemoteSide;
  readonly chat: RTCDataChannel;
}

export interface RemoteQuirks {
  /**
   * werift 0.25 writes DATA_CHANNEL_OPEN channel type 0x01/0x02 for an unordered partially
   * reliable channel: the partial-reliability type replaces the 0x80 unordered bit
   * (lib/webrtc/src/transport/sctp.js, "channelType = 1"). RFC 8832 §5.1 says 0x81/0x82. Our side
   * decodes what was sent, so such a channel opened by werift arrives ordered.
   */
  readonly partialReliabilityDropsUnordered?: boolean;
}

export function defineDataChannelTests(direction: Direction, c: () => DataCall, quirks: RemoteQuirks = {}): void {
  test('the data channel opens on both sides, with the same id', async () => {
    const open = await browserOpened(c().remote, 'chat');
    expect(c().chat.readyState).toBe('open');
    expect(open.id).toBe(c().chat.id);
    // RFC 8832 §6: the DTLS client uses even stream ids, the server odd ones. The offerer made
    // "chat", and the offerer is the DTLS server here (both answerers say a=setup:active).
    expect(c().chat.id! % 2).toBe(1);
  });

  test('text and binary messages both ways', async () => {
    const got = collect(c().chat);
    c().chat.send('hello from rtcstack ✓');
    c().chat.send(Uint8Array.from([0, 1, 2, 0xfe, 0xff]));
    await c().remote.send('chat', 'hello from the other side ✓');
    await c().remote.send('chat', Uint8Array.from([9, 8, 7]));
    await until(() => browserMessages(c().remote, 'chat').length >= 2, 5_000, 'the other side to receive 2 messages');
    await until(() => got.length >= 2, 5_000, 'our peer to receive 2 messages');
    const b = browserMessages(c().remote, 'chat');
    expect(b[0].text).toBe('hello from rtcstack ✓');
    expect(b[1].binary).toBe('000102feff');
    expect(got[0]).toBe('hello from the other side ✓');
    expect(Buffer.from(got[1] as Uint8Array).toString('hex')).toBe('090807');
  });

  test('64 KiB messages both ways', async () => {
    const got = collect(c().chat);
    const before = browserMessages(c().remote, 'chat').length;
    const big = pattern(65536);
    c().chat.send(big);
    await c().remote.sendSize('chat', 65536);
    await until(() => browserMessages(c().remote, 'chat').length > before, 10_000, 'the other side to receive 64 KiB');
    await until(() => got.length >= 1, 10_000, 'our peer to receive 64 KiB');
    const b = browserMessages(c().remote, 'chat')[before];
    expect(b.size).toBe(65536);
    expect(b.sum).toBe(byteSum(big));
    expect(Buffer.from(got[0] as Uint8Array).equals(Buffer.from(big))).toBe(true);
  });

  test('1,000 messages in order, both ways', async () => {
    const got = collect(c().chat);
    const before = browserMessages(c().remote, 'chat').length;
    for (let i = 0; i < 1000; i++) c().chat.send(`n${i}`);
    await c().remote.sendMany('chat', 'c', 1000);
    await until(() => browserMessages(c().remote, 'chat').length >= before + 1000, 20_000, 'the other side to receive 1000');
    await until(() => got.length >= 1000, 20_000, 'our peer to receive 1000');
    expect(browserMessages(c().remote, 'chat').slice(before).map((m) => m.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `n${i}`));
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => `c${i}`));
  }, 40_000);

  test('unordered and partially reliable channels, opened from each side (DCEP, RFC 8832)', async () => {
    const kinds = [
      { label: 'unordered', init: { ordered: false } },
      { label: 'rexmit0', init: { ordered: false, maxRetransmits: 0 } },
      { label: 'lifetime', init: { maxPacketLifeTime: 500 } },
    ];
    for (const k of kinds) {
      // Ours opens "<label>-o", the other side "<label>-c": each side sees the other's parameters.
      const mine = c().ours.pc.createDataChannel(`${k.label}-o`, k.init);
      await c().remote.createChannel(`${k.label}-c`, k.init);
      const seen = await c().remote.waitFor((e) => e.type === 'channel' && e.label === `${k.label}-o` && e.event === 'remote', 10_000, 'remote channel at the other side');
      const theirs = await ourChannel(c().ours, `${k.label}-c`);
      await ourChannel(c().ours, mine.label, mine);
      if (seen.type !== 'channel') throw new Error('unreachable');
      expect({ ordered: seen.ordered, maxRetransmits: seen.maxRetransmits, maxPacketLifeTime: seen.maxPacketLifeTime }).toEqual({
        ordered: k.init.ordered ?? true,
        maxRetransmits: k.init.maxRetransmits ?? null,
        maxPacketLifeTime: k.init.maxPacketLifeTime ?? null,
      });
      const partial = k.init.maxRetransmits !== undefined || k.init.maxPacketLifeTime !== undefined;
      expect({ ordered: theirs.ordered, maxRetransmits: theirs.maxRetransmits, maxPacketLifeTime: theirs.maxPacketLifeTime }).toEqual({
        ordered: partial && quirks.partialReliabilityDropsUnordered ? true : (k.init.ordered ?? true),
        maxRetransmits: k.init.maxRetransmits ?? null,
        maxPacketLifeTime: k.init.maxPacketLifeTime ?? null,
      });
      // Loopback loses nothing: every message arrives (in any order when unordered).
      await browserOpened(c().remote, `${k.label}-o`);
      await browserOpened(c().remote, `${k.label}-c`);
      const got = collect(theirs);
      for (let i = 0; i < 50; i++) mine.send(`${k.label}${i}`);
      await c().remote.sendMany(`${k.label}-c`, 'x', 50);
      await until(() => browserMessages(c().remote, `${k.label}-o`).length >= 50, 10_000, `remote ${k.label} messages`);
      await until(() => got.length >= 50, 10_000, `our ${k.label} messages`);
      expect(new Set(browserMessages(c().remote, `${k.label}-o`).map((m) => m.text))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `${k.label}${i}`)));
      expect(new Set(got)).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `x${i}`)));
    }
  });

  test('negotiated channels (same id on both sides, no DCEP)', async () => {
    const id = direction === 'ours' ? 40 : 41;
    const mine = c().ours.pc.createDataChannel('neg', { negotiated: true, id });
    await c().remote.createChannel('neg', { negotiated: true, id });
    await ourChannel(c().ours, 'neg', mine);
    const open = await browserOpened(c().remote, 'neg');
    expect(open.negotiated).toBe(true);
    expect(open.id).toBe(id);
    const got = collect(mine);
    mine.send('over negotiated');
    await c().remote.send('neg', 'back over negotiated');
    await until(() => browserMessages(c().remote, 'neg').length >= 1 && got.length >= 1, 5_000, 'negotiated messages');
    expect(browserMessages(c().remote, 'neg')[0].text).toBe('over negotiated');
    expect(got[0]).toBe('back over negotiated');
  });

  test('a channel closed by our side closes at the other, and one closed by the other closes at ours', async () => {
    const a = c().ours.pc.createDataChannel('close-by-us');
    await ourChannel(c().ours, 'close-by-us', a);
    await browserOpened(c().remote, 'close-by-us');
    a.close();
    await c().remote.waitFor((e) => e.type === 'channel' && e.label === 'close-by-us' && e.event === 'close', 10_000, 'the other side sees close');
    await until(() => a.readyState === 'closed', 5_000, 'our channel closed');

    await c().remote.createChannel('close-by-them');
    const b: RTCDataChannel = await ourChannel(c().ours, 'close-by-them');
    await browserOpened(c().remote, 'close-by-them');
    let closeEvent = false;
    b.addEventListener('close', () => (closeEvent = true));
    await c().remote.closeChannel('close-by-them');
    await until(() => closeEvent && b.readyState === 'closed', 10_000, 'our channel sees close');
    // The call goes on.
    expect(c().chat.readyState).toBe('open');
  });
}
