import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Address } from '@rtcstack/common';
import { Network, formatTrace, type LinkSettings, type SimSocket, type TraceEvent } from '../src/index.ts';

/** Two public hosts a (10.0.0.1) and b (10.0.0.2), with sockets on port 5000; b records arrivals. */
function pair(link: LinkSettings = {}, seed = 1) {
  const net = new Network({ seed });
  const a = net.addHost('a', '10.0.0.1');
  const b = net.addHost('b', '10.0.0.2');
  net.setLink('a', 'b', link);
  const sa = a.bind(5000);
  const sb = b.bind(5000);
  const got: { seq: number; time: number; from: Address }[] = [];
  sb.onReceive = (data, from, now) => got.push({ seq: (data[0] << 8) | data[1], time: now, from });
  return { net, a, b, sa, sb, got };
}

const pkt = (seq: number, size = 100): Uint8Array => {
  const d = new Uint8Array(size);
  d[0] = seq >> 8;
  d[1] = seq & 0xff;
  return d;
};

/** Send n datagrams a -> b, one every `gapMs`, then run until everything settles. */
function stream(s: ReturnType<typeof pair>, n: number, gapMs: number, size = 100): void {
  for (let i = 0; i < n; i++) s.net.at(i * gapMs, () => s.sa.send(pkt(i, size), s.sb.local));
  s.net.run(n * gapMs + 10_000);
}

describe('delivery and delay', () => {
  it.each([
    { delayMs: 0, expected: 0 },
    { delayMs: 10, expected: 10 },
    { delayMs: 37.5, expected: 37.5 },
  ])('a datagram sent at t=0 over a $delayMs ms link arrives at t=$expected with its source address', ({ delayMs, expected }) => {
    const s = pair({ delayMs });
    s.sa.send(pkt(7), s.sb.local);
    expect(s.got).toEqual([]); // nothing is delivered before the clock runs
    s.net.runFor(1000);
    expect(s.got).toEqual([{ seq: 7, time: expected, from: { address: '10.0.0.1', port: 5000 } }]);
  });

  it('delivers bytes unchanged and copies them (the sender may reuse its buffer)', () => {
    const s = pair({ delayMs: 5 });
    s.sb.onReceive = undefined;
    const buf = new Uint8Array([1, 2, 3]);
    s.sa.send(buf, s.sb.local);
    buf[0] = 99;
    s.net.runFor(10);
    expect(s.sb.inbox.map((r) => [...r.data])).toEqual([[1, 2, 3]]);
  });

  it('queues datagrams in sock.inbox when no onReceive handler is set', () => {
    const s = pair({ delayMs: 5 });
    s.sb.onReceive = undefined;
    s.sa.send(new Uint8Array([1, 2, 3]), s.sb.local);
    s.net.runFor(10);
    expect(s.sb.inbox).toEqual([{ data: new Uint8Array([1, 2, 3]), from: s.sa.local, time: 5 }]);
  });

  it('without jitter, datagrams arrive in the order sent (ties keep insertion order)', () => {
    const s = pair({ delayMs: 10 });
    for (let i = 0; i < 50; i++) s.sa.send(pkt(i), s.sb.local);
    s.net.runFor(100);
    expect(s.got.map((g) => g.seq)).toEqual([...Array(50).keys()]);
    expect(new Set(s.got.map((g) => g.time))).toEqual(new Set([10]));
  });

  it('the default link applies to pairs without setLink, and a one-way link to one direction only', () => {
    const net = new Network({ defaultLink: { delayMs: 3 } });
    const a = net.addHost('a', '10.0.0.1').bind(1);
    const b = net.addHost('b', '10.0.0.2').bind(2);
    net.setLinkOneWay('b', 'a', { delayMs: 50 });
    const times: string[] = [];
    a.onReceive = (_d, _f, now) => times.push(`a@${now}`);
    b.onReceive = (_d, _f, now) => times.push(`b@${now}`);
    a.send(pkt(0), b.local);
    b.send(pkt(0), a.local);
    net.runFor(100);
    expect(times).toEqual(['b@3', 'a@50']);
  });
});

describe('jitter', () => {
  it('every arrival lies in [delay, delay + jitter) and they are not all equal', () => {
    const s = pair({ delayMs: 20, jitterMs: 15 });
    stream(s, 500, 100);
    const extra = s.got.map((g) => g.time - g.seq * 100);
    expect(extra.length).toBe(500);
    for (const e of extra) {
      expect(e).toBeGreaterThanOrEqual(20);
      expect(e).toBeLessThan(35);
    }
    expect(Math.max(...extra) - Math.min(...extra)).toBeGreaterThan(10); // spread across the range
  });
});

