import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_BASE_FLAGS, CHROMIUM_PATH } from '@rtcstack/test-support';
import { buildAnswer, buildOffer, parse, serialize, webrtcView, type MediaSpec } from '../src/index.ts';
import { avdSpec } from './specs.ts';

/**
 * Real peer: does Chromium accept what the builder writes? Chromium answers our offer, and
 * takes our answer to its own offer. No candidates are gathered (iceTransportPolicy 'relay'
 * with no servers) and our descriptions carry none, so nothing is sent anywhere.
 * Skips without /usr/bin/chromium unless REQUIRE_REAL_PEERS is set (then it fails).
 */
const CHROMIUM = CHROMIUM_PATH;
const have = existsSync(CHROMIUM);
const required = !!process.env.REQUIRE_REAL_PEERS;
if (!have && !required) console.warn(`skipping Chromium SDP interop: ${CHROMIUM} not installed`);

const FLAGS = [...CHROMIUM_BASE_FLAGS];

describe.skipIf(!have && !required)('Chromium accepts built descriptions', () => {
  let ctx: BrowserContext | undefined;
  let page: Page;
  let dir = '';

  beforeAll(async () => {
    if (!have) throw new Error(`REQUIRE_REAL_PEERS is set but ${CHROMIUM} is missing`);
    const { chromium } = await import('playwright-core');
    dir = mkdtempSync(join(tmpdir(), 'sdp-chromium-'));
    ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: FLAGS, timeout: 20_000 });
    page = await ctx.newPage();
    await page.route('http://localhost/', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>sdp</title>' }));
    await page.goto('http://localhost/');
  }, 30_000);

  afterAll(async () => {
    await ctx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Chromium answers our audio + video + data offer', async () => {
    const offer = serialize(buildOffer(avdSpec));
    // Passed as text so the bundler's helpers do not leak into the page.
    const answer = (await page.evaluate(`(async () => {
      const pc = new RTCPeerConnection({ iceTransportPolicy: 'relay' });
      await pc.setRemoteDescription({ type: 'offer', sdp: ${JSON.stringify(offer)} });
      const a = await pc.createAnswer();
      pc.close();
      return a.sdp;
    })()`)) as string;
    const v = webrtcView(parse(answer));
    expect(v.bundle).toEqual(['0', '1', '2']);
    expect(v.media.map((m) => [m.kind, m.mid, m.setup])).toEqual([
      ['audio', '0', 'active'],
      ['video', '1', 'active'],
      ['application', '2', 'active'],
    ]);
    expect(v.media[0].codecs.map((c) => c.name)).toContain('opus');
    expect(v.media[2].sctpPort).toBe(5000);
  }, 20_000);

  test('Chromium takes our answer to its own offer', async () => {
    const offer = (await page.evaluate(`(async () => {
      window.pc = new RTCPeerConnection({ iceTransportPolicy: 'relay' });
      pc.addTransceiver('audio');
      pc.addTransceiver('video');
      pc.createDataChannel('chat');
      const o = await pc.createOffer();
      await pc.setLocalDescription(o);
      return o.sdp;
    })()`)) as string;
    const v = webrtcView(parse(offer));
    // Answer with the first codec of each RTP section (JSEP §5.3.1) and the data section.
    const media: MediaSpec[] = v.media.map((m): MediaSpec => {
      if (m.kind === 'application') return { kind: 'application', mid: m.mid!, sctpPort: 5000, maxMessageSize: 262144 };
      const c = m.codecs[0];
      return {
        kind: m.kind as 'audio' | 'video',
        mid: m.mid!,
        direction: 'recvonly',
        codecs: [{ payloadType: c.payloadType, name: c.name!, clockRate: c.clockRate!, ...(c.channels ? { channels: c.channels } : {}) }],
      };
    });
    const answer = serialize(buildAnswer({ ...avdSpec, media }));
    const state = (await page.evaluate(`(async () => {
      await pc.setRemoteDescription({ type: 'answer', sdp: ${JSON.stringify(answer)} });
      const s = pc.signalingState + ' ' + pc.getTransceivers().map((t) => t.currentDirection).join(',');
      pc.close();
      return s;
    })()`)) as string;
    expect(state).toBe('stable sendonly,sendonly');
  }, 20_000);
});
