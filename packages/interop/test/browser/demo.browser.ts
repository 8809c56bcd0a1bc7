/**
 * `npm run demo:browser` with the real browser: a call through the demo page (button clicks),
 * and a raw WHIP-style POST (RFC 9725) of Chromium's offer from Node, then DELETE.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWhipServer, type WhipServer } from '../../src/index.ts';
import { chromiumAvailable, launchChromium, type ChromiumSession } from '../support/chromium.ts';
import { BrowserPeer } from '../support/page-helper.ts';
import { until } from '../support/call-support.ts';

let session: ChromiumSession;
let whip: WhipServer;
const log: string[] = [];

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error('REQUIRE_REAL_PEERS is set but /usr/bin/chromium is missing');
  whip = await startWhipServer({ log: (l) => log.push(l) });
  session = await launchChromium();
});
afterAll(async () => {
  await session?.close();
  await whip?.close();
});

describe('the browser demo (WHIP-style signaling)', () => {
  test('a call from the demo page: chat echo, our tone plays, both sides shown, hang-up', async () => {
    const page = session.page;
    // http://127.0.0.1 is a secure context, like localhost.
    await page.goto(`${whip.origin}/`);
    await page.click('#call');
    const items = (who: string) => page.$$eval(`#states li[data-who="${who}"]`, (els) => els.map((e) => e.textContent ?? ''));
    const deadline = Date.now() + 15_000;
    while (!(await items('page')).includes('datachannel: open') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await items('page')).toContain('datachannel: open');
    expect(await items('page')).toContain('connection: connected');
    // Our side's states reached the page over server-sent events.
    await until(() => whip.sessions.size === 1, 5_000, 'one session');
    const ours = await items('rtcstack');
    expect(ours).toContain('connection: connected');
    expect(ours.some((l) => l.startsWith('datachannel: "chat" open'))).toBe(true);
    // Chat: our peer greets and echoes.
    await page.fill('#msg', 'hi there');
    await page.click('#send');
    const chat = () => page.$$eval('#chat li[data-who="rtcstack"]', (els) => els.map((e) => e.textContent ?? ''));
    const end = Date.now() + 5_000;
    while (!(await chat()).includes('echo: hi there') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(await chat()).toContain('echo: hi there');
    // The tone plays: the page's audio element has a live track and Chromium counts our packets.
    const audio = (await page.evaluate(`new Promise((resolve) => setTimeout(async () => {
      const el = document.getElementById('remote');
      let inbound;
      (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = s; });
      resolve({ playing: !!el.srcObject && !el.paused, packets: inbound?.packetsReceived ?? 0, level: inbound?.audioLevel ?? 0 });
    }, 1000))`)) as { playing: boolean; packets: number; level: number };
    expect(audio.playing).toBe(true);
    expect(audio.packets).toBeGreaterThan(25);
    expect(audio.level).toBeGreaterThan(0);
    // Hang up: DELETE the session resource, our peer closes.
    const [s] = [...whip.sessions.values()];
    await page.click('#hangup');
    await until(() => whip.sessions.size === 0 && s.closed, 5_000, 'session deleted');
    expect(s.pc.connectionState).toBe('closed');
    expect(log.some((l) => l.includes('answered an offer'))).toBe(true);
  }, 40_000);

  test('a raw WHIP POST of Chromium\'s offer: 201 + Location + complete answer; DELETE hangs up', async () => {
    await session.page.goto('about:blank').catch(() => undefined);
    await session.page.goto(`${whip.origin}/`);
    const chrome = await BrowserPeer.create(session.page);
    try {
      await chrome.addMicrophone();
      await chrome.createChannel('whip');
      const offer = await chrome.offer();
      await chrome.waitForGatheringComplete();
      // Non-trickle: the offer we POST is the gathered one.
      const full = (await session.page.evaluate(`window.__rtc.pc(${chrome.id}).localDescription.sdp`)) as string;
      expect(full).toMatch(/a=candidate:/);
      expect(offer.length).toBeGreaterThan(0);

      const refused = await fetch(whip.endpoint, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: full });
      expect(refused.status).toBe(415); // RFC 9725: the offer is application/sdp

      const r = await fetch(whip.endpoint, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: full });
      expect(r.status).toBe(201);
      expect(r.headers.get('content-type')).toBe('application/sdp');
      const location = r.headers.get('location');
      expect(location).toMatch(/^\/whip\/[A-Za-z0-9_-]+$/);
      const answer = await r.text();
      expect(answer).toMatch(/^a=candidate:.* 127\.0\.0\.1 \d+ typ host/m); // non-trickle: our candidates inside
      await chrome.setAnswer(answer);
      await chrome.waitFor((e) => e.type === 'channel' && e.label === 'whip' && e.event === 'open', 10_000, 'channel open');
      await chrome.send('whip', 'ping');
      await chrome.waitFor((e) => e.type === 'message' && e.text === 'echo: ping', 5_000, 'echo');
      // Our tone arrives.
      let received = 0;
      const end = Date.now() + 10_000;
      while (received < 25 && Date.now() < end) {
        received = Number((await chrome.stats()).find((s) => s.type === 'inbound-rtp')?.packetsReceived ?? 0);
        if (received < 25) await new Promise((res) => setTimeout(res, 200));
      }
      expect(received).toBeGreaterThanOrEqual(25);

      const del = await fetch(new URL(location!, whip.origin), { method: 'DELETE' });
      expect(del.status).toBe(200);
      await chrome.waitFor((e) => e.type === 'channel' && e.label === 'whip' && e.event === 'close', 10_000, 'Chromium sees the hang-up');
      const again = await fetch(new URL(location!, whip.origin), { method: 'DELETE' });
      expect(again.status).toBe(404);
    } finally {
      await chrome.close().catch(() => undefined);
    }
  }, 40_000);
});
