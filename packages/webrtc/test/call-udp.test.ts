import { describe, expect, test } from 'vitest';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import { udpTransport } from '../src/node/udp-transport.ts';
import { AudioTrack } from '../src/transceiver.ts';
import type { RTCDataChannel } from '../src/data-channel.ts';

const until = async (cond: () => boolean, ms = 10_000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
};

describe('a call over real UDP on 127.0.0.1', () => {
  test('data channel both ways and audio under SRTP, then close', async () => {
    const mk = () => new RTCPeerConnection({}, { transport: udpTransport({ hostAddresses: ['127.0.0.1'] }) });
    const a = mk();
    const b = mk();
    a.onicecandidate = (e) => {
      const c = (e as Event & { candidate: RTCIceCandidateLike | null }).candidate;
      if (c) void b.addIceCandidate(c.toJSON());
    };
    b.onicecandidate = (e) => {
      const c = (e as Event & { candidate: RTCIceCandidateLike | null }).candidate;
      if (c) void a.addIceCandidate(c.toJSON());
    };
    a.addTrack(new AudioTrack('tone'));
    const chA = a.createDataChannel('chat');
    let chB: RTCDataChannel | undefined;
    b.ondatachannel = (e) => {
      chB = (e as Event & { channel: RTCDataChannel }).channel;
    };
    let remoteTrack = false;
    b.ontrack = () => {
      remoteTrack = true;
    };
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    expect(remoteTrack).toBe(true);
    expect(await until(() => a.connectionState === 'connected' && b.connectionState === 'connected')).toBe(true);
    expect(await until(() => chA.readyState === 'open' && chB?.readyState === 'open')).toBe(true);
    const got: string[] = [];
    chB!.onmessage = (e) => {
      got.push((e as MessageEvent).data as string);
      chB!.send(`echo ${(e as MessageEvent).data}`);
    };
    const echoes: string[] = [];
    chA.onmessage = (e) => echoes.push((e as MessageEvent).data as string);
    for (let i = 0; i < 5; i++) chA.send(`m${i}`);
    expect(await until(() => echoes.length === 5)).toBe(true);
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    // Audio: a sends a tone, b receives it under SRTP.
    expect(await until(() => b.core.stats.demux.rtp > 10, 5_000)).toBe(true);
    const inbound = [...(await b.getStats()).values()].find((s) => s.type === 'inbound-rtp');
    expect(inbound?.packetsReceived as number).toBeGreaterThan(10);
    expect(inbound?.audioLevel as number).toBeGreaterThan(0);
    const outbound = [...(await a.getStats()).values()].find((s) => s.type === 'outbound-rtp');
    expect(outbound?.packetsSent as number).toBeGreaterThan(10);
    a.close();
    expect(await until(() => chB!.readyState === 'closed')).toBe(true);
    b.close();
  });
});

interface RTCIceCandidateLike {
  toJSON(): { candidate?: string; sdpMid?: string | null; sdpMLineIndex?: number | null };
}

describe('SRTP profile choice', () => {
  test.each(['SRTP_AEAD_AES_256_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'] as const)('srtpProfiles [%s]: negotiated and audio flows', async (profile) => {
    const mk = () => new RTCPeerConnection({}, { transport: udpTransport({ hostAddresses: ['127.0.0.1'] }), srtpProfiles: [profile] });
    const a = mk();
    const b = mk();
    type CE = Event & { candidate: RTCIceCandidateLike | null };
    a.onicecandidate = (e) => void ((e as CE).candidate && b.addIceCandidate((e as CE).candidate!.toJSON()));
    b.onicecandidate = (e) => void ((e as CE).candidate && a.addIceCandidate((e as CE).candidate!.toJSON()));
    a.addTrack(new AudioTrack('tone'));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    expect(await until(() => b.core.stats.demux.rtp > 3, 5_000)).toBe(true);
    const t = [...(await b.getStats()).values()].find((s) => s.type === 'transport');
    expect(t?.srtpCipher).toBe(profile);
    expect(b.core.stats.srtpFailures).toBe(0);
    a.close();
    b.close();
  });
});
