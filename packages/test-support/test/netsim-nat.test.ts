import { describe, expect, it } from 'vitest';
import { addressKey, type Address } from '@rtcstack/common';
import { NAT_BEHAVIOURS, NAT_PRESETS, Network, type NatBehaviour, type NatOptions, type TraceEvent } from '../src/index.ts';

const X = '198.51.100.1';
const Y = '198.51.100.2';
const NAT_IP = '203.0.113.1';
const B = '192.168.1.2';

/**
 * Host b (192.168.1.2:5000) behind a NAT (public 203.0.113.1); public host x (198.51.100.1)
 * with sockets on ports 3478 and 3479, public host y (198.51.100.2) on 3478. Every public
 * socket records the source address it sees and echoes nothing.
 */
function setup(nat: Partial<NatOptions> = {}, seed = 1) {
  const events: TraceEvent[] = [];
  const net = new Network({ seed, defaultLink: { delayMs: 5 }, trace: (e) => events.push(e) });
  const n = net.addNat('nat', { publicAddress: NAT_IP, ...nat });
  const b = n.addHost('b', B);
  const sb = b.bind(5000);
  const x = net.addHost('x', X);
  const y = net.addHost('y', Y);
  const pub = { x3478: x.bind(3478), x3479: x.bind(3479), y3478: y.bind(3478) };
  const seenAt: Record<string, Address[]> = { x3478: [], x3479: [], y3478: [] };
  for (const [k, s] of Object.entries(pub)) s.onReceive = (_d, from) => seenAt[k].push(from);
  const gotB: Address[] = [];
  sb.onReceive = (_d, from) => gotB.push(from);
  return { net, nat: n, b, sb, pub, seenAt, gotB, events };
}

const one = new Uint8Array([1]);

describe('RFC 4787 §4.1 mapping behaviour: which destinations share an external port', () => {
  // b sends from 192.168.1.2:5000 to x:3478, x:3479 and y:3478; compare the source ports they see.
  const cases: { mapping: NatBehaviour; sameX3479: boolean; sameY: boolean }[] = [
    { mapping: 'endpoint-independent', sameX3479: true, sameY: true }, // §4.1 "Endpoint-Independent Mapping"
    { mapping: 'address-dependent', sameX3479: true, sameY: false }, // same port only to the same remote IP
    { mapping: 'address-and-port-dependent', sameX3479: false, sameY: false }, // a new port per remote IP:port
  ];
  it.each(cases)('$mapping: x:3479 reuses x:3478 port = $sameX3479, y:3478 reuses it = $sameY', ({ mapping, sameX3479, sameY }) => {
    const s = setup({ mapping, filtering: 'endpoint-independent' });
    s.sb.send(one, s.pub.x3478.local);
    s.sb.send(one, s.pub.x3479.local);
    s.sb.send(one, s.pub.y3478.local);
    s.sb.send(one, s.pub.x3478.local); // again: always the same mapping as the first
    s.net.runFor(10);
    const [first, again] = s.seenAt.x3478;
    const [x3479] = s.seenAt.x3479;
    const [y] = s.seenAt.y3478;
    for (const a of [first, again, x3479, y]) expect(a.address).toBe(NAT_IP);
    expect(again).toEqual(first);
    expect(x3479.port === first.port).toBe(sameX3479);
    expect(y.port === first.port).toBe(sameY);
    expect(y.port === x3479.port).toBe(mapping === 'endpoint-independent');
    expect(s.nat.mappings(s.net.now).length).toBe(mapping === 'endpoint-independent' ? 1 : mapping === 'address-dependent' ? 2 : 3);
  });
});

