import { describe, expect, it } from 'vitest';
import { makePair, patternBytes } from './harness.ts';
import { ChunkType, ReconfigResult, decodePacket } from '../src/index.ts';

function lossyPair(loss: number, seed: number) {
  const p = makePair({
    seed,
    link: { delayMs: 20, loss, reorder: 0.05, duplicate: 0.02 },
    a: { maxRetransmits: 100 },
    b: { maxRetransmits: 100 },
  });
  p.a.assoc.connect(p.net.now);
  expect(p.net.runUntil(() => p.a.assoc.state === 'ESTABLISHED' && p.b.assoc.state === 'ESTABLISHED', 600_000)).toBe(true);
  return p;
}

describe('partial reliability (RFC 3758)', () => {
  it('maxRetransmits 0: lost messages are abandoned, FORWARD TSN moves the peer on, a reliable stream never stalls', () => {
    const { net, a, b } = lossyPair(0.3, 41);
    const n = 300;
    for (let i = 0; i < n; i++) {
      const m = patternBytes(2 + (i % 7) * 500, i);
      m[0] = i >> 8; // the index, so the receiver's copy identifies itself
      m[1] = i & 0xff;
      a.assoc.send(net.now, 1, 53, m, { maxRetransmits: 0 });
      a.assoc.send(net.now, 2, 53, Uint8Array.of(i >> 8, i & 0xff)); // reliable, ordered
    }
    expect(net.runUntil(() => b.messages.filter((m) => m.streamId === 2).length >= n, 5_000_000)).toBe(true);
    net.runFor(60_000);
    const pr = b.messages.filter((m) => m.streamId === 1);
    expect(pr.length).toBeLessThan(n);
    expect(pr.length).toBeGreaterThan(n / 10);
    expect(a.assoc.stats.abandonedMessages).toBeGreaterThan(0);
    expect(a.assoc.stats.forwardTsnsSent).toBeGreaterThan(0);
    // What arrives on the PR stream is intact and in order.
    let last = -1;
    for (const d of pr.map((m) => m.data)) {
      const i = (d[0] << 8) | d[1];
      const want = patternBytes(2 + (i % 7) * 500, i);
      want[0] = d[0];
      want[1] = d[1];
      expect(Buffer.compare(d, want)).toBe(0);
      expect(i).toBeGreaterThan(last);
      last = i;
    }
    // Nothing left hanging: the sender's queue drained.
    expect(a.assoc.bufferedAmount(1)).toBe(0);
    expect(b.messages.filter((m) => m.streamId === 2).map((m) => (m.data[0] << 8) | m.data[1])).toEqual([...Array(n).keys()]);
  });

  it('maxPacketLifeTime: messages older than the lifetime are abandoned, newer ones still arrive', () => {
    const { net, a, b } = lossyPair(0.25, 42);
    for (let i = 0; i < 200; i++) a.assoc.send(net.now, 3, 53, patternBytes(3000, i), { maxLifetimeMs: 150, unordered: true });
    net.runFor(30_000);
    const later = patternBytes(10, 999);
    a.assoc.send(net.now, 3, 53, later, { maxLifetimeMs: 60_000 });
    expect(net.runUntil(() => b.messages.some((m) => Buffer.compare(m.data, later) === 0), 600_000)).toBe(true);
    expect(a.assoc.stats.abandonedMessages).toBeGreaterThan(0);
    expect(b.messages.length).toBeLessThan(201);
  });

  it('a fragmented message is abandoned whole: the receiver never delivers a partial message', () => {
    const { net, a, b } = lossyPair(0.3, 43);
    const big = Array.from({ length: 40 }, (_, i) => patternBytes(20_000, 100 + i));
    for (const m of big) a.assoc.send(net.now, 4, 53, m, { maxRetransmits: 1 });
    // Heavy loss keeps T3 backing off, so give it a long (virtual) time to drain.
    expect(net.runUntil(() => a.assoc.bufferedAmount(4) === 0, 10_000_000)).toBe(true);
    net.runFor(300_000);
    for (const m of b.messages) expect(big.some((x) => Buffer.compare(x, m.data) === 0)).toBe(true);
    expect(a.assoc.stats.abandonedMessages).toBeGreaterThan(0);
    expect(a.assoc.bufferedAmount(4)).toBe(0);
  });
});

