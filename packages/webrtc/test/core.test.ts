import { describe, expect, test } from 'vitest';
import { seededRandom } from '@rtcstack/common';
import { generateCertificate, fingerprint } from '@rtcstack/dtls';
import { Network, driveCore } from '@rtcstack/test-support';
import { PeerConnectionCore, type CoreOutput } from '../src/core.ts';

/** Two cores wired by hand (no SDP): the composition ICE -> DTLS -> SCTP -> DCEP on netsim. */
function pair(seed: number, link: { delayMs: number; loss?: number }) {
  const net = new Network({ seed, defaultLink: link });
  const mk = (name: string, ip: string, n: number) => {
    const sock = net.addHost(name, ip).bind(5000);
    const certificate = generateCertificate({ now: 0, random: seededRandom(n) });
    const core = new PeerConnectionCore({ certificate, random: seededRandom(n + 10) });
    core.addLocalAddress(sock.local);
    const events: CoreOutput[] = [];
    const driver = driveCore(net, sock, {
      onDatagram: (now, data, from, local) => core.handleDatagram(now, data, from, local),
      flush: (send) => {
        for (let o = core.pollOutput(); o; o = core.pollOutput()) {
          if (o.type === 'transmit') send(o.data, o.remote, o.local);
          else events.push(o);
        }
      },
      nextTimeout: () => core.nextTimeout(),
      handleTimeout: (now) => core.handleTimeout(now),
    });
    return { core, certificate, events, driver, sock };
  };
  const a = mk('a', '10.0.0.1', 1);
  const b = mk('b', '10.0.0.2', 2);
  return { net, a, b };
}

describe('PeerConnectionCore on the simulated network', () => {
  test.each([
    { name: 'clean link', seed: 1, link: { delayMs: 10 } },
    { name: '10% loss', seed: 2, link: { delayMs: 10, loss: 0.1 } },
  ])('ICE -> DTLS -> SRTP keys -> SCTP -> data channel ($name)', ({ seed, link }) => {
    const { net, a, b } = pair(seed, link);
    const ia = a.core.ensureIce(true);
    const ib = b.core.ensureIce(false);
    ia.setRemoteCredentials(b.core.localCredentials.ufrag, b.core.localCredentials.pwd);
    ib.setRemoteCredentials(a.core.localCredentials.ufrag, a.core.localCredentials.pwd);
    a.core.setDtls(net.now, 'server', [{ algorithm: 'sha-256', value: fingerprint(b.certificate.der, 'sha-256') }]);
    b.core.setDtls(net.now, 'client', [{ algorithm: 'sha-256', value: fingerprint(a.certificate.der, 'sha-256') }]);
    a.core.enableSctp(net.now, 5000);
    b.core.enableSctp(net.now, 5000);
    a.core.gather(net.now);
    b.core.gather(net.now);
    a.driver.flush();
    b.driver.flush();
    const cand = (ev: CoreOutput[]) => ev.filter((e) => e.type === 'ice-candidate' && e.candidate).map((e) => (e as { candidate: string }).candidate);
    for (const c of cand(a.events)) b.core.addRemoteCandidate(net.now, c);
    for (const c of cand(b.events)) a.core.addRemoteCandidate(net.now, c);
    const ch = a.core.createChannel(net.now, 'chat', {});
    expect(net.runUntil(() => a.core.dtlsState === 'connected' && b.core.dtlsState === 'connected', 30_000)).toBe(true);
    expect(a.core.srtp).toBeDefined();
    expect(b.core.srtp).toBeDefined();
    expect(b.core.peerFingerprint).toBe(fingerprint(a.certificate.der, 'sha-256'));
    expect(net.runUntil(() => b.events.some((e) => e.type === 'channel-remote'), 30_000)).toBe(true);
    // b's DTLS role is client: a (server) gets odd ids (RFC 8832 §6).
    expect(ch.inner!.id! % 2).toBe(1);
    const remote = (b.events.find((e) => e.type === 'channel-remote') as { ref: typeof ch }).ref;
    expect(remote.label).toBe('chat');
    expect(remote.inner!.id).toBe(ch.inner!.id);
    expect(net.runUntil(() => a.events.some((e) => e.type === 'channel-event' && e.ref === ch && e.event === 'open'), 5_000)).toBe(true);
    a.core.channelSend(net.now, ch, 'hello');
    b.core.channelSend(net.now, remote, new Uint8Array([1, 2, 3]));
    const msg = (ev: CoreOutput[], pred: (d: unknown) => boolean) => ev.some((e) => e.type === 'channel-event' && e.event === 'message' && pred(e.data));
    expect(net.runUntil(() => msg(b.events, (d) => d === 'hello') && msg(a.events, (d) => d instanceof Uint8Array), 30_000)).toBe(true);
    expect(ch.messagesSent).toBe(1);
    expect(ch.messagesReceived).toBe(1);
    // SRTP: an RTP packet from b arrives unprotected at a.
    const rtp = new Uint8Array([0x80, 0, 0, 1, 0, 0, 0, 160, 0x11, 0x22, 0x33, 0x44, 9, 9, 9]);
    expect(b.core.sendRtp(net.now, rtp)).toBe(true);
    expect(net.runUntil(() => a.events.some((e) => e.type === 'rtp'), 5_000)).toBe(true);
    const got = a.events.find((e) => e.type === 'rtp') as { packet: Uint8Array; ssrc: number };
    expect(got.ssrc).toBe(0x11223344);
    expect([...got.packet]).toEqual([...rtp]);
    // Close in order; the peer sees its channel and DTLS close.
    a.core.close(net.now);
    a.driver.flush();
    expect(net.runUntil(() => b.core.dtlsState === 'closed', 5_000)).toBe(true);
    expect(b.events.some((e) => e.type === 'channel-event' && e.ref === remote && e.event === 'close')).toBe(true);
  });
});