describe('RFC 4787 §5 filtering behaviour: which inbound datagrams pass', () => {
  // b has sent one datagram to x:3478. Then x:3478, x:3479 and y:3478 each send to b's
  // external address. Unsolicited traffic to an unmapped port never passes.
  const cases: { filtering: NatBehaviour; x3478: boolean; x3479: boolean; y3478: boolean }[] = [
    { filtering: 'endpoint-independent', x3478: true, x3479: true, y3478: true }, // any remote
    { filtering: 'address-dependent', x3478: true, x3479: true, y3478: false }, // remote IP b sent to
    { filtering: 'address-and-port-dependent', x3478: true, x3479: false, y3478: false }, // remote IP:port b sent to
  ];
  it.each(cases)('$filtering: from x:3478 $x3478, from x:3479 $x3479, from y:3478 $y3478', ({ filtering, ...expected }) => {
    const s = setup({ mapping: 'endpoint-independent', filtering });
    s.sb.send(one, s.pub.x3478.local);
    s.net.runFor(10);
    const ext = s.seenAt.x3478[0];
    const passed: Record<string, boolean> = {};
    for (const k of ['x3478', 'x3479', 'y3478'] as const) {
      const before = s.gotB.length;
      s.pub[k].send(one, ext);
      s.net.runFor(10);
      passed[k] = s.gotB.length === before + 1;
      if (passed[k]) expect(s.gotB.at(-1)).toEqual(s.pub[k].local); // b sees the real remote
    }
    expect(passed).toEqual(expected);
    const dropped = Object.values(expected).filter((v) => !v).length;
    expect(s.net.stats().total.dropped['nat-filter']).toBe(dropped);
  });

  it.each(NAT_BEHAVIOURS)('%s filtering: unsolicited datagrams to the public address are dropped (no mapping)', (filtering) => {
    const s = setup({ filtering });
    s.pub.x3478.send(one, { address: NAT_IP, port: 40000 });
    s.net.runFor(10);
    expect(s.gotB).toEqual([]);
    expect(s.net.stats().total.dropped['nat-no-mapping']).toBe(1);
    expect(s.net.linkStats('x', 'nat').dropped['nat-no-mapping']).toBe(1);
  });
});

describe('RFC 4787 §4.3 mapping timeout', () => {
  function afterOutboundAt0(opts: Partial<NatOptions>, replyAt: number, outboundAlsoAt?: number) {
    const s = setup({ filtering: 'address-and-port-dependent', ...opts });
    s.sb.send(one, s.pub.x3478.local);
    s.net.runFor(10);
    const ext = s.seenAt.x3478[0];
    if (outboundAlsoAt !== undefined) s.net.at(outboundAlsoAt, () => s.sb.send(one, s.pub.x3478.local));
    // the reply arrives at the NAT at replyAt (x -> nat link delay is 5 ms)
    s.net.at(replyAt - 5, () => s.pub.x3478.send(one, ext));
    s.net.run(replyAt + 100);
    return s;
  }

  it.each([
    { what: 'default 120 s: reply at 119.9 s passes', opts: {}, replyAt: 119_900, passes: true },
    { what: 'default 120 s: reply at 120.1 s is dropped', opts: {}, replyAt: 120_100, passes: false },
    { what: '30 s timeout: reply at 29 s passes', opts: { mappingTimeoutMs: 30_000 }, replyAt: 29_000, passes: true },
    { what: '30 s timeout: reply at 31 s is dropped', opts: { mappingTimeoutMs: 30_000 }, replyAt: 31_000, passes: false },
    { what: 'outbound at 100 s refreshes: reply at 200 s passes', opts: {}, replyAt: 200_000, passes: true, outboundAt: 100_000 },
  ])('$what', ({ opts, replyAt, passes, outboundAt }) => {
    const s = afterOutboundAt0(opts, replyAt, outboundAt);
    expect(s.gotB.length).toBe(passes ? 1 : 0);
    expect(s.net.stats().total.dropped['nat-no-mapping']).toBe(passes ? 0 : 1);
    if (!passes) expect(s.events.some((e) => e.kind === 'nat-expire')).toBe(true);
  });

  it.each([
    { refreshOnInbound: false, passes: false },
    { refreshOnInbound: true, passes: true },
  ])('inbound traffic refreshes the mapping only if refreshOnInbound ($refreshOnInbound)', ({ refreshOnInbound, passes }) => {
    const s = setup({ refreshOnInbound, mappingTimeoutMs: 30_000 });
    s.sb.send(one, s.pub.x3478.local);
    s.net.runFor(10);
    const ext = s.seenAt.x3478[0];
    s.net.at(20_000, () => s.pub.x3478.send(one, ext)); // passes either way
    s.net.at(40_000, () => s.pub.x3478.send(one, ext)); // 40 s after the last outbound
    s.net.runFor(60_000);
    expect(s.gotB.length).toBe(passes ? 2 : 1);
  });

  it('after expiry, new outbound traffic creates a fresh mapping', () => {
    const s = setup({ mappingTimeoutMs: 1000 });
    s.sb.send(one, s.pub.x3478.local);
    s.net.runFor(5000);
    expect(s.nat.mappings(s.net.now)).toEqual([]);
    s.sb.send(one, s.pub.x3478.local);
    s.net.runFor(10);
    expect(s.nat.mappings(s.net.now).length).toBe(1);
    expect(s.events.filter((e) => e.kind === 'nat-map').length).toBe(2);
    expect(s.events.filter((e) => e.kind === 'nat-expire').length).toBe(1);
  });
});

