import { decodeRtp, encodeRtp, type RtpPacket } from '@rtcstack/rtp-rtcp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JitterBuffer, NackGenerator, PacketHistory, Unwrapper, type BufferedPacket } from '../src/media/index.ts';

const packet: RtpPacket = decodeRtp(encodeRtp({ marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 1, csrcs: [], payload: new Uint8Array(160), padding: 0 }));
const entry = (sequence: number, arrivedAt: number, samples: number | undefined = 160): BufferedPacket => ({ sequence, timestamp: 160 * sequence, arrivedAt, samples, packet });

describe('Unwrapper', () => {
  it.each([
    // bits, inputs, extended outputs
    [16, [65534, 65535, 0, 1], [65534, 65535, 65536, 65537]],
    [16, [1, 0, 65535, 2], [1, 0, -1, 2]], // reordered across the wrap, backwards
    [16, [100, 32867, 100, 65535, 100], [100, 32867, 100, 65535, 65636]], // nearest to the highest seen, either way
    [32, [2 ** 32 - 160, 0, 160], [2 ** 32 - 160, 2 ** 32, 2 ** 32 + 160]],
  ] as const)('%i-bit %j -> %j', (bits, inputs, expected) => {
    const u = new Unwrapper(bits);
    expect(inputs.map((v) => u.unwrap(v))).toEqual(expected);
  });
});