describe('stream reset (RFC 6525)', () => {
  it('outgoing SSN reset: the peer first receives everything sent before it, then both sides see the reset', () => {
    const { net, a, b } = lossyPair(0.1, 51);
    for (let i = 0; i < 50; i++) a.assoc.send(net.now, 5, 53, patternBytes(2000, i));
    a.assoc.resetStreams(net.now, [5]);
    expect(
      net.runUntil(
        () => a.events.some((e) => e.type === 'streamsReset') && b.events.some((e) => e.type === 'streamsReset'),
        600_000,
      ),
    ).toBe(true);
    const inc = b.events.find((e) => e.type === 'streamsReset');
    expect(inc).toMatchObject({ direction: 'incoming', streamIds: [5] });
    expect(a.events.find((e) => e.type === 'streamsReset')).toMatchObject({ direction: 'outgoing', streamIds: [5] });
    // Every message preceded the incoming reset event on b.
    expect(b.messages.filter((m) => m.streamId === 5).length).toBe(50);
    // The stream starts again at SSN 0: new messages on it are delivered.
    a.assoc.send(net.now, 5, 53, Uint8Array.of(42));
    expect(net.runUntil(() => b.messages.length === 51, 60_000)).toBe(true);
    expect([...b.messages[50].data]).toEqual([42]);
  });
});

describe('deferred stream reset (RFC 6525 §5.2.2 E2)', () => {
  it('a reset request that arrives before the DATA it covers is answered "In progress", then performed once the DATA arrives', () => {
    const { net, a, b } = makePair({ link: { delayMs: 10 }, keepSent: true });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    let lost = 0;
    net.addFilter((d) => (d.fromHost === 'a' && d.data[12] === 0 && lost++ === 0 ? 'drop' : undefined)); // the DATA
    a.assoc.send(net.now, 3, 53, Uint8Array.of(1, 2, 3));
    a.assoc.resetStreams(net.now, [3]);
    expect(net.runUntil(() => b.events.some((e) => e.type === 'streamsReset'), 60_000)).toBe(true);
    // b's RE-CONFIG responses, in order: first "In progress" (6), later "Success - Performed" (1).
    const results = b.sent
      .flatMap((p) => decodePacket(p).chunks)
      .flatMap((c) => (c.type === ChunkType.RE_CONFIG && 'params' in c ? c.params : []))
      .map((x) => (x.kind === 'response' ? x.result : -1));
    expect(results[0]).toBe(ReconfigResult.IN_PROGRESS);
    expect(results).toContain(ReconfigResult.SUCCESS_PERFORMED);
    expect(b.messages.map((m) => [...m.data])).toEqual([[1, 2, 3]]);
    expect(net.runUntil(() => a.events.some((e) => e.type === 'streamsReset'), 60_000)).toBe(true);
  });
});

describe('heartbeat (RFC 9260 §8.3)', () => {
  it('an idle association exchanges HEARTBEAT / HEARTBEAT ACK and stays up', () => {
    const { net, a, b } = makePair({ a: { heartbeatIntervalMs: 1000 }, b: { heartbeatIntervalMs: 1000 }, keepSent: true });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    net.runFor(10_000);
    expect(a.sent.some((p) => p[12] === 4)).toBe(true); // HEARTBEAT
    expect(b.sent.some((p) => p[12] === 5)).toBe(true); // HEARTBEAT ACK
    expect(a.assoc.state).toBe('ESTABLISHED');
  });

  it('a peer that stops answering is declared unreachable after Association.Max.Retrans', () => {
    const { net, a, b } = makePair({ a: { heartbeatIntervalMs: 1000, maxRetransmits: 3 } });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    net.addFilter(() => 'drop');
    net.runFor(60_000);
    expect(a.closed).toBe('retransmit-limit');
  });
});
