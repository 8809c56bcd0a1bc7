import { describe, expect, it } from 'vitest';
import { Network, driveCore, type LinkSettings } from '@rtcstack/test-support';
import { seededRandom } from '@rtcstack/common';
import { SctpTransport, decodeDcep, encodeDcep, DcepType, type DataChannel, type SctpTransportOptions } from '../src/index.ts';

function transports(link: LinkSettings = { delayMs: 10 }, extra: Partial<SctpTransportOptions> = {}, seed = 1) {
  const net = new Network({ seed, defaultLink: link });
  const sa = net.addHost('a', ['10.0.0.1']).bind(5000);
  const sb = net.addHost('b', ['10.0.0.2']).bind(5000);
  const clock = (): number => net.now;
  const client = new SctpTransport({ role: 'client', random: seededRandom(seed + 100), maxRetransmits: 100, clock, ...extra });
  const server = new SctpTransport({ role: 'server', random: seededRandom(seed + 200), maxRetransmits: 100, clock, ...extra });
  for (const [t, s, peer] of [
    [client, sa, sb],
    [server, sb, sa],
  ] as const) {
    driveCore(net, s, {
      onDatagram: (now, data) => t.handleInput(now, data),
      flush: (send) => {
        for (let p; (p = t.pollOutput()); ) send(p, peer.local);
      },
      nextTimeout: () => t.nextTimeout(),
      handleTimeout: (now) => t.handleTimeout(now),
    });
  }
  const incoming: DataChannel[] = [];
  server.ondatachannel = (ch) => incoming.push(ch);
  const clientIncoming: DataChannel[] = [];
  client.ondatachannel = (ch) => clientIncoming.push(ch);
  // Both WebRTC peers start the association (an INIT collision, RFC 9260 §5.2.1).
  client.start(net.now);
  server.start(net.now);
  expect(net.runUntil(() => client.state === 'connected' && server.state === 'connected', 600_000)).toBe(true);
  return { net, client, server, incoming, clientIncoming };
}

const collect = (ch: DataChannel): (string | Uint8Array)[] => {
  const out: (string | Uint8Array)[] = [];
  ch.onmessage = (e) => out.push(e.data);
  return out;
};

