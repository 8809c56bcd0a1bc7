/**
 * Malformed datagrams of every RFC 7983 first-byte class, thrown at a connected peer: each must be
 * dropped and counted (never an exception out of the socket handler), and the call goes on.
 *
 *   0..3 STUN · 16..19 ZRTP · 20..63 DTLS · 64..79 TURN channel · 128..191 RTP/RTCP · rest unknown
 */
import { describe, expect, test } from 'vitest';
import { seededRandom } from '@rtcstack/common';
import { negotiate, openChannelPair, runUntil, simPeers, trickle } from './support/call.ts';
import { classifyPacket, PACKET_CLASSES, type PacketClass } from '../src/demux.ts';
import type { PeerConnectionCore } from '../src/core.ts';
import { AudioTrack } from '../src/transceiver.ts';

/** Garbage for one first byte: random tails, plus headers that look right for the class. */
function garbageFor(first: number, rnd: (n: number) => Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array([first])];
  for (const len of [2, 12, 20, 64, 300]) {
    const d = rnd(len);
    d[0] = first;
    out.push(d);
  }
  const withHead = (head: number[], tail: number): Uint8Array => {
    const d = new Uint8Array(head.length + tail);
    d.set(head);
    d.set(rnd(tail), head.length);
    return d;
  };
  if (first <= 3) {
    // STUN header with the magic cookie, a length that lies, random attributes (RFC 8489 §5).
    out.push(withHead([first, 0x01, 0x00, 0x30, 0x21, 0x12, 0xa4, 0x42], 12 + 48));
    out.push(withHead([first, 0x01, 0xff, 0xfc, 0x21, 0x12, 0xa4, 0x42], 12 + 4));
  }
  if (first === 22 || first === 23 || first === 21) {
    // DTLS 1.2 record header, epochs 0 and 1, a length past the end (RFC 6347 §4.1).
    out.push(withHead([first, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 9, 9, 0x00, 0x40], 64));
    out.push(withHead([first, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0x40, 0x00], 16));
  }
  if (first === 0x80) {
    // RTP v2 (PT 0) and RTCP SR (PT 200) headers with garbage after (RFC 3550 §5.1, §6.4.1).
    out.push(withHead([0x80, 0x00, 0x12, 0x34], 40));
    out.push(withHead([0x80, 200, 0x00, 0x06], 24));
    out.push(withHead([0x81, 205, 0x00, 0x02], 12));
  }
  return out;
}

const demuxTotal = (core: PeerConnectionCore): number => PACKET_CLASSES.reduce((s, c) => s + core.stats.demux[c], 0);
const dropped = (core: PeerConnectionCore): number =>
  core.stats.droppedNoLayer +
  core.stats.srtpAuthFailures +
  core.stats.srtpReplays +
  core.stats.srtpParseErrors +
  core.stats.srtpUnknownSsrc +
  (core.ice ? core.ice.stats.malformed + core.ice.stats.badFingerprint + core.ice.stats.badRequest + core.ice.stats.unauthenticated : 0) +
  (core.dtls ? core.dtls.stats.malformed + core.dtls.stats.badRecordMac + core.dtls.stats.replayed : 0);

describe('garbage of every first-byte class at a connected peer (RFC 7983 §7)', () => {
  test('each datagram is classified, dropped and counted; messages still flow both ways', async () => {
    const { net, a, b, chA, chB } = await openChannelPair(77);
    const gotB: unknown[] = [];
    const gotA: unknown[] = [];
    chB.onmessage = (e) => gotB.push((e as MessageEvent).data);
    chA.onmessage = (e) => gotA.push((e as MessageEvent).data);

    const rnd = seededRandom(5);
    const seen = new Set<PacketClass>();
    for (const [victim, peer] of [
      [b, a],
      [a, b],
    ] as const) {
      const core = victim.pc.core;
      const pair = core.selectedPair!;
      // From the peer's own transport address (a spoofed source the ICE agent accepts).
      const from = { address: pair.remote.address, port: pair.remote.port };
      const to = pair.local.base ?? { address: pair.local.address, port: pair.local.port };
      const beforeSeen = demuxTotal(core);
      const beforeDropped = dropped(core);
      let n = 0;
      for (let first = 0; first < 256; first++) {
        for (const d of garbageFor(first, rnd)) {
          seen.add(classifyPacket(d));
          expect(() => core.handleDatagram(net.now, d, from, to)).not.toThrow();
          n++;
        }
      }
      // Every datagram was classified, and every one went to a drop counter (none was delivered).
      expect(demuxTotal(core) - beforeSeen).toBe(n);
      expect(dropped(core) - beforeDropped).toBe(n);
      const st = core.stats;
      expect(st.srtpFailures).toBe(st.srtpAuthFailures + st.srtpReplays + st.srtpParseErrors + st.srtpUnknownSsrc);
      expect(victim.pc.connectionState).toBe('connected');
      expect(peer.pc.connectionState).toBe('connected');
    }
    expect([...seen].sort()).toEqual([...PACKET_CLASSES].sort());

    chA.send('still here?');
    chB.send('yes');
    expect(await runUntil(net, () => gotB.length === 1 && gotA.length === 1, 5_000)).toBe(true);
    expect(gotB).toEqual(['still here?']);
    expect(gotA).toEqual(['yes']);
    a.pc.close();
    b.pc.close();
  });

  test('every one-byte corruption of a real DTLS application-data record is dropped and counted', async () => {
    const sent: Uint8Array[] = [];
    const { net, a, b, chA, chB } = await openChannelPair(78, { delayMs: 10 }, {
      onWire: (e) => {
        if (e.dir === 'out' && e.cls === 'dtls') sent.push(e.data);
      },
    });
    // A record both peers sent after the handshake: content type 23 (application_data), epoch 1.
    const record = sent.find((d) => d[0] === 23 && d[3] === 0 && d[4] === 1)!;
    expect(record).toBeDefined();
    // It came from one of them; inject its corruptions at the other, from the sender's address.
    for (const victim of [a, b]) {
      const core = victim.pc.core;
      const pair = core.selectedPair!;
      const from = { address: pair.remote.address, port: pair.remote.port };
      const to = pair.local.base ?? { address: pair.local.address, port: pair.local.port };
      const before = dropped(core);
      for (let i = 0; i < record.length; i++) {
        const d = record.slice();
        d[i] ^= 0x40;
        core.handleDatagram(net.now, d, from, to);
      }
      // One record from the other peer replayed as-is (or, at its sender, a record from "itself").
      core.handleDatagram(net.now, record.slice(), from, to);
      expect(dropped(core) - before).toBe(record.length + 1);
    }
    const gotB: unknown[] = [];
    chB.onmessage = (e) => gotB.push((e as MessageEvent).data);
    chA.send('after the noise');
    expect(await runUntil(net, () => gotB.length === 1, 5_000)).toBe(true);
    a.pc.close();
    b.pc.close();
  });
});

