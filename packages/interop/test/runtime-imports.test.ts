/**
 * Project rule: runtime code in src/ uses only Node built-ins and our own packages, so the demo
 * (`npm run demo:browser`) and the WHIP server run without playwright-core or werift, which are
 * devDependencies for the tests (test/support/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));
const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));

/** Every module specifier in `import ... from 'x'`, `export ... from 'x'`, `import('x')`, `import 'x'`. */
function specifiers(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) out.push(m[1]);
  return out;
}

const allowed = (s: string): boolean => s.startsWith('node:') || s.startsWith('@rtcstack/') || s.startsWith('./') || s.startsWith('../');

test('the specifier scanner sees static, type-only, dynamic and side-effect imports', () => {
  const code = `import type { Page } from 'playwright-core';\nexport * from './a.ts';\nconst w = await import('werift');\nimport 'tsx';`;
  expect(specifiers(code)).toEqual(['playwright-core', './a.ts', 'werift', 'tsx']);
});

test.each(files)('src/%s imports only node:*, @rtcstack/* and relative modules', (f) => {
  const bad = specifiers(readFileSync(join(src, f), 'utf8')).filter((s) => !allowed(s));
  expect(bad).toEqual([]);
});
