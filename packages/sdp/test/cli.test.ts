import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadVectorFile, repoRoot } from '@rtcstack/test-support';

// `npm run sdp -- [--json|--write] [FILE]`, run as a process (tsx, as the npm script does).
const cli = join(repoRoot, 'packages', 'sdp', 'src', 'cli.ts');
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'sdp-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(tsx, [cli, ...args], { input, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const offer = (loadVectorFile('millicast-sdp.json').cases[0].input as { sdp: string }).sdp;
const file = join(dir, 'offer.sdp');
writeFileSync(file, offer);

describe('sdp CLI', () => {
  test('annotates FILE line by line with meanings and RFCs', () => {
    const r = run([file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+5 {2}a=group:BUNDLE 0 1 2 .*# media sections grouped by mid .*\(RFC 5888, RFC 8843\)$/m);
    expect(r.out).toMatch(/a=candidate:1560499547 .*host udp 2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc\.local:33192/);
  });
  test('--write reproduces the input byte for byte (bare LF, no final newline)', () => {
    const r = run(['--write', file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(offer);
  });
  test('--json prints the parsed model and the WebRTC view; stdin when no FILE', () => {
    const r = run(['--json'], offer);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { webrtc: { bundle: string[]; media: { mid: string }[] }; description: { session: unknown[] } };
    expect(j.webrtc.bundle).toEqual(['0', '1', '2']);
    expect(j.webrtc.media.map((m) => m.mid)).toEqual(['0', '1', '2']);
    expect(j.description.session.length).toBe(7);
  });
  test('invalid input exits non-zero with the line-numbered error', () => {
    const r = run([], 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=setup:bogus\r\n');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^sdp: line 5: a=setup: unknown role "bogus"$/m);
  });
});