describe('port preservation (§4.2.1) and hairpinning (§6)', () => {
  it.each([
    { portPreservation: true, expectPort: 5000 },
    { portPreservation: false, expectPort: undefined },
  ])('portPreservation $portPreservation', ({ portPreservation, expectPort }) => {
    const s = setup({ portPreservation, mapping: 'address-and-port-dependent' });
    const b2 = s.nat.addHost('b2', '192.168.1.3').bind(5000);
    s.sb.send(one, s.pub.x3478.local);
    s.sb.send(one, s.pub.x3479.local); // second mapping for 5000: port taken, must differ
    b2.send(one, s.pub.y3478.local); // another host's 5000: port taken too
    s.net.runFor(10);
    const [p1, p2, p3] = [s.seenAt.x3478[0].port, s.seenAt.x3479[0].port, s.seenAt.y3478[0].port];
    if (expectPort !== undefined) expect(p1).toBe(expectPort);
    else expect(p1).not.toBe(5000); // seed 1 draws a random port
    expect(new Set([p1, p2, p3]).size).toBe(3);
  });

  it.each([
    { hairpinning: false, filtering: 'endpoint-independent', outcome: 'nat-hairpin' },
    { hairpinning: true, filtering: 'endpoint-independent', outcome: 'delivered' },
    { hairpinning: true, filtering: 'address-and-port-dependent', outcome: 'nat-filter' },
  ] as const)('hairpinning $hairpinning, filtering $filtering: b2 -> b via the public address: $outcome', ({ hairpinning, filtering, outcome }) => {
    const s = setup({ hairpinning, filtering });
    const b2 = s.nat.addHost('b2', '192.168.1.3').bind(6000);
    s.sb.send(one, s.pub.x3478.local); // b gets a mapping
    b2.send(one, s.pub.x3479.local); // and so does b2
    s.net.runFor(10);
    const bExt = s.seenAt.x3478[0];
    const b2Ext = s.seenAt.x3479[0];
    b2.send(one, bExt);
    s.net.runFor(10);
    if (outcome === 'delivered') {
      // RFC 4787 REQ-9: the source is b2's external address, not its private one.
      expect(s.gotB).toEqual([b2Ext]);
    } else {
      expect(s.gotB).toEqual([]);
      expect(s.net.stats().total.dropped[outcome]).toBe(1);
    }
  });
});

describe('routing around NATs', () => {
  it('hosts behind the same NAT talk on private addresses; no mapping is made', () => {
    const s = setup();
    const b2 = s.nat.addHost('b2', '192.168.1.3').bind(6000);
    b2.send(one, s.sb.local);
    s.net.runFor(10);
    expect(s.gotB).toEqual([{ address: '192.168.1.3', port: 6000 }]);
    expect(s.nat.mappings(s.net.now)).toEqual([]);
  });

  it('private address spaces of different NATs are separate', () => {
    const s = setup();
    const nat2 = s.net.addNat('nat2', { publicAddress: '203.0.113.2' });
    nat2.addHost('c', B); // the same private address as b, behind another NAT: allowed
    const d = nat2.addHost('d', '192.168.1.3').bind(1);
    s.sb.send(one, d.local); // 192.168.1.3 exists only behind nat2: b cannot reach it
    s.net.runFor(10);
    expect(d.inbox).toEqual([]);
    expect(s.net.stats().total.dropped['no-route']).toBe(1);
  });

  it('a public host cannot reach a private address', () => {
    const s = setup();
    s.pub.x3478.send(one, s.sb.local);
    s.net.runFor(10);
    expect(s.gotB).toEqual([]);
    expect(s.net.stats().total.dropped['no-route']).toBe(1);
  });

  it('setLink between a public host and a host behind a NAT applies both ways once mapped', () => {
    const s = setup();
    s.net.setLink('x', 'b', { delayMs: 30 });
    const times: number[] = [];
    s.pub.x3478.onReceive = (_d, from, now) => (times.push(now), s.pub.x3478.send(one, from));
    s.sb.onReceive = (_d, _f, now) => times.push(now);
    s.sb.send(one, s.pub.x3478.local);
    s.net.runFor(100);
    expect(times).toEqual([30, 60]);
    expect(Object.keys(s.net.stats().links)).toEqual(['b->x', 'x->b']);
  });

  it('the trace shows the NAT translation both ways', () => {
    const s = setup();
    s.pub.x3478.onReceive = (_d, from) => s.pub.x3478.send(one, from);
    s.sb.send(one, s.pub.x3478.local);
    s.net.runFor(20);
    const kinds = s.events.map((e) => `${e.kind}:${e.link}`);
    expect(kinds).toEqual(['send:b->x', 'nat-map:nat', 'deliver:b->x', 'send:x->b', 'deliver:x->b']);
    const deliverToB = s.events[4];
    expect(deliverToB.to).toEqual({ address: B, port: 5000 });
    expect(deliverToB.note).toMatch(/dst 203\.0\.113\.1:\d+ -> 192\.168\.1\.2:5000/);
    expect(addressKey(s.events[2].from)).toMatch(/^203\.0\.113\.1:/);
  });
});