describe('DCEP (RFC 8832) and data channels (RFC 8831, W3C RTCDataChannel)', () => {
  it('DATA_CHANNEL_OPEN creates the channel on the peer with label, protocol and type; ACK follows', () => {
    const { net, client, incoming } = transports();
    const ch = client.createDataChannel('chat ☃', { protocol: 'proto/1' });
    expect(ch.id! % 2).toBe(0); // DTLS client: even
    const opened: string[] = [];
    ch.onopen = () => opened.push('open');
    net.runFor(100);
    expect(ch.readyState).toBe('open');
    expect(incoming.length).toBe(1);
    const peer = incoming[0];
    expect(peer.label).toBe('chat ☃');
    expect(peer.protocol).toBe('proto/1');
    expect(peer.id).toBe(ch.id);
    expect(peer.ordered).toBe(true);
    expect(peer.readyState).toBe('open');
    expect(ch.ackPending).toBe(false); // the ACK arrived
    expect(opened).toEqual(['open']); // queued, so a handler set after createDataChannel() sees it
  });

  it('server-created channels use odd stream ids', () => {
    const { net, server, clientIncoming } = transports();
    const a = server.createDataChannel('x');
    const b = server.createDataChannel('y');
    expect([a.id! % 2, b.id! % 2]).toEqual([1, 1]);
    net.runFor(100);
    expect(clientIncoming.map((c) => c.label)).toEqual(['x', 'y']);
  });

  it('strings, binary and empty messages keep their type (PPID 51/53/56/57)', () => {
    const { net, client, incoming } = transports();
    const ch = client.createDataChannel('m');
    net.runFor(50);
    const got = collect(incoming[0]);
    ch.send('héllo');
    ch.send(new Uint8Array([1, 2, 3]));
    ch.send('');
    ch.send(new Uint8Array(0));
    ch.send(new Uint16Array([0x0102]));
    const reused = new Uint8Array([5, 5]);
    ch.send(reused);
    reused.fill(6); // send() took a copy
    net.runFor(100);
    expect(got[5]).toEqual(new Uint8Array([5, 5]));
    expect(got[0]).toBe('héllo');
    expect(got[1]).toEqual(new Uint8Array([1, 2, 3]));
    expect(got[2]).toBe('');
    expect(got[3]).toEqual(new Uint8Array(0));
    expect((got[4] as Uint8Array).length).toBe(2);
    // And back.
    const back = collect(ch);
    incoming[0].send('pong');
    net.runFor(100);
    expect(back).toEqual(['pong']);
  });

  it('channel types travel in DATA_CHANNEL_OPEN: unordered, maxRetransmits, maxPacketLifeTime', () => {
    const { net, client, incoming } = transports();
    client.createDataChannel('u', { ordered: false });
    client.createDataChannel('r', { maxRetransmits: 3 });
    client.createDataChannel('t', { maxPacketLifeTime: 250, ordered: false });
    net.runFor(100);
    const byLabel = Object.fromEntries(incoming.map((c) => [c.label, c]));
    expect([byLabel.u.ordered, byLabel.u.maxRetransmits, byLabel.u.maxPacketLifeTime]).toEqual([false, null, null]);
    expect([byLabel.r.ordered, byLabel.r.maxRetransmits, byLabel.r.maxPacketLifeTime]).toEqual([true, 3, null]);
    expect([byLabel.t.ordered, byLabel.t.maxRetransmits, byLabel.t.maxPacketLifeTime]).toEqual([false, null, 250]);
    expect(() => client.createDataChannel('bad', { maxRetransmits: 1, maxPacketLifeTime: 1 })).toThrow(TypeError);
  });

  it('label and protocol lengths are counted in UTF-8 bytes', () => {
    const open = encodeDcep({ type: DcepType.OPEN, channelType: 0, priority: 256, reliabilityParameter: 0, label: 'é☃', protocol: '𝄞' });
    expect((open[8] << 8) | open[9]).toBe(5); // 2 + 3 bytes
    expect((open[10] << 8) | open[11]).toBe(4);
    expect(decodeDcep(open)).toMatchObject({ label: 'é☃', protocol: '𝄞' });
    const { client } = transports();
    expect(() => client.createDataChannel('☃'.repeat(21846))).toThrow(TypeError); // 65538 bytes
  });

  it('negotiated channels open on both sides with the agreed id and no DCEP', () => {
    const { net, client, server, incoming } = transports();
    const a = client.createDataChannel('neg', { negotiated: true, id: 7 });
    const b = server.createDataChannel('neg', { negotiated: true, id: 7 });
    net.runFor(1); // 'open' is announced on the next poll (a queued event in W3C terms)
    expect(a.readyState).toBe('open');
    expect(b.readyState).toBe('open');
    const got = collect(b);
    a.send('over 7');
    net.runFor(100);
    expect(got).toEqual(['over 7']);
    expect(incoming.length).toBe(0);
    expect(() => client.createDataChannel('dup', { negotiated: true, id: 7 })).toThrow();
  });

  it('max-message-size is enforced on send (TypeError)', () => {
    const { net, client } = transports({ delayMs: 5 }, { maxMessageSize: 1000 });
    const ch = client.createDataChannel('big');
    net.runFor(50);
    expect(() => ch.send(new Uint8Array(1001))).toThrow(TypeError);
    ch.send(new Uint8Array(1000));
    // 0 in SDP means "no limit".
    expect(new SctpTransport({ role: 'client', maxMessageSize: 0 }).maxMessageSize).toBe(Number.POSITIVE_INFINITY);
  });

  it('bufferedAmount counts unsent bytes and bufferedamountlow fires when it drops to the threshold', () => {
    const { net, client } = transports({ delayMs: 10 });
    const ch = client.createDataChannel('bp');
    net.runFor(50);
    ch.bufferedAmountLowThreshold = 10_000;
    let lows = 0;
    ch.addEventListener('bufferedamountlow', () => lows++);
    for (let i = 0; i < 100; i++) ch.send(new Uint8Array(1000));
    expect(ch.bufferedAmount).toBe(100_000);
    net.runFor(5000);
    expect(ch.bufferedAmount).toBe(0);
    expect(lows).toBe(1);
  });

  it('close() resets the stream; both sides end closed, after every queued message arrived', () => {
    const { net, client, incoming } = transports({ delayMs: 10, loss: 0.1 }, {}, 5);
    const ch = client.createDataChannel('bye');
    net.runFor(3000);
    const peer = incoming[0];
    const got = collect(peer);
    const events: string[] = [];
    peer.onclosing = () => events.push('peer closing');
    peer.onclose = () => events.push('peer close');
    ch.onclose = () => events.push('local close');
    for (let i = 0; i < 20; i++) ch.send(`m${i}`);
    ch.close();
    expect(ch.readyState).toBe('closing');
    expect(() => ch.send('late')).toThrow();
    expect(net.runUntil(() => ch.readyState === 'closed' && peer.readyState === 'closed', 600_000)).toBe(true);
    expect(got.length).toBe(20);
    expect(events).toContain('peer closing');
    expect(events).toContain('peer close');
    expect(events).toContain('local close');
    // The id can be reused.
    const again = client.createDataChannel('again', { id: ch.id! });
    net.runFor(3000);
    expect(incoming.at(-1)!.label).toBe('again');
    expect(again.readyState).toBe('open');
  });

  it('a partially reliable channel gives up under loss and never stalls a reliable one', () => {
    const { net, client, incoming } = transports({ delayMs: 20, loss: 0.3 }, { maxMessageSize: 1 << 20 }, 9);
    const pr = client.createDataChannel('pr', { ordered: false, maxRetransmits: 0 });
    const rel = client.createDataChannel('rel');
    expect(net.runUntil(() => incoming.length === 2, 600_000)).toBe(true);
    const prGot = collect(incoming.find((c) => c.label === 'pr')!);
    const relGot = collect(incoming.find((c) => c.label === 'rel')!);
    for (let i = 0; i < 200; i++) {
      pr.send(new Uint8Array(3000).fill(i));
      rel.send(`r${i}`);
    }
    expect(net.runUntil(() => relGot.length === 200, 5_000_000)).toBe(true);
    expect(relGot).toEqual(Array.from({ length: 200 }, (_, i) => `r${i}`));
    expect(prGot.length).toBeLessThan(200);
    expect(client.association.stats.abandonedMessages).toBeGreaterThan(0);
  });

  it('closing the transport closes every channel', () => {
    const { net, client, server, incoming } = transports();
    const ch = client.createDataChannel('c');
    net.runFor(50);
    client.close(net.now);
    net.runFor(1000);
    expect(client.state).toBe('closed');
    expect(server.state).toBe('closed');
    expect(ch.readyState).toBe('closed');
    expect(incoming[0].readyState).toBe('closed');
  });
});
