import { describe, expect, it } from 'vitest';
import { seededRandom } from '@rtcstack/common';
import { makePair, patternBytes, type Endpoint } from './harness.ts';
import type { Network } from '@rtcstack/test-support';

/** Sizes from 1 B to 256 KiB, spread evenly on a log scale, both ends included. */
function sizes(n: number, seed: number): number[] {
  const rng = seededRandom(seed);
  const max = 256 * 1024;
  const out = Array.from({ length: n }, () => Math.max(1, Math.round(Math.exp(rng.float() * Math.log(max)))));
  out[0] = 1;
  out[1] = max;
  return out;
}

function established(loss: number, seed: number, extra: object = {}) {
  const link = { delayMs: 20, jitterMs: 5, loss, duplicate: 0.05, reorder: 0.1, reorderDelayMs: 15, mtu: 1300 };
  const p = makePair({ seed, link, a: { maxRetransmits: 100, ...extra }, b: { maxRetransmits: 100, ...extra } });
  p.a.assoc.connect(p.net.now);
  expect(p.net.runUntil(() => p.a.assoc.state === 'ESTABLISHED' && p.b.assoc.state === 'ESTABLISHED', 600_000)).toBe(true);
  return p;
}

/** Feed messages as the send queue drains (backpressure), until all are delivered. */
function pump(net: Network, from: Endpoint, to: Endpoint, msgs: Uint8Array[], stream: number, opts: object, limitMs: number): boolean {
  let next = 0;
  const feed = (): void => {
    while (next < msgs.length && from.assoc.bufferedAmount(stream) < 512 * 1024) {
      from.assoc.send(net.now, stream, 53, msgs[next++], opts);
    }
  };
  feed();
  return net.runUntil(() => {
    feed();
    return to.messages.length >= msgs.length;
  }, limitMs);
}

describe('reliable transfer under loss, reordering and duplication (RFC 9260 §6, §7)', () => {
  for (const loss of [0.1, 0.3]) {
    it(`${loss * 100}% loss: 1,000 messages of 1 B..256 KiB arrive complete, in order, byte-exact`, () => {
      const { net, a, b } = established(loss, loss === 0.1 ? 21 : 22);
      const msgs = sizes(1000, 7).map((n, i) => patternBytes(n, i + 1));
      expect(pump(net, a, b, msgs, 1, {}, 20_000_000)).toBe(true);
      expect(b.messages.length).toBe(1000);
      for (let i = 0; i < msgs.length; i++) {
        const m = b.messages[i];
        expect(m.streamId).toBe(1);
        expect(m.data.length).toBe(msgs[i].length);
        expect(Buffer.compare(m.data, msgs[i])).toBe(0);
      }
      // The loss really happened and was repaired.
      expect(a.assoc.stats.retransmissions).toBeGreaterThan(0);
      expect(b.assoc.stats.duplicateTsnsReceived).toBeGreaterThan(0);
    });
  }

  it('unordered messages on many streams are all delivered (order not required)', () => {
    const { net, a, b } = established(0.2, 31);
    const msgs = Array.from({ length: 600 }, (_, i) => patternBytes(1 + ((i * 977) % 5000), 1000 + i));
    let sent = 0;
    for (const m of msgs) a.assoc.send(net.now, sent++ % 40, 53, m, { unordered: true });
    expect(net.runUntil(() => b.messages.length >= msgs.length, 10_000_000)).toBe(true);
    expect(b.messages.every((m) => m.unordered)).toBe(true);
    const got = new Set(b.messages.map((m) => Buffer.from(m.data).toString('base64')));
    for (const m of msgs) expect(got.has(Buffer.from(m).toString('base64'))).toBe(true);
    expect(new Set(b.messages.map((m) => m.streamId)).size).toBe(40);
  });

  it('ordered delivery is per stream: a loss on one stream does not reorder another', () => {
    const { net, a, b } = established(0.15, 32);
    for (let i = 0; i < 300; i++) a.assoc.send(net.now, i % 3, 53, new Uint8Array([i % 3, i >> 8, i & 0xff]));
    expect(net.runUntil(() => b.messages.length >= 300, 1_000_000)).toBe(true);
    for (const s of [0, 1, 2]) {
      const seq = b.messages.filter((m) => m.streamId === s).map((m) => (m.data[1] << 8) | m.data[2]);
      expect(seq).toEqual([...seq].sort((x, y) => x - y));
      expect(seq.length).toBe(100);
    }
  });
});

describe('send scheduling', () => {
  it('streams are served round-robin: a small message is not stuck behind a bulk transfer on another stream', () => {
    const { net, a, b } = makePair({ link: { delayMs: 10 } });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    for (let i = 0; i < 200; i++) a.assoc.send(net.now, 1, 53, new Uint8Array(10_000).fill(i));
    a.assoc.send(net.now, 2, 51, new TextEncoder().encode('chat'));
    expect(net.runUntil(() => b.messages.length === 201, 600_000)).toBe(true);
    const at = b.messages.findIndex((m) => m.streamId === 2);
    expect(at).toBeLessThan(5); // FIFO would put it at 200
    // Stream 1 is still in order.
    expect(b.messages.filter((m) => m.streamId === 1).map((m) => m.data[0])).toEqual([...Array(200).keys()]);
  });
});

describe('SACK timing (RFC 9260 §6.2)', () => {
  it('one packet: SACK after the 200 ms delayed-ack timer; two packets: SACK at once', () => {
    const { net, a, b } = makePair({ link: { delayMs: 5 }, keepSent: true });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 1000);
    net.runFor(1);
    b.sent.length = 0;
    const t0 = net.now;
    a.assoc.send(net.now, 0, 53, new Uint8Array(100));
    const sackAt = (): number | undefined => {
      net.runUntil(() => b.sent.length > 0, 1000);
      return b.sent.length ? net.now : undefined;
    };
    const t1 = sackAt();
    expect(t1! - t0).toBeGreaterThanOrEqual(200);
    expect(t1! - t0).toBeLessThan(220);
    b.sent.length = 0;
    const t2 = net.now;
    a.assoc.send(net.now, 0, 53, new Uint8Array(2000)); // two packets
    const t3 = sackAt();
    expect(t3! - t2).toBeLessThan(20);
  });

  it('a gap triggers an immediate SACK with a gap block', () => {
    const { net, a, b } = makePair({ link: { delayMs: 5 }, keepSent: true });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 1000);
    net.runFor(300);
    let n = 0;
    net.addFilter((d) => (d.fromHost === 'a' && d.data[12] === 0 && n++ === 0 ? 'drop' : undefined));
    a.assoc.send(net.now, 0, 53, new Uint8Array(100));
    net.runFor(1);
    a.assoc.send(net.now, 0, 53, new Uint8Array(100));
    b.sent.length = 0;
    net.runFor(20);
    expect(b.sent.length).toBeGreaterThan(0);
    const sack = b.sent[0];
    expect(sack[12]).toBe(3); // SACK
    expect((sack[24] << 8) | sack[25]).toBe(1); // one gap block
  });
});