describe('hole punching between two NATs (what ICE relies on)', () => {
  // b behind natB and c behind natC learn their external addresses from server s (it echoes
  // the source address), then both send to the other's external address every 50 ms and
  // answer every datagram to its source. Success: each received something from the other.
  type Kind = { mapping: NatBehaviour; filtering: NatBehaviour };
  const EIM_EIF: Kind = NAT_PRESETS['full-cone'];
  const EIM_ADF: Kind = NAT_PRESETS['restricted-cone'];
  const EIM_APDF: Kind = NAT_PRESETS['port-restricted-cone'];
  const SYMMETRIC: Kind = NAT_PRESETS.symmetric;
  const cases: { name: string; b: Kind; c: Kind; connects: boolean }[] = [
    { name: 'full cone <-> full cone', b: EIM_EIF, c: EIM_EIF, connects: true },
    { name: 'port-restricted <-> port-restricted', b: EIM_APDF, c: EIM_APDF, connects: true },
    { name: 'full cone <-> port-restricted', b: EIM_EIF, c: EIM_APDF, connects: true },
    { name: 'restricted cone <-> port-restricted', b: EIM_ADF, c: EIM_APDF, connects: true },
    { name: 'restricted cone <-> restricted cone', b: EIM_ADF, c: EIM_ADF, connects: true },
    { name: 'symmetric <-> full cone', b: SYMMETRIC, c: EIM_EIF, connects: true },
    { name: 'symmetric <-> restricted cone', b: SYMMETRIC, c: EIM_ADF, connects: true },
    { name: 'symmetric <-> port-restricted', b: SYMMETRIC, c: EIM_APDF, connects: false },
    { name: 'symmetric <-> symmetric', b: SYMMETRIC, c: SYMMETRIC, connects: false },
  ];
  it.each(cases)('$name connects: $connects', ({ b, c, connects }) => {
    const net = new Network({ seed: 7, defaultLink: { delayMs: 10 } });
    const server = net.addHost('s', '198.51.100.9').bind(3478);
    server.onReceive = (_d, from) => server.send(new TextEncoder().encode(addressKey(from)), from);
    const sb = net.addNat('natB', { publicAddress: '203.0.113.1', ...b }).addHost('b', '192.168.1.2').bind(5000);
    const sc = net.addNat('natC', { publicAddress: '203.0.113.2', ...c }).addHost('c', '10.1.1.2').bind(5000);
    const learned = new Map<string, Address>();
    const heard = new Set<string>();
    for (const [name, sock] of [['b', sb], ['c', sc]] as const) {
      sock.onReceive = (data, from) => {
        if (from.address === '198.51.100.9') {
          const [address, port] = new TextDecoder().decode(data).split(':');
          learned.set(name, { address, port: Number(port) });
        } else {
          heard.add(name);
          if (data[0] === 1) sock.send(new Uint8Array([2]), from); // answer pings
        }
      };
      sock.send(one, server.local);
    }
    net.runFor(100);
    expect(learned.size).toBe(2);
    let next = net.now;
    net.attach({
      nextTimeout: () => next,
      handleTimeout: (now) => {
        sb.send(new Uint8Array([1]), learned.get('c') as Address);
        sc.send(new Uint8Array([1]), learned.get('b') as Address);
        next = now + 50;
      },
    });
    const ok = net.runUntil(() => heard.size === 2, 2000);
    expect(ok).toBe(connects);
  });
});