describe('the socket handler’s last line of defence (DESIGN.md: never an uncaught exception)', () => {
  test('an exception inside a layer is counted as an internal error and the call goes on', async () => {
    const { net, a, b, chA, chB } = await openChannelPair(79);
    const got: unknown[] = [];
    chB.onmessage = (e) => got.push((e as MessageEvent).data);

    // Simulate a bug: b's core throws on the next datagram it is handed by the transport.
    const core = b.pc.core;
    const real = core.handleDatagram.bind(core);
    let thrown = 0;
    core.handleDatagram = (...args: Parameters<typeof real>) => {
      if (thrown === 0) {
        thrown++;
        throw new Error('a bug in some layer');
      }
      return real(...args);
    };
    chA.send('lost to the bug');
    // Without the guard the exception would escape the simulated socket callback and this throws.
    await runUntil(net, () => thrown === 1, 2_000);
    expect(core.stats.internalErrors).toBe(1);
    expect(String(core.stats.lastInternalError)).toContain('a bug in some layer');
    const report = [...(await b.pc.getStats()).values()].find((r) => r.type === 'transport') as
      | Record<string, unknown>
      | undefined;
    expect(report?.internalErrors).toBe(1);

    // SCTP retransmits what the bug swallowed; the call is unharmed.
    chA.send('after the bug');
    expect(await runUntil(net, () => got.length === 2, 10_000)).toBe(true);
    expect(got).toEqual(['lost to the bug', 'after the bug']);
    expect(b.pc.connectionState).toBe('connected');
    a.pc.close();
    b.pc.close();
  });
});

describe('SRTP drops are counted by reason (RFC 3711 §3.3) and surface in getStats', () => {
  test('a replayed copy, a tampered tag and a truncated packet each go to their own counter', async () => {
    const { net, a, b } = simPeers(79);
    trickle(a.pc, b.pc);
    a.pc.addTrack(new AudioTrack('a'));
    const srtpToB: Uint8Array[] = [];
    net.addFilter((d) => {
      if (d.toNode === 'bob' && d.data[0] >= 128 && d.data[0] <= 191 && d.data[1] === 0) srtpToB.push(Uint8Array.from(d.data));
      return undefined;
    });
    await negotiate(a.pc, b.pc);
    expect(await runUntil(net, () => b.pc.connectionState === 'connected' && srtpToB.length > 3)).toBe(true);
    const core = b.pc.core;
    const pair = core.selectedPair!;
    const from = { address: pair.remote.address, port: pair.remote.port };
    const to = pair.local.base ?? { address: pair.local.address, port: pair.local.port };
    const before = { ...core.stats };
    const original = srtpToB[1];
    const tampered = original.slice();
    // A sequence number not yet seen (the replay check comes first, RFC 3711 §3.3 steps 2 and 5),
    // so the altered authenticated header must fail the tag check.
    tampered[2] ^= 0x10;
    core.handleDatagram(net.now, original, from, to); // already received: RFC 3711 §3.3.2 replay
    core.handleDatagram(net.now, tampered, from, to);
    core.handleDatagram(net.now, original.slice(0, 6), from, to); // shorter than an RTP header
    const d = (k: 'srtpReplays' | 'srtpAuthFailures' | 'srtpParseErrors' | 'srtpUnknownSsrc' | 'srtpFailures') => core.stats[k] - before[k];
    expect({ replays: d('srtpReplays'), auth: d('srtpAuthFailures'), parse: d('srtpParseErrors'), unknown: d('srtpUnknownSsrc'), all: d('srtpFailures') }).toEqual({
      replays: 1,
      auth: 1,
      parse: 1,
      unknown: 0,
      all: 3,
    });
    const transport = [...(await b.pc.getStats()).values()].find((s) => s.type === 'transport')!;
    expect(transport).toMatchObject({
      srtpFailures: core.stats.srtpFailures,
      srtpAuthFailures: core.stats.srtpAuthFailures,
      srtpReplays: core.stats.srtpReplays,
      srtpParseErrors: core.stats.srtpParseErrors,
      srtpUnknownSsrc: core.stats.srtpUnknownSsrc,
    });
    expect(b.pc.connectionState).toBe('connected');
    a.pc.close();
    b.pc.close();
  });
});
