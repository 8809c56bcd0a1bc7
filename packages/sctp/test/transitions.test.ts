import { describe, expect, it } from 'vitest';
import { drain, makePair } from './harness.ts';
import { ChunkType, decodePacket, encodePacket, type InitChunk } from '../src/index.ts';

/** The less travelled transitions of RFC 9260 §4 (the common ones are in handshake.test.ts). */
describe('more state transitions (RFC 9260 §4, §9.2)', () => {
  it('COOKIE-ECHOED -> CLOSED when the COOKIE ECHO is never answered (Max.Init.Retransmits)', () => {
    const { net, a } = makePair({ a: { maxInitRetransmits: 2 } });
    net.addFilter((d) => (d.fromHost === 'a' && d.data[12] === 10 ? 'drop' : undefined)); // lose every COOKIE ECHO
    a.assoc.connect(net.now);
    net.runFor(60_000);
    expect(a.states).toEqual(['COOKIE-WAIT', 'COOKIE-ECHOED', 'CLOSED']);
    expect(a.closed).toBe('init-timeout');
  });

  it('COOKIE-ECHOED -> CLOSED on ABORT from the peer', () => {
    const { net, a, b } = makePair({});
    net.addFilter((d) => (d.fromHost === 'a' && d.data[12] === 10 ? 'drop' : undefined));
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'COOKIE-ECHOED', 1000);
    // b has no association: anything from a but INIT/COOKIE ECHO is out of the blue and answered with ABORT (T bit).
    a.assoc.send(net.now, 0, 51, new Uint8Array([1]));
    const hb = (a.assoc as unknown as { control: Uint8Array[] }).control;
    hb.push(Uint8Array.of(4, 0, 0, 8, 0, 1, 0, 4)); // a HEARTBEAT chunk, sent with the peer's tag
    net.runFor(100);
    expect(b.assoc.stats.outOfTheBlue).toBeGreaterThan(0);
    expect(a.states).toEqual(['COOKIE-WAIT', 'COOKIE-ECHOED', 'CLOSED']);
    expect(a.closed).toBe('peer-abort');
  });

  it('SHUTDOWN-PENDING -> SHUTDOWN-RECEIVED when the peer shuts down first, still delivering our data', () => {
    const { net, a, b } = makePair({ link: { delayMs: 50 } });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    net.runFor(300);
    a.assoc.send(net.now, 0, 53, new Uint8Array(5000).fill(9)); // outstanding when we shut down
    a.assoc.shutdown(net.now);
    b.assoc.shutdown(net.now); // b has nothing outstanding: SHUTDOWN goes out at once
    expect(net.runUntil(() => a.assoc.state === 'CLOSED' && b.assoc.state === 'CLOSED', 20_000)).toBe(true);
    expect(a.states.slice(-4)).toEqual(['SHUTDOWN-PENDING', 'SHUTDOWN-RECEIVED', 'SHUTDOWN-ACK-SENT', 'CLOSED']);
    expect(b.states.slice(-3)).toEqual(['SHUTDOWN-PENDING', 'SHUTDOWN-SENT', 'CLOSED']);
    expect(b.messages.length).toBe(1);
    expect(b.messages[0].data.length).toBe(5000);
  });

  it('T2-shutdown retransmits a lost SHUTDOWN and a lost SHUTDOWN ACK', () => {
    const { net, a, b } = makePair({});
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    let lostShutdown = 0;
    let lostAck = 0;
    net.addFilter((d) => {
      if (d.data[12] === 7 && lostShutdown++ === 0) return 'drop';
      if (d.data[12] === 8 && lostAck++ === 0) return 'drop';
    });
    a.assoc.shutdown(net.now);
    expect(net.runUntil(() => a.assoc.state === 'CLOSED' && b.assoc.state === 'CLOSED', 60_000)).toBe(true);
    expect(lostShutdown).toBeGreaterThanOrEqual(2);
    expect(lostAck).toBeGreaterThanOrEqual(2);
  });

  it('SHUTDOWN-ACK-SENT answers an INIT by repeating SHUTDOWN ACK (§9.2); a CLOSED peer ends it with SHUTDOWN COMPLETE (T bit)', () => {
    const { net, a, b } = makePair({});
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    // Hold b in SHUTDOWN-ACK-SENT by losing SHUTDOWN COMPLETE.
    const remove = net.addFilter((d) => (d.data[12] === 14 ? 'drop' : undefined));
    a.assoc.shutdown(net.now);
    net.runUntil(() => a.assoc.state === 'CLOSED', 5000);
    expect(b.assoc.state).toBe('SHUTDOWN-ACK-SENT');
    // An INIT (a restarting peer) gets the SHUTDOWN ACK again, not an INIT ACK.
    const init: InitChunk = { type: ChunkType.INIT, initiateTag: 99, aRwnd: 1000, outboundStreams: 1, inboundStreams: 1, initialTsn: 5, params: [] };
    b.assoc.handleInput(net.now, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0, chunks: [init] }));
    const out = drain(b.assoc).packets.map((p) => decodePacket(p).chunks[0].type);
    expect(out).toEqual([ChunkType.SHUTDOWN_ACK]);
    expect(b.assoc.state).toBe('SHUTDOWN-ACK-SENT');
    // With the path healed, b's next SHUTDOWN ACK reaches a, which has no association and
    // answers SHUTDOWN COMPLETE with the T bit (§8.4 rule 5); b accepts it (§8.5.1 C) and closes.
    remove();
    expect(net.runUntil(() => b.assoc.state === 'CLOSED', 60_000)).toBe(true);
    expect(b.closed).toBe('shutdown');
    expect(a.assoc.stats.outOfTheBlue).toBeGreaterThan(0);
  });
});
