/**
 * Launching Debian's Chromium through playwright-core (never a downloaded browser), the way
 * DESIGN.md ("Real peers") says makes it offer 127.0.0.1 host candidates: loopback allowed in
 * peer connections, fake media devices with the permission granted, and the page served as
 * http://localhost (a secure context) by page.route, so no HTTP server is needed.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, CHROMIUM_WEBRTC_FLAGS } from '@rtcstack/test-support';
import { namespacedCommand } from '../../src/netns.ts';

export { CHROMIUM_PATH };

export const CHROMIUM_FLAGS = [
  ...CHROMIUM_WEBRTC_FLAGS,
  // Remote audio is played through an <audio> element so Chromium measures its level.
  '--autoplay-policy=no-user-gesture-required',
] as const;

/** The origin pages are served from (localhost is a secure context for WebRTC and getUserMedia). */
export const PAGE_ORIGIN = 'http://localhost';

export interface ChromiumOptions {
  readonly executablePath?: string;
  /** Launch timeout, ms. */
  readonly timeout?: number;
  /** Body of http://localhost/ (default: an empty page). */
  readonly html?: string;
  /** Extra routes: path -> body, content type. */
  readonly routes?: Readonly<Record<string, { readonly body: string; readonly contentType: string }>>;
  /**
   * Run the browser process inside this network namespace (see src/netns.ts). Playwright drives it
   * over a pipe, so control still works; only a peer inside the same namespace can reach it.
   */
  readonly netns?: string;
}

export interface ChromiumSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** The browser's version string, e.g. "156.0.8078.79". */
  readonly version: string;
  /** Close the browser and delete its profile. Idempotent. */
  close(): Promise<void>;
}

export function chromiumAvailable(path = CHROMIUM_PATH): boolean {
  return existsSync(path);
}

const EMPTY_PAGE = '<!doctype html><meta charset="utf-8"><title>rtcstack interop</title>';

/** Launch Chromium with a fresh profile and open http://localhost/ in one page. */
export async function launchChromium(o: ChromiumOptions = {}): Promise<ChromiumSession> {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'rtcstack-chromium-'));
  let context: BrowserContext | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Bounded: a wedged browser must not hang afterAll.
    await Promise.race([context?.close(), new Promise((r) => setTimeout(r, 10_000))]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let executablePath = o.executablePath ?? CHROMIUM_PATH;
    if (o.netns) {
      // A one-line wrapper: playwright needs an executable, `ip netns exec` puts it in the namespace.
      const wrapper = join(dir, 'chromium-in-netns.sh');
      const argv = namespacedCommand(o.netns, [executablePath]).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      writeFileSync(wrapper, `#!/bin/sh\nexec ${argv} "$@"\n`);
      chmodSync(wrapper, 0o755);
      executablePath = wrapper;
    }
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath,
      args: [...CHROMIUM_FLAGS],
      timeout: o.timeout ?? 20_000,
    });
    await context.grantPermissions(['microphone', 'camera'], { origin: PAGE_ORIGIN });
    const page: Page = context.pages()[0] ?? (await context.newPage());
    await page.route(`${PAGE_ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const extra = o.routes?.[path];
      if (extra) return route.fulfill({ contentType: extra.contentType, body: extra.body });
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: o.html ?? EMPTY_PAGE });
      return route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${PAGE_ORIGIN}/`);
    const version = context.browser()?.version() ?? (await page.evaluate('navigator.userAgent.match(/Chrome\\/([0-9.]+)/)?.[1] ?? "?"') as string);
    return { context, page, version, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * For tests: skip (with a message) when Chromium is missing, unless REQUIRE_REAL_PEERS is set,
 * in which case the suite must run and its beforeAll fails.
 */
export function chromiumSkipReason(path = CHROMIUM_PATH): string | undefined {
  if (chromiumAvailable(path) || process.env.REQUIRE_REAL_PEERS) return undefined;
  return `skipping Chromium interop: ${path} not installed (set REQUIRE_REAL_PEERS=1 to make this a failure)`;
}
