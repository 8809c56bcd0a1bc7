/**
 * Entry point of the real-browser suites in test/browser/*.browser.ts.
 *
 * Chromium must talk to our peer over 127.0.0.1 while nothing it does can leave the machine. The
 * suites therefore run in a separate vitest process (one file at a time, one browser at a time)
 * started through src/cli/isolated.ts: as root inside a fresh network namespace holding only
 * `lo`, so Chromium and our Node peer share that `lo`; without root (or when already inside such
 * a namespace) as they are, with a warning.
 * Chromium missing: skipped with a message, unless REQUIRE_REAL_PEERS is set (then a failure).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { canIsolate, insideIsolatedNamespace } from '../src/index.ts';
import { chromiumAvailable, chromiumSkipReason } from './support/chromium.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(skip);
const isolate = canIsolate() && !insideIsolatedNamespace();
if (!skip && !isolate && !insideIsolatedNamespace()) console.warn('Chromium interop: not root, running WITHOUT a network namespace');
const root = fileURLToPath(new URL('../../..', import.meta.url));

describe.skipIf(!!skip)('Chromium interop', () => {
  test('Chromium is installed', () => {
    expect(chromiumAvailable(), '/usr/bin/chromium is missing but REQUIRE_REAL_PEERS is set').toBe(true);
  });
  test(`the browser suites pass${isolate ? ' inside a loopback-only network namespace' : ''}`, () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import', 'tsx',
        'packages/interop/src/cli/isolated.ts', '--timeout-s', '280', '--',
        process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--config', 'packages/interop/test/browser/vitest.config.ts',
      ],
      { cwd: root, encoding: 'utf8', timeout: 290_000, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
    );
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    // Show the inner run's summary either way; its full output when it failed.
    console.log(r.status === 0 ? out.split('\n').filter((l) => /✓|Test Files|Tests /.test(l)).join('\n') : out);
    expect(r.error, String(r.error)).toBeUndefined();
    expect(r.status, 'inner browser suites failed (output above)').toBe(0);
  }, 300_000);
});
