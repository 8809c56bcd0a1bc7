import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { annotateMessage, formatAnnotated, shortTermKey } from '../src/index.ts';
import { samplePassword, sampleIpv4Response, sampleRequest } from './samples.ts';

describe('annotated bytes (what the lab prints)', () => {
  it('RFC 5769 §2.2: every field with its offset and meaning', () => {
    const text = formatAnnotated(annotateMessage(sampleIpv4Response(), { key: shortTermKey(samplePassword) }));
    expect(text).toMatch(/^\s+0 {2}01 01 +message type +0x0101 = Binding success response/m);
    expect(text).toMatch(/^\s+42 {2}a1 47 +X-Port +0xa147 XOR 0x2112 = 32853/m);
    expect(text).toMatch(/^\s+44 {2}e1 12 a6 43 +X-Address +0xe112a643 XOR magic cookie = 192\.0\.2\.1/m);
    expect(text).toMatch(/^\s+35 {2}20 +padding/m);
    expect(text).toMatch(/HMAC-SHA1 over bytes 0\.\.47.*: valid/);
    expect(text).toMatch(/CRC-32\(bytes 0\.\.71\) XOR 0x5354554e: valid/);
  });

  it('a wrong key shows "invalid"; garbage is one "not STUN" row', () => {
    expect(formatAnnotated(annotateMessage(sampleRequest(), { key: shortTermKey('x') }))).toMatch(/HMAC-SHA1 .*: invalid/);
    expect(annotateMessage(Uint8Array.of(1, 2, 3))).toMatchObject([{ field: 'not STUN' }]);
  });
});

describe('npm run lab:stun', () => {
  it('runs on loopback, prints both messages and exits by itself', async () => {
    const lab = fileURLToPath(new URL('../lab/lab.ts', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const out = await new Promise<string>((resolve, reject) =>
      execFile(tsx, [lab], { timeout: 20_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    expect(out).toContain('Binding request');
    expect(out).toContain('X-Address');
    expect(out).toContain('401 Unauthenticated');
  }, 30_000);
});
