/**
 * Interop with werift (a second TypeScript WebRTC stack): a data channel call both ways round
 * (we offer / werift offers), over real UDP on 127.0.0.1. werift gets a LOCAL STUN server (ours)
 * so it never contacts a public host, and a pair filter so it only uses loopback.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { startUdpStunServer, type UdpStunServer } from '@rtcstack/stun/node';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import { udpTransport } from '../src/node/udp-transport.ts';
import type { RTCDataChannel } from '../src/data-channel.ts';

const LOOPBACK = '127.0.0.1';
let stun: UdpStunServer | undefined;
const opened: { close(): unknown }[] = [];
afterAll(async () => {
  for (const p of opened) await p.close();
  await stun?.close();
});

async function until(cond: () => boolean, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

async function weriftPc() {
  stun ??= await startUdpStunServer({ host: LOOPBACK, port: 0 });
  const w = await import('werift');
  const loopbackOnly = (c: { host?: string }): boolean => c.host === LOOPBACK;
  const pc = new w.RTCPeerConnection({
    iceServers: [{ urls: `stun:${LOOPBACK}:${stun.address.port}` }],
    iceAdditionalHostAddresses: [LOOPBACK],
    iceUseIpv6: false,
    iceFilterCandidatePair: (p: { localCandidate: { host?: string }; remoteCandidate: { host?: string } }) => loopbackOnly(p.localCandidate) && loopbackOnly(p.remoteCandidate),
  } as ConstructorParameters<typeof w.RTCPeerConnection>[0]);
  opened.push(pc);
  return pc;
}

const isLoop = (c: { candidate?: string } | undefined): boolean => !!c?.candidate && c.candidate.split(' ')[4] === LOOPBACK;

describe('interop with werift on 127.0.0.1', () => {
  test('we offer, werift answers: data channel messages both ways', async () => {
    const ours = new RTCPeerConnection({}, { transport: udpTransport({ hostAddresses: [LOOPBACK] }) });
    opened.push(ours);
    const theirs = await weriftPc();
    type CE = Event & { candidate: { toJSON(): { candidate?: string; sdpMid?: string | null; sdpMLineIndex?: number | null } } | null };
    ours.onicecandidate = (e) => {
      const c = (e as CE).candidate;
      if (c) void theirs.addIceCandidate(c.toJSON() as never).catch(() => undefined);
    };
    theirs.onIceCandidate.subscribe((c) => {
      if (isLoop(c)) void ours.addIceCandidate({ candidate: c!.candidate, sdpMid: c!.sdpMid ?? '0', sdpMLineIndex: c!.sdpMLineIndex ?? 0 }).catch(() => undefined);
    });
    const got: string[] = [];
    theirs.onDataChannel.subscribe((ch) => {
      ch.onMessage.subscribe((m) => {
        got.push(`werift got ${m.toString()}`);
        ch.send(`echo ${m.toString()}`);
      });
    });
    const ch = ours.createDataChannel('interop');
    ch.onmessage = (e) => got.push(`we got ${(e as MessageEvent).data as string}`);
    await ours.setLocalDescription(await ours.createOffer());
    await theirs.setRemoteDescription({ type: 'offer', sdp: ours.localDescription!.sdp } as never);
    await theirs.setLocalDescription(await theirs.createAnswer());
    await ours.setRemoteDescription({ type: 'answer', sdp: theirs.localDescription!.sdp });
    expect(await until(() => ours.connectionState === 'connected' && ch.readyState === 'open')).toBe(true);
    ch.send('ping');
    expect(await until(() => got.length === 2)).toBe(true);
    expect(got).toEqual(['werift got ping', 'we got echo ping']);
    ours.close();
  });

  test('werift offers, we answer (we are the DTLS client): data channel from werift', async () => {
    const ours = new RTCPeerConnection({}, { transport: udpTransport({ hostAddresses: [LOOPBACK] }) });
    opened.push(ours);
    const theirs = await weriftPc();
    type CE = Event & { candidate: { toJSON(): object } | null };
    ours.onicecandidate = (e) => {
      const c = (e as CE).candidate;
      if (c) void theirs.addIceCandidate(c.toJSON() as never).catch(() => undefined);
    };
    theirs.onIceCandidate.subscribe((c) => {
      if (isLoop(c)) void ours.addIceCandidate({ candidate: c!.candidate, sdpMid: c!.sdpMid ?? '0', sdpMLineIndex: c!.sdpMLineIndex ?? 0 }).catch(() => undefined);
    });
    const wch = theirs.createDataChannel('from-werift');
    let remote: RTCDataChannel | undefined;
    const got: string[] = [];
    ours.ondatachannel = (e) => {
      remote = (e as Event & { channel: RTCDataChannel }).channel;
      remote.onmessage = (m) => {
        got.push((m as MessageEvent).data as string);
        remote!.send('pong');
      };
    };
    wch.onMessage.subscribe((m) => got.push(`werift got ${m.toString()}`));
    await theirs.setLocalDescription(await theirs.createOffer());
    await ours.setRemoteDescription({ type: 'offer', sdp: theirs.localDescription!.sdp });
    await ours.setLocalDescription();
    expect(ours.localDescription!.sdp).toMatch(/a=setup:active/);
    await theirs.setRemoteDescription({ type: 'answer', sdp: ours.localDescription!.sdp } as never);
    expect(await until(() => ours.connectionState === 'connected' && remote?.readyState === 'open' && wch.readyState === 'open')).toBe(true);
    wch.send('ping');
    expect(await until(() => got.length === 2)).toBe(true);
    expect(got).toEqual(['ping', 'werift got pong']);
    expect(ours.core.dtlsRole).toBe('client');
    ours.close();
  });
});