describe('loss', () => {
  it.each([0, 0.01, 0.1, 0.3, 0.5])('loss %f over 10000 datagrams (seed 1) is within 0.02 of configured', (loss) => {
    const s = pair({ loss, delayMs: 1 });
    stream(s, 10_000, 1);
    const st = s.net.linkStats('a', 'b');
    expect(st.sent).toBe(10_000);
    expect(st.dropped.loss + st.delivered).toBe(10_000);
    expect(Math.abs(st.dropped.loss / 10_000 - loss)).toBeLessThan(0.02);
    if (loss === 0) expect(st.dropped.loss).toBe(0);
  });

  /** Mean length of runs of consecutive lost sequence numbers. */
  function meanLossRun(received: number[], n: number): number {
    const got = new Set(received);
    let runs = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      if (got.has(i)) continue;
      lost++;
      if (i === 0 || got.has(i - 1)) runs++;
    }
    return lost / runs;
  }

  it.each([
    { loss: 0.1, lossBurst: 0, run: [1, 1.25] }, // independent: mean run 1/(1-p) = 1.11
    { loss: 0.1, lossBurst: 5, run: [4, 6] },
    { loss: 0.3, lossBurst: 10, run: [8, 12] },
  ])('loss $loss with lossBurst $lossBurst: rate stays near $loss, losses come in runs of about $run', ({ loss, lossBurst, run }) => {
    const s = pair({ loss, lossBurst, delayMs: 1 });
    stream(s, 40_000, 1);
    const st = s.net.linkStats('a', 'b');
    expect(Math.abs(st.dropped.loss / 40_000 - loss)).toBeLessThan(0.03);
    const mean = meanLossRun(s.got.map((g) => g.seq), 40_000);
    expect(mean).toBeGreaterThanOrEqual(run[0]);
    expect(mean).toBeLessThanOrEqual(run[1]);
  });

  it('loss 1 cuts the path and loss 0 restores it mid-run, keeping the delay', () => {
    const s = pair({ delayMs: 10 });
    s.net.at(0, () => s.sa.send(pkt(0), s.sb.local));
    s.net.at(100, () => s.net.setLink('a', 'b', { loss: 1 }));
    s.net.at(150, () => s.sa.send(pkt(1), s.sb.local));
    s.net.at(200, () => s.net.setLink('a', 'b', { loss: 0 }));
    s.net.at(250, () => s.sa.send(pkt(2), s.sb.local));
    s.net.runFor(1000);
    expect(s.got.map((g) => [g.seq, g.time])).toEqual([
      [0, 10],
      [2, 260],
    ]);
    expect(s.net.linkStats('a', 'b').dropped.loss).toBe(1);
  });

  it('a datagram already in flight when the link is cut still arrives (config applies at send)', () => {
    const s = pair({ delayMs: 50 });
    s.sa.send(pkt(1), s.sb.local);
    s.net.at(10, () => s.net.setLink('a', 'b', { loss: 1 }));
    s.net.runFor(100);
    expect(s.got.map((g) => g.seq)).toEqual([1]);
  });
});

