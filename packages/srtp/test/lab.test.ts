import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const lab = fileURLToPath(new URL('../lab/lab.ts', import.meta.url));
const run = (...args: string[]): Record<string, unknown> =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', lab, '--json', ...args], { encoding: 'utf8', timeout: 20_000 })) as Record<string, unknown>;

it('lab --json: the built-in example reproduces libsrtp srtp_validate() reference packet', () => {
  const r = run();
  expect(r.output).toBe('800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb');
  expect(r.matchesContext).toBe(true);
  expect(r.iv).toBe('30cbbc084cc3363bd49db34a88d50000');
});

it('lab --unprotect --profile AEAD_AES_128_GCM takes a packet as hex and recovers the RTP packet', () => {
  const r = run('--unprotect', '--profile', 'AEAD_AES_128_GCM', '800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392');
  expect(r.result).toBe('ok');
  expect(r.output).toBe('800f1234decafbadcafebabeabababababababababababababababab');
});

it('lab --unprotect exits 1 and names the reason when the tag does not verify', () => {
  // libsrtp's reference SRTP packet with the last tag byte changed (…8dbb -> …8dbc).
  const tampered = '800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbc';
  const r = spawnSync(process.execPath, ['--import', 'tsx', lab, '--json', '--unprotect', tampered], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status).toBe(1);
  expect((JSON.parse(r.stdout) as Record<string, unknown>).result).toBe('auth-failed');
});