describe('JitterBuffer (60 ms, 8 kHz, 20 ms packets)', () => {
  it('holds each packet until firstArrival + delay + its media time, then releases in order', () => {
    const jb = new JitterBuffer({ delayMs: 60, clockRate: 8000 });
    expect(jb.insert(entry(0, 100))).toBe('buffered');
    expect(jb.insert(entry(2, 140))).toBe('buffered');
    expect(jb.insert(entry(1, 145))).toBe('buffered'); // reordered
    expect(jb.nextTimeout()).toBe(160);
    expect(jb.pop(159)).toBeUndefined();
    expect(jb.pop(160)).toMatchObject({ kind: 'packet', entry: { sequence: 0 } });
    expect(jb.pop(179)).toBeUndefined();
    expect(jb.nextTimeout()).toBe(180);
    expect(jb.pop(200)).toMatchObject({ kind: 'packet', entry: { sequence: 1 } });
    expect(jb.pop(200)).toMatchObject({ kind: 'packet', entry: { sequence: 2 } });
    expect(jb.pop(200)).toBeUndefined();
  });

  it('reports a missing packet when its slot comes, on time, and a packet after its slot is late', () => {
    const jb = new JitterBuffer({ delayMs: 60, clockRate: 8000 });
    jb.insert(entry(0, 0));
    jb.insert(entry(3, 60));
    expect(jb.pop(60)).toMatchObject({ kind: 'packet', entry: { sequence: 0 } });
    // #1 would play at 80, #2 at 100.
    expect(jb.deadline(1)).toBe(80);
    expect(jb.deadline(2)).toBe(100);
    expect(jb.stillPlayable(1, 80)).toBe(true);
    expect(jb.stillPlayable(1, 81)).toBe(false);
    expect(jb.nextTimeout()).toBe(80);
    expect(jb.pop(79)).toBeUndefined();
    expect(jb.pop(80)).toEqual({ kind: 'missing', sequence: 1, timestamp: 160, samples: 160 });
    expect(jb.pop(80)).toBeUndefined();
    expect(jb.stillPlayable(1, 81)).toBe(false);
    expect(jb.insert(entry(1, 85))).toBe('late');
    expect(jb.pop(100)).toEqual({ kind: 'missing', sequence: 2, timestamp: 320, samples: 160 });
    expect(jb.pop(120)).toMatchObject({ kind: 'packet', entry: { sequence: 3 } });
  });

  it('a duplicate is reported; a packet arriving by its playout time plays, after it is late', () => {
    const jb = new JitterBuffer({ delayMs: 60, clockRate: 8000 });
    jb.insert(entry(0, 0));
    jb.insert(entry(3, 40));
    expect(jb.insert(entry(3, 41))).toBe('duplicate');
    expect(jb.pop(60)).toMatchObject({ kind: 'packet', entry: { sequence: 0 } });
    // #1 is due at 80 and comes just in time; #2 is due at 100 and comes at 101.
    expect(jb.insert(entry(1, 80))).toBe('buffered');
    expect(jb.pop(80)).toMatchObject({ kind: 'packet', entry: { sequence: 1 } });
    expect(jb.insert(entry(2, 101))).toBe('late');
    expect(jb.pop(101)).toMatchObject({ kind: 'missing', sequence: 2 });
  });

  it('conceals at most maxConcealMs, then idles until packets come again', () => {
    const jb = new JitterBuffer({ delayMs: 60, clockRate: 8000, maxConcealMs: 100 });
    jb.insert(entry(0, 0));
    expect(jb.pop(60)).toMatchObject({ kind: 'packet' });
    const missing: number[] = [];
    for (let e = jb.pop(10_000); e; e = jb.pop(10_000)) missing.push(e.kind === 'missing' ? e.sequence : -1);
    expect(missing).toEqual([1, 2, 3, 4, 5]);
    expect(jb.nextTimeout()).toBeUndefined();
    // The stream resumes at #500 (10 s later on the schedule): played at its time, no concealment.
    jb.insert(entry(500, 9_990));
    expect(jb.pop(10_060)).toMatchObject({ kind: 'packet', entry: { sequence: 500 } });
  });

  it('learns the packet duration from timestamps when the payload does not tell (opaque codecs)', () => {
    const jb = new JitterBuffer({ delayMs: 60, clockRate: 8000 });
    jb.insert(entry(0, 0, undefined));
    jb.insert(entry(1, 20, undefined));
    jb.insert(entry(3, 60, undefined));
    expect(jb.pop(60)).toMatchObject({ kind: 'packet', entry: { sequence: 0 } });
    expect(jb.pop(80)).toMatchObject({ kind: 'packet', entry: { sequence: 1 } });
    expect(jb.pop(100)).toEqual({ kind: 'missing', sequence: 2, timestamp: 320, samples: 160 });
  });

  it('re-bases the schedule when timestamps jump (3 packets in a row behind it, or one far ahead)', () => {
    const jb = new JitterBuffer({ delayMs: 60, clockRate: 8000 });
    jb.insert(entry(0, 0));
    expect(jb.pop(60)).toMatchObject({ kind: 'packet' });
    // #1..#3 carry a timestamp from 1 s in the past (a sender restart that did not advance it).
    const back = (s: number, at: number): BufferedPacket => ({ ...entry(s, at), timestamp: 160 * s - 8000 });
    expect(jb.insert(back(1, 20))).toBe('late');
    expect(jb.insert(back(2, 40))).toBe('late');
    expect(jb.insert(back(3, 60))).toBe('buffered');
    expect(jb.pop(120)).toMatchObject({ kind: 'missing', sequence: 1 });
    expect(jb.pop(120)).toMatchObject({ kind: 'missing', sequence: 2 });
    expect(jb.pop(120)).toMatchObject({ kind: 'packet', entry: { sequence: 3 } });
    // A jump 1 h ahead is taken at once.
    const ahead: BufferedPacket = { ...entry(4, 80), timestamp: 160 * 4 + 8000 * 3600 };
    expect(jb.insert(ahead)).toBe('buffered');
    expect(jb.pop(140)).toMatchObject({ kind: 'packet', entry: { sequence: 4 } });
  });

  /** Feed (sequence, arrival) pairs in arrival order, popping every ms; returns what came out when. */
  function run(arrivals: { s: number; at: number }[], until: number) {
    const jb = new JitterBuffer({ delayMs: 60, clockRate: 8000 });
    const sorted = [...arrivals].sort((a, b) => a.at - b.at);
    const out: { seq: number; at: number; kind: string }[] = [];
    let i = 0;
    let late = 0;
    for (let now = 0; now <= until; now++) {
      while (i < sorted.length && sorted[i].at <= now) jb.insert(entry(sorted[i].s, sorted[i++].at));
      for (let e = jb.pop(now); e; e = jb.pop(now)) {
        if (e.kind === 'late') late++;
        else out.push({ seq: e.kind === 'packet' ? e.entry.sequence : e.sequence, at: now, kind: e.kind });
      }
    }
    return { out, sorted, late };
  }
  const delays = (max: number) => fc.array(fc.option(fc.integer({ min: 0, max }), { nil: undefined, freq: 8 }), { minLength: 1, maxLength: 60 });
  const toArrivals = (ds: (number | undefined)[]) =>
    ds.map((d, s) => (d === undefined ? undefined : { s, at: 20 * s + d })).filter((x): x is { s: number; at: number } => x !== undefined);

  it('property: jitter within the delay -> every packet plays exactly at its slot, every hole is concealed at its slot', () => {
    fc.assert(
      fc.property(delays(60), (ds) => {
        const arrivals = toArrivals(ds);
        if (arrivals.length === 0) return;
        const { out, sorted } = run(arrivals, 20 * ds.length + 2_000);
        const first = sorted[0];
        const slot = (s: number) => first.at + 60 + 20 * (s - first.s);
        const got = new Set(arrivals.map((a) => a.s));
        const lo = Math.min(...got);
        const hi = Math.max(...got);
        const played = out.filter((o) => o.seq <= hi);
        expect(played.map((o) => o.seq)).toEqual(Array.from({ length: hi - lo + 1 }, (_, k) => lo + k));
        for (const o of played) {
          expect(o.kind).toBe(got.has(o.seq) ? 'packet' : 'missing');
          expect(o.at).toBe(slot(o.seq));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('property: whatever arrives when, output is in order, one slot at a time, never before arrival', () => {
    fc.assert(
      fc.property(delays(300), (ds) => {
        const arrivals = toArrivals(ds);
        const { out } = run(arrivals, 20 * ds.length + 2_000);
        out.forEach((o, k) => {
          if (k === 0) return;
          expect(o.seq).toBe(out[k - 1].seq + 1);
          expect(o.at).toBeGreaterThanOrEqual(out[k - 1].at);
        });
        for (const o of out) if (o.kind === 'packet') expect(o.at).toBeGreaterThanOrEqual(arrivals.find((a) => a.s === o.seq)!.at);
        expect(out.filter((o) => o.kind === 'packet').length).toBeLessThanOrEqual(arrivals.length);
      }),
      { numRuns: 150 },
    );
  });

  it('releases at once beyond maxPackets', () => {
    const jb = new JitterBuffer({ delayMs: 10_000, clockRate: 8000, maxPackets: 2 });
    [0, 1, 2].forEach((s) => jb.insert(entry(s, 0)));
    expect(jb.pop(0)).toMatchObject({ kind: 'packet', entry: { sequence: 0 } });
    expect(jb.pop(0)).toBeUndefined();
  });
});

describe('NackGenerator', () => {
  const always = () => true;

  it('waits out reordering, retries on its interval, and gives up after maxRequests', () => {
    const g = new NackGenerator({ reorderWaitMs: 10, retryIntervalMs: 50, maxRequests: 2 });
    g.onPacket(0, 100);
    g.onPacket(20, 103); // 101 and 102 missing
    expect(g.nextTimeout()).toBe(30);
    expect(g.due(29, always)).toEqual([]);
    expect(g.due(30, always)).toEqual([101, 102]);
    g.onPacket(40, 102); // repaired
    expect(g.due(79, always)).toEqual([]);
    expect(g.due(80, always)).toEqual([101]);
    expect(g.due(130, always)).toEqual([]);
    expect(g.gaveUp).toBe(1);
    expect(g.repaired).toBe(1);
    expect(g.missingCount).toBe(0);
  });

  it('a reordered packet within the wait is never requested', () => {
    const g = new NackGenerator({ reorderWaitMs: 10 });
    g.onPacket(0, 1);
    g.onPacket(20, 3);
    g.onPacket(25, 2);
    expect(g.due(100, always)).toEqual([]);
    expect(g.repaired).toBe(0);
  });

  it('forgets holes that can no longer be played', () => {
    const g = new NackGenerator({ reorderWaitMs: 0 });
    g.onPacket(0, 1);
    g.onPacket(20, 5);
    expect(g.due(20, (s) => s >= 3)).toEqual([3, 4]);
    expect(g.missingCount).toBe(2);
  });

  it('treats a jump beyond maxMissing as a restart, not a loss burst', () => {
    const g = new NackGenerator({ maxMissing: 100 });
    g.onPacket(0, 1);
    g.onPacket(20, 500);
    expect(g.missingCount).toBe(0);
    g.onPacket(40, 550);
    expect(g.missingCount).toBe(49);
  });
});

describe('PacketHistory', () => {
  it('keeps packets for historyMs', () => {
    const h = new PacketHistory(100);
    h.add(0, 65535, new Uint8Array([1]), 1);
    h.add(20, 0, new Uint8Array([2]), 1);
    expect(h.get(100, 65535)?.data).toEqual(new Uint8Array([1]));
    expect(h.get(101, 65535)).toBeUndefined();
    expect(h.get(101, 0)?.data).toEqual(new Uint8Array([2]));
    expect(h.size).toBe(1);
  });
});
