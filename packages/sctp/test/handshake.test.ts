import { describe, expect, it } from 'vitest';
import { makePair } from './harness.ts';

describe('association establishment (RFC 9260 §5.1)', () => {
  it('four-way handshake: initiator CLOSED -> COOKIE-WAIT -> COOKIE-ECHOED -> ESTABLISHED, responder CLOSED -> ESTABLISHED', () => {
    const { net, a, b } = makePair({});
    a.assoc.connect(net.now);
    expect(net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000)).toBe(true);
    expect(a.states).toEqual(['COOKIE-WAIT', 'COOKIE-ECHOED', 'ESTABLISHED']);
    expect(b.states).toEqual(['ESTABLISHED']);
    expect(a.assoc.verificationTags.peer).toBe(b.assoc.verificationTags.local);
    expect(b.assoc.verificationTags.peer).toBe(a.assoc.verificationTags.local);
    // Both advertised FORWARD TSN and RE-CONFIG.
    expect(a.assoc.peerSupportsPartialReliability && b.assoc.peerSupportsPartialReliability).toBe(true);
  });

  it('INIT collision (§5.2.1): both sides connect at once and end up with one association', () => {
    const { net, a, b } = makePair({});
    a.assoc.connect(net.now);
    b.assoc.connect(net.now);
    expect(net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000)).toBe(true);
    expect(a.assoc.verificationTags.peer).toBe(b.assoc.verificationTags.local);
    expect(b.assoc.verificationTags.peer).toBe(a.assoc.verificationTags.local);
    a.assoc.send(net.now, 1, 51, new Uint8Array([1, 2, 3]));
    b.assoc.send(net.now, 2, 51, new Uint8Array([4]));
    net.runFor(500);
    expect(b.messages.map((m) => [...m.data])).toEqual([[1, 2, 3]]);
    expect(a.messages.map((m) => [...m.data])).toEqual([[4]]);
  });

  it('INIT and COOKIE ECHO are retransmitted on T1 expiry when lost', () => {
    const { net, a, b } = makePair({});
    let dropped = 0;
    // Lose the first INIT and the first COOKIE ECHO.
    net.addFilter((d) => {
      const type = d.data[12];
      if ((type === 1 || type === 10) && d.fromHost === 'a' && dropped < 2 && (type === 1 ? dropped === 0 : dropped === 1)) {
        dropped++;
        return 'drop';
      }
    });
    a.assoc.connect(net.now);
    expect(net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 20000)).toBe(true);
    expect(dropped).toBe(2);
    expect(net.now).toBeGreaterThanOrEqual(1000 + 2000); // RTO.Initial, then doubled
  });

  it('gives up after Max.Init.Retransmits when nobody answers', () => {
    const { net, a } = makePair({ a: { maxInitRetransmits: 3 } });
    net.addFilter(() => 'drop');
    a.assoc.connect(net.now);
    net.runFor(120_000);
    expect(a.closed).toBe('init-timeout');
    expect(a.states).toEqual(['COOKIE-WAIT', 'CLOSED']);
  });

  it('peer restart (§5.2.4 case A): a new INIT from a restarted peer replaces the association', () => {
    const { net, a, b } = makePair({});
    a.assoc.connect(net.now);
    net.runUntil(() => b.assoc.state === 'ESTABLISHED' && a.assoc.state === 'ESTABLISHED', 5000);
    const oldTag = b.assoc.verificationTags.peer;
    // "Restart" a: abort locally without telling b (as a crash would), then connect again.
    (a.assoc as unknown as { close(r: string): void }).close('abort');
    a.assoc.connect(net.now);
    expect(net.runUntil(() => b.events.some((e) => e.type === 'restarted') && a.assoc.state === 'ESTABLISHED', 10000)).toBe(true);
    expect(b.assoc.state).toBe('ESTABLISHED');
    expect(b.assoc.verificationTags.peer).not.toBe(oldTag);
    expect(b.assoc.verificationTags.peer).toBe(a.assoc.verificationTags.local);
    a.assoc.send(net.now, 0, 51, new Uint8Array([9]));
    net.runFor(1000);
    expect(b.messages.map((m) => [...m.data])).toEqual([[9]]);
  });
});

describe('shutdown (RFC 9260 §9.2) and abort (§9.1)', () => {
  it('graceful: SHUTDOWN-PENDING -> SHUTDOWN-SENT -> CLOSED and SHUTDOWN-RECEIVED -> SHUTDOWN-ACK-SENT -> CLOSED, after all data', () => {
    const { net, a, b } = makePair({ link: { delayMs: 10, loss: 0.1 }, seed: 3, a: { maxRetransmits: 30 }, b: { maxRetransmits: 30 } });
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 20000);
    for (let i = 0; i < 50; i++) a.assoc.send(net.now, 0, 53, new Uint8Array(3000).fill(i));
    a.assoc.shutdown(net.now);
    expect(() => a.assoc.send(net.now, 0, 53, new Uint8Array(1))).toThrow();
    expect(net.runUntil(() => a.assoc.state === 'CLOSED' && b.assoc.state === 'CLOSED', 120000)).toBe(true);
    expect(a.states.slice(-3)).toEqual(['SHUTDOWN-PENDING', 'SHUTDOWN-SENT', 'CLOSED']);
    expect(b.states.slice(-3)).toEqual(['SHUTDOWN-RECEIVED', 'SHUTDOWN-ACK-SENT', 'CLOSED']);
    expect(a.closed).toBe('shutdown');
    expect(b.closed).toBe('shutdown');
    expect(b.messages.length).toBe(50);
    b.messages.forEach((m, i) => expect(m.data.every((x) => x === i)).toBe(true));
  });

  it('simultaneous shutdown: SHUTDOWN-SENT -> SHUTDOWN-ACK-SENT -> CLOSED on both sides', () => {
    const { net, a, b } = makePair({});
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    a.assoc.shutdown(net.now);
    b.assoc.shutdown(net.now);
    expect(net.runUntil(() => a.assoc.state === 'CLOSED' && b.assoc.state === 'CLOSED', 10000)).toBe(true);
    for (const e of [a, b]) expect(e.states.slice(-4)).toEqual(['SHUTDOWN-PENDING', 'SHUTDOWN-SENT', 'SHUTDOWN-ACK-SENT', 'CLOSED']);
  });

  it('ABORT closes both sides at once, with the cause', () => {
    const { net, a, b } = makePair({});
    a.assoc.connect(net.now);
    net.runUntil(() => a.assoc.state === 'ESTABLISHED' && b.assoc.state === 'ESTABLISHED', 5000);
    a.assoc.send(net.now, 0, 51, new Uint8Array(100));
    a.assoc.abort(net.now, 'bye');
    net.runFor(100);
    expect(a.closed).toBe('abort');
    expect(b.closed).toBe('peer-abort');
    const closed = b.events.find((e) => e.type === 'closed');
    expect(closed && closed.type === 'closed' && closed.causes?.[0].code).toBe(12); // User-Initiated Abort
  });
});
