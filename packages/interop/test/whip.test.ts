/**
 * The WHIP-style endpoint (RFC 9725) without a browser: HTTP status codes, and a call from
 * werift (another stack) that POSTs a complete offer, chats with our echo, receives our tone,
 * and hangs up with DELETE. All on 127.0.0.1; werift's STUN server is ours.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startUdpStunServer, type UdpStunServer } from '@rtcstack/stun/node';
import { startWhipServer, type WhipServer } from '../src/index.ts';
import { until } from './support/call-support.ts';
import { WeriftSide } from './support/werift-side.ts';

let whip: WhipServer;
let stun: UdpStunServer;
beforeAll(async () => {
  whip = await startWhipServer();
  stun = await startUdpStunServer({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await whip?.close();
  await stun?.close();
});

describe('WHIP-style endpoint: HTTP', () => {
  test('serves the demo page', async () => {
    const r = await fetch(`${whip.origin}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("fetch('/whip'");
  });
  test('OPTIONS says what POST accepts', async () => {
    const r = await fetch(whip.endpoint, { method: 'OPTIONS' });
    expect(r.status).toBe(204);
    expect(r.headers.get('accept-post')).toBe('application/sdp');
  });
  test.each([
    ['a non-SDP content type', { 'Content-Type': 'application/json' }, '{}', 415],
    ['a body that is not SDP', { 'Content-Type': 'application/sdp' }, 'hello', 400],
  ])('refuses %s', async (_what, headers, body, status) => {
    const r = await fetch(whip.endpoint, { method: 'POST', headers, body });
    expect(r.status).toBe(status);
    expect(whip.sessions.size).toBe(0);
  });
  test('GET on the endpoint and DELETE of an unknown session', async () => {
    expect((await fetch(whip.endpoint)).status).toBe(405);
    expect((await fetch(`${whip.endpoint}/nosuchsession`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('WHIP-style endpoint: a call from werift', () => {
  test('POST offer -> 201 answer with candidates; echo and tone; DELETE hangs up', async () => {
    const w = await WeriftSide.create(stun.address);
    try {
      w.addTone();
      await w.createChannel('chat');
      await w.pc.setLocalDescription(await w.pc.createOffer());
      await until(() => w.pc.iceGatheringState === 'complete', 10_000, 'werift gathering');
      const r = await fetch(whip.endpoint, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: w.pc.localDescription!.sdp });
      expect(r.status).toBe(201);
      const location = r.headers.get('location')!;
      const answer = await r.text();
      expect(answer).toMatch(/^a=candidate:.* 127\.0\.0\.1 \d+ typ host/m);
      await w.pc.setRemoteDescription({ type: 'answer', sdp: answer } as never);
      await w.waitFor((e) => e.type === 'channel' && e.label === 'chat' && e.event === 'open', 15_000, 'chat open');
      await w.send('chat', 'ping');
      await w.waitFor((e) => e.type === 'message' && e.text === 'echo: ping', 5_000, 'echo');
      await until(() => w.audio.packets > 25, 10_000, 'our tone at werift');
      expect(w.audio.bestLevel).toBeLessThan(40);
      const session = [...whip.sessions.values()][0];
      expect((await fetch(new URL(location, whip.origin), { method: 'DELETE' })).status).toBe(200);
      expect(session.closed).toBe(true);
      await w.waitFor((e) => e.type === 'channel' && e.label === 'chat' && e.event === 'close', 10_000, 'werift sees the hang-up');
    } finally {
      await w.close();
    }
  }, 40_000);
});
