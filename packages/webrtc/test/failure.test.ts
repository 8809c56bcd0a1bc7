import { describe, expect, test } from 'vitest';
import { negotiate, runUntil, simPeers, trickle } from './support/call.ts';

describe('losing the path (RFC 7675 consent freshness)', () => {
  test('cut the link: ICE disconnected then failed; connectionState follows; the other side too', async () => {
    const { net, a, b } = simPeers(51, { delayMs: 10 }, { consentInterval: 1000, disconnectedTimeout: 1500, consentTimeout: 6000 });
    trickle(a.pc, b.pc);
    a.pc.createDataChannel('x');
    await negotiate(a.pc, b.pc);
    expect(await runUntil(net, () => a.pc.connectionState === 'connected' && b.pc.connectionState === 'connected')).toBe(true);
    net.setLink('alice', 'bob', { loss: 1 });
    expect(await runUntil(net, () => a.pc.iceConnectionState === 'disconnected', 10_000)).toBe(true);
    expect(a.pc.connectionState).toBe('disconnected');
    expect(await runUntil(net, () => a.pc.iceConnectionState === 'failed' && b.pc.iceConnectionState === 'failed', 20_000)).toBe(true);
    expect(a.pc.connectionState).toBe('failed');
    expect(b.pc.connectionState).toBe('failed');
    expect(a.states).toEqual(expect.arrayContaining(['ice:checking', 'ice:connected', 'ice:disconnected', 'ice:failed', 'connection:connecting', 'connection:connected', 'connection:disconnected', 'connection:failed']));
    a.pc.close();
    b.pc.close();
  });

  test('a short outage: disconnected, then connected again when consent answers resume', async () => {
    const { net, a, b } = simPeers(52, { delayMs: 10 }, { consentInterval: 500, disconnectedTimeout: 1000, consentTimeout: 10_000 });
    trickle(a.pc, b.pc);
    a.pc.createDataChannel('x');
    await negotiate(a.pc, b.pc);
    expect(await runUntil(net, () => a.pc.connectionState === 'connected')).toBe(true);
    net.setLink('alice', 'bob', { loss: 1 });
    expect(await runUntil(net, () => a.pc.iceConnectionState === 'disconnected', 10_000)).toBe(true);
    net.setLink('alice', 'bob', { loss: 0 });
    expect(await runUntil(net, () => a.pc.connectionState === 'connected', 10_000)).toBe(true);
    a.pc.close();
    b.pc.close();
  });
});

describe('a certificate that does not match a=fingerprint (RFC 8122, RFC 8827 §6.5)', () => {
  test('the DTLS handshake fails, connectionState failed, no SRTP keys, no data channel', async () => {
    const { net, a, b } = simPeers(53, { delayMs: 10 });
    trickle(a.pc, b.pc);
    const ch = a.pc.createDataChannel('x');
    await a.pc.setLocalDescription(await a.pc.createOffer());
    await b.pc.setRemoteDescription(a.pc.localDescription!);
    await b.pc.setLocalDescription(await b.pc.createAnswer());
    // Flip one hex digit of bob's fingerprint as alice receives it.
    const sdp = b.pc.localDescription!.sdp.replace(/(a=fingerprint:sha-256 )([0-9A-F])/g, (_m, p: string, d: string) => p + (d === 'A' ? 'B' : 'A'));
    await a.pc.setRemoteDescription({ type: 'answer', sdp });
    expect(await runUntil(net, () => a.pc.connectionState === 'failed', 20_000)).toBe(true);
    expect(a.pc.core.srtp).toBeUndefined();
    expect(ch.readyState).not.toBe('open');
    a.pc.close();
    b.pc.close();
  });
});
