import { describe, expect, test } from 'vitest';
import type { RTCDataChannel } from '../src/data-channel.ts';
import { negotiate, runUntil, simPeers, trickle } from './support/call.ts';

describe('a call on a lossy path', () => {
  test.each([1, 2, 3, 4, 5, 6])('20%% loss each way (seed %i): connects, channel opens, every message arrives in order', async (seed) => {
    const { net, a, b } = simPeers(60 + seed, { delayMs: 15, loss: 0.2 });
    trickle(a.pc, b.pc);
    const ch = a.pc.createDataChannel('lossy');
    let remote: RTCDataChannel | undefined;
    const got: string[] = [];
    const back: string[] = [];
    b.pc.ondatachannel = (e) => {
      remote = (e as Event & { channel: RTCDataChannel }).channel;
      remote.onmessage = (m) => got.push((m as MessageEvent).data as string);
    };
    ch.onmessage = (m) => back.push((m as MessageEvent).data as string);
    ch.onopen = () => {
      for (let i = 0; i < 5; i++) ch.send(`m${i}`);
    };
    await negotiate(a.pc, b.pc);
    expect(await runUntil(net, () => ch.readyState === 'open' && remote?.readyState === 'open', 60_000)).toBe(true);
    for (let i = 0; i < 5; i++) remote!.send(`r${i}`);
    expect(await runUntil(net, () => got.length === 5 && back.length === 5, 60_000)).toBe(true);
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(back).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    a.pc.close();
    b.pc.close();
  });
});