describe('reordering and duplication', () => {
  it('reorder 0.1 holds some datagrams back so later ones overtake them', () => {
    const s = pair({ delayMs: 5, reorder: 0.1, reorderDelayMs: 30 });
    stream(s, 1000, 1);
    const seqs = s.got.map((g) => g.seq);
    expect(seqs.length).toBe(1000);
    let inversions = 0;
    for (let i = 1; i < seqs.length; i++) if (seqs[i] < seqs[i - 1]) inversions++;
    const st = s.net.linkStats('a', 'b');
    expect(st.reordered).toBeGreaterThan(50);
    expect(st.reordered).toBeLessThan(150);
    expect(inversions).toBeGreaterThan(50);
    expect([...seqs].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]); // nothing lost or added
  });

  it('reorder 0 keeps order', () => {
    const s = pair({ delayMs: 5 });
    stream(s, 200, 1);
    expect(s.got.map((g) => g.seq)).toEqual([...Array(200).keys()]);
  });

  it('duplicate 0.2 delivers about 20% twice, counted as duplicated', () => {
    const s = pair({ delayMs: 5, duplicate: 0.2 });
    stream(s, 2000, 1);
    const st = s.net.linkStats('a', 'b');
    expect(st.duplicated).toBeGreaterThan(0.17 * 2000);
    expect(st.duplicated).toBeLessThan(0.23 * 2000);
    expect(st.delivered).toBe(2000 + st.duplicated);
    expect(s.got.length).toBe(st.delivered);
    const counts = new Map<number, number>();
    for (const g of s.got) counts.set(g.seq, (counts.get(g.seq) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBe(2);
    expect([...counts.values()].filter((c) => c === 2).length).toBe(st.duplicated);
  });
});

describe('MTU', () => {
  it.each([
    { size: 1199, mtu: 1200, delivered: true },
    { size: 1200, mtu: 1200, delivered: true },
    { size: 1201, mtu: 1200, delivered: false },
    { size: 1500, mtu: 576, delivered: false },
  ])('a $size-byte datagram on an MTU $mtu link: delivered=$delivered', ({ size, mtu, delivered }) => {
    const s = pair({ mtu });
    s.sa.send(pkt(1, size), s.sb.local);
    s.net.runFor(10);
    expect(s.got.length).toBe(delivered ? 1 : 0);
    expect(s.net.linkStats('a', 'b').dropped.mtu).toBe(delivered ? 0 : 1);
    expect(s.net.stats().total.dropped.mtu).toBe(delivered ? 0 : 1);
  });
});

describe('bandwidth and queue', () => {
  it('a 1 Mbit/s bottleneck spreads a burst of 1000-byte datagrams 8 ms apart', () => {
    const s = pair({ delayMs: 10, bandwidthBps: 1_000_000 });
    for (let i = 0; i < 5; i++) s.sa.send(pkt(i, 1000), s.sb.local);
    s.net.runFor(1000);
    expect(s.got.map((g) => g.time)).toEqual([18, 26, 34, 42, 50]);
  });

  it('a full drop-tail queue drops the excess as "queue"', () => {
    const s = pair({ bandwidthBps: 1_000_000, queueBytes: 3000 });
    for (let i = 0; i < 10; i++) s.sa.send(pkt(i, 1000), s.sb.local);
    s.net.runFor(1000);
    expect(s.got.map((g) => g.seq)).toEqual([0, 1, 2]);
    expect(s.net.linkStats('a', 'b').dropped.queue).toBe(7);
    // once the queue drains, the link carries traffic again
    s.sa.send(pkt(10, 1000), s.sb.local);
    s.net.runFor(100);
    expect(s.got.map((g) => g.seq)).toEqual([0, 1, 2, 10]);
  });
});

describe('filters', () => {
  it('addFilter drops exactly the datagrams it chooses, counted as filter, until removed', () => {
    const net = new Network();
    const a = net.addHost('a', '10.0.0.1');
    const b = net.addHost('b', '10.0.0.2');
    const a1 = a.bind(1000);
    const a2 = a.bind(2000);
    const b1 = b.bind(3000);
    const got: number[] = [];
    b1.onReceive = (_d, from) => got.push(from.port);
    const seen: string[] = [];
    const remove = net.addFilter((d) => {
      seen.push(`${d.fromHost}->${d.toNode}`);
      return d.from.port === 1000 && d.to.port === 3000 ? 'drop' : undefined;
    });
    a1.send(pkt(0), b1.local);
    a2.send(pkt(0), b1.local);
    net.runFor(1);
    expect(got).toEqual([2000]);
    expect(seen).toEqual(['a->b', 'a->b']);
    expect(net.linkStats('a', 'b').dropped.filter).toBe(1);
    remove();
    a1.send(pkt(0), b1.local);
    net.runFor(1);
    expect(got).toEqual([2000, 1000]);
  });
});

describe('addresses, ports and routing', () => {
  it('bind() without a port picks distinct ephemeral ports from 49152', () => {
    const net = new Network();
    const h = net.addHost('h', ['10.0.0.1', '2001:db8::1']);
    expect(h.bind().local).toEqual({ address: '10.0.0.1', port: 49152 });
    expect(h.bind().local).toEqual({ address: '10.0.0.1', port: 49153 });
    expect(h.bind(0, '2001:db8:0::1').local).toEqual({ address: '2001:db8::1', port: 49152 });
    expect(() => h.bind(49152)).toThrow(/EADDRINUSE/);
    expect(() => h.bind(1, '10.9.9.9')).toThrow(/no address/);
  });

  it('a closed socket frees its port and datagrams to it are dropped as no-socket', () => {
    const s = pair();
    s.sb.close();
    s.sa.send(pkt(0), s.sb.local);
    s.net.runFor(1);
    expect(s.net.stats().total.dropped['no-socket']).toBe(1);
    expect(() => s.sb.send(pkt(0), s.sa.local)).toThrow(/closed/);
    expect(s.b.bind(5000).local.port).toBe(5000);
  });

  it.each([
    { to: { address: '10.0.0.9', port: 5000 }, reason: 'no-route' },
    { to: { address: '10.0.0.2', port: 5001 }, reason: 'no-socket' },
    { to: { address: '2001:db8::2', port: 5000 }, reason: 'no-route' }, // IPv4 socket to IPv6
    { to: { address: 'not-an-ip', port: 5000 }, reason: 'no-route' },
    { to: { address: '10.0.0.2', port: 0 }, reason: 'no-route' },
  ] as const)('sending to $to.address:$to.port is dropped as $reason', ({ to, reason }) => {
    const s = pair();
    s.sa.send(pkt(0), to);
    s.net.runFor(1);
    expect(s.net.stats().total.dropped[reason]).toBe(1);
    expect(s.net.stats().total.droppedTotal).toBe(1);
  });

  it('IPv6 hosts talk over IPv6, addresses compared in canonical form', () => {
    const net = new Network({ defaultLink: { delayMs: 2 } });
    const a = net.addHost('a', ['10.0.0.1', '2001:db8::1']).bind(5000, '2001:db8::1');
    const b = net.addHost('b', '2001:DB8:0:0::2').bind(6000);
    const got: Address[] = [];
    b.onReceive = (_d, from) => got.push(from);
    a.send(pkt(0), { address: '2001:db8:0:0:0:0:0:2', port: 6000 });
    net.runFor(5);
    expect(b.local).toEqual({ address: '2001:db8::2', port: 6000 });
    expect(got).toEqual([{ address: '2001:db8::1', port: 5000 }]);
  });

  it('rejects duplicate names and addresses', () => {
    const net = new Network();
    net.addHost('a', '10.0.0.1');
    expect(() => net.addHost('a', '10.0.0.2')).toThrow(/already used/);
    expect(() => net.addHost('c', '10.0.0.1')).toThrow(/already in use/);
    expect(() => net.addNat('n', { publicAddress: '10.0.0.1' })).toThrow(/already in use/);
    expect(() => net.setLink('a', 'zz', {})).toThrow(/no host/);
    expect(() => net.setLink('a', 'a', { loss: 2 })).toThrow(RangeError);
  });
});

describe('the run loop', () => {
  it('runUntil returns true at the moment the condition holds', () => {
    const s = pair({ delayMs: 30 });
    s.sa.send(pkt(0), s.sb.local);
    expect(s.net.runUntil(() => s.got.length === 1, 1000)).toBe(true);
    expect(s.net.now).toBe(30);
  });

  it('runUntil gives up after limitMs of virtual time and leaves the clock there', () => {
    const s = pair({ delayMs: 30, loss: 1 });
    s.sa.send(pkt(0), s.sb.local);
    expect(s.net.runUntil(() => s.got.length === 1, 500)).toBe(false);
    expect(s.net.now).toBe(500);
    expect(s.net.runUntil(() => s.got.length === 1, 250)).toBe(false);
    expect(s.net.now).toBe(750);
  });

  it('runUntil checks the condition before running', () => {
    const s = pair();
    expect(s.net.runUntil(() => true, 100)).toBe(true);
    expect(s.net.now).toBe(0);
  });

  it('runUntil stops at its limit even when a timer keeps firing', () => {
    const net = new Network();
    let t = 0;
    let fired = 0;
    net.attach({ nextTimeout: () => t, handleTimeout: (now) => ((t = now + 10), fired++) });
    expect(net.runUntil(() => false, 1000)).toBe(false);
    expect(net.now).toBe(1000);
    expect(fired).toBe(101); // at 0, 10, ..., 1000
  });

  it('run(until) runs events up to and including `until` and leaves the clock there', () => {
    const net = new Network();
    const log: number[] = [];
    net.at(5, (now) => log.push(now));
    net.at(10, (now) => log.push(now));
    net.at(10.5, (now) => log.push(now));
    net.run(10);
    expect(log).toEqual([5, 10]);
    expect(net.now).toBe(10);
    expect(net.pending).toBe(1);
    net.runFor(1);
    expect(log).toEqual([5, 10, 10.5]);
    expect(net.now).toBe(11);
  });

  it('attached timers fire at nextTimeout(), re-polled after every event; detach stops them', () => {
    const net = new Network();
    const fired: number[] = [];
    let next: number | undefined = 100;
    const detach = net.attach({
      nextTimeout: () => next,
      handleTimeout: (now) => {
        fired.push(now);
        next = fired.length < 3 ? now + 100 : undefined;
      },
    });
    net.at(150, () => (next = 160)); // an event changes the timer: the loop sees it at once
    net.runFor(1000);
    expect(fired).toEqual([100, 160, 260]);
    next = 2000;
    detach();
    net.runFor(5000);
    expect(fired).toEqual([100, 160, 260]);
  });

  it('a timeout already in the past fires at the current time', () => {
    const net = new Network();
    net.runFor(500);
    const fired: number[] = [];
    let next: number | undefined = 100;
    net.attach({ nextTimeout: () => next, handleTimeout: (now) => (fired.push(now), (next = undefined)) });
    net.runFor(10);
    expect(fired).toEqual([500]);
  });

  it('running the clock from inside a callback is refused (it would reorder time)', () => {
    const s = pair({ delayMs: 1 });
    let error: unknown;
    s.sb.onReceive = () => {
      try {
        s.net.runFor(10);
      } catch (e) {
        error = e;
      }
    };
    s.sa.send(pkt(0), s.sb.local);
    s.net.runFor(5);
    expect(String(error)).toMatch(/inside the run loop/);
    s.net.runFor(5); // the network still works afterwards
    expect(s.net.now).toBe(10);
  });

  it('a core that never moves its timer forward is reported instead of hanging', () => {
    const net = new Network();
    net.attach({ nextTimeout: () => 5, handleTimeout: () => {} });
    expect(() => net.runFor(10)).toThrow(/keeps asking to be woken/);
  });

  it('two cores answering each other over zero-delay links are reported instead of hanging', () => {
    const net = new Network({ maxEventsPerInstant: 1000 });
    const a = net.addHost('a', '10.0.0.1').bind(1);
    const b = net.addHost('b', '10.0.0.2').bind(1);
    a.onReceive = (d, from) => a.send(d, from);
    b.onReceive = (d, from) => b.send(d, from);
    a.send(pkt(0), b.local);
    expect(() => net.runFor(1)).toThrow(/zero-delay loop/);
  });

  it('60 s of virtual time with thousands of datagrams runs far faster than real time', () => {
    const s = pair({ delayMs: 20, jitterMs: 5, loss: 0.05 });
    // a and b ping-pong: every arrival at b is echoed back; a sends one every 10 ms.
    s.sb.onReceive = (d, from) => s.sb.send(d, from);
    let echoes = 0;
    s.sa.onReceive = () => echoes++;
    let next = 0;
    s.net.attach({ nextTimeout: () => next, handleTimeout: (now) => (s.sa.send(pkt(0, 200), s.sb.local), (next = now + 10)) });
    const t0 = performance.now();
    s.net.run(60_000);
    const realMs = performance.now() - t0;
    expect(s.net.now).toBe(60_000);
    expect(s.net.stats().total.sent).toBeGreaterThan(10_000);
    expect(echoes).toBeGreaterThan(5000);
    expect(realMs).toBeLessThan(20_000); // generous sanity bound only; typically tens of ms
  });
});

describe('statistics and trace', () => {
  it('sent + duplicated = delivered + dropped, per link and in total', () => {
    const s = pair({ delayMs: 3, jitterMs: 4, loss: 0.2, duplicate: 0.1, reorder: 0.1, mtu: 150, bandwidthBps: 200_000, queueBytes: 2000 });
    s.sb.onReceive = (d, from) => s.sb.send(d, from);
    for (let i = 0; i < 400; i++) s.net.at(i, () => s.sa.send(pkt(i, 100 + (i % 80)), s.sb.local));
    s.net.runFor(10_000);
    const st = s.net.stats();
    for (const c of [st.total, ...Object.values(st.links)]) {
      expect(c.sent + c.duplicated).toBe(c.delivered + c.droppedTotal);
      expect(Object.values(c.dropped).reduce((x, y) => x + y, 0)).toBe(c.droppedTotal);
    }
    expect(Object.keys(st.links)).toEqual(['a->b', 'b->a']);
    expect(st.total.dropped.mtu).toBeGreaterThan(0);
    expect(st.total.dropped.loss).toBeGreaterThan(0);
    expect(st.total.dropped.queue).toBeGreaterThan(0);
    expect(st.total.duplicated).toBeGreaterThan(0);
  });

  it('the trace hook sees every send, deliver and drop with its time', () => {
    const events: TraceEvent[] = [];
    const net = new Network({ trace: (e) => events.push(e), defaultLink: { delayMs: 7 } });
    const a = net.addHost('a', '10.0.0.1').bind(1);
    const b = net.addHost('b', '10.0.0.2').bind(2);
    a.send(pkt(0, 10), b.local);
    a.send(pkt(0, 10), { address: '10.0.0.2', port: 3 });
    net.runFor(10);
    expect(events.map((e) => [e.time, e.kind, e.id, e.link, e.reason])).toEqual([
      [0, 'send', 1, 'a->b', undefined],
      [0, 'send', 2, 'a->b', undefined],
      [7, 'deliver', 1, 'a->b', undefined],
      [7, 'drop', 2, 'a->b', 'no-socket'],
    ]);
    expect(formatTrace(events[2])).toContain('deliver');
    expect(formatTrace(events[3])).toContain('drop(no-socket)');
  });
});

describe('determinism', () => {
  function traceOf(seed: number): string[] {
    const lines: string[] = [];
    const net = new Network({ seed, trace: (e) => lines.push(formatTrace(e)) });
    const a = net.addHost('a', '10.0.0.1');
    const nat = net.addNat('nat', { publicAddress: '203.0.113.1', mapping: 'address-and-port-dependent' });
    const b = nat.addHost('b', '192.168.1.2');
    net.setLink('a', 'b', { delayMs: 10, jitterMs: 8, loss: 0.2, duplicate: 0.1, reorder: 0.1 });
    const sa = a.bind(5000);
    const sb = b.bind();
    sa.onReceive = (d: Uint8Array, from: Address) => sa.send(d, from);
    const socks: SimSocket[] = [sb];
    for (let i = 0; i < 300; i++) net.at(i * 3, () => socks[0].send(pkt(i), sa.local));
    net.runFor(5000);
    return lines;
  }

  it('the same seed gives an identical trace', () => {
    const t1 = traceOf(42);
    expect(t1.length).toBeGreaterThan(600);
    expect(traceOf(42)).toEqual(t1);
  });

  it('a different seed gives a different trace', () => {
    expect(traceOf(43)).not.toEqual(traceOf(42));
  });
});

describe('properties (fast-check)', () => {
  const linkArb = fc.record({
    delayMs: fc.integer({ min: 0, max: 50 }),
    jitterMs: fc.integer({ min: 0, max: 50 }),
    loss: fc.double({ min: 0, max: 1, noNaN: true }),
    lossBurst: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 })),
    duplicate: fc.double({ min: 0, max: 1, noNaN: true }),
    reorder: fc.double({ min: 0, max: 1, noNaN: true }),
    mtu: fc.integer({ min: 50, max: 300 }),
  });

  function runOnce(seed: number, link: LinkSettings, sizes: number[]) {
    const lines: string[] = [];
    const net = new Network({ seed, trace: (e) => lines.push(formatTrace(e)) });
    const a = net.addHost('a', '10.0.0.1').bind(1);
    const b = net.addHost('b', '10.0.0.2').bind(2);
    net.setLink('a', 'b', link);
    const arrivals: number[] = [];
    b.onReceive = (_d, _f, now) => arrivals.push(now);
    sizes.forEach((n, i) => net.at(i * 3, () => a.send(new Uint8Array(n), b.local)));
    net.runFor(sizes.length * 3 + 1000);
    return { lines, arrivals, st: net.stats().total, pending: net.pending };
  }

  it('for any link and traffic: conservation, arrivals within [delay, last send + delay + jitter + reorder], same seed same trace', () => {
    fc.assert(
      fc.property(fc.integer(), linkArb, fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 60 }), (seed, link, sizes) => {
        const r = runOnce(seed, link, sizes);
        expect(r.pending).toBe(0);
        expect(r.st.sent).toBe(sizes.length);
        expect(r.st.sent + r.st.duplicated).toBe(r.st.delivered + r.st.droppedTotal);
        expect(r.st.dropped.mtu).toBe(sizes.filter((n) => n > link.mtu).length);
        for (const t of r.arrivals) expect(t).toBeGreaterThanOrEqual(link.delayMs);
        const last = (sizes.length - 1) * 3 + link.delayMs + link.jitterMs + (link.reorder > 0 ? 20 : 0);
        for (const t of r.arrivals) expect(t).toBeLessThanOrEqual(last);
        expect(runOnce(seed, link, sizes).lines).toEqual(r.lines);
      }),
      { numRuns: 100 },
    );
  });
});
