import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@rtcstack/test-support';

const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const run = (script: string, ...args: string[]) =>
  execFileSync(tsx, [join(repoRoot, 'packages', 'rtp-rtcp', 'lab', script), ...args], { encoding: 'utf8', timeout: 20_000 });

describe('labs', () => {
  it('lab:rtp prints an annotated 172-byte PCMU packet', () => {
    const out = run('lab.ts');
    expect(out).toContain('RTP packet: 172 bytes = 12 header + 160 payload');
    expect(out).toContain('PT 0 = PCMU/8000');
    expect(out).toContain('timestamp 3000000000 -> 3000000160 (+160)');
  });

  it('lab:rtp --audio-level 1 adds and annotates the RFC 6464 extension', () => {
    const out = run('lab.ts', '--audio-level', '1');
    expect(out).toContain('RTP packet: 180 bytes = 20 header + 160 payload');
    expect(out).toContain('extension profile 0xbede (one-byte, RFC 8285), length 1 word(s)');
    expect(out).toContain('audio level V=1 level 9');
  });

  it('lab:rtcp explains the built-in compound and re-encodes it exactly', () => {
    const out = run('rtcp.ts');
    expect(out).toContain('6 packet(s)');
    expect(out).toContain('CNAME: "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}"');
    expect(out).toContain('Re-encoding gives the same bytes.');
  });

  it('lab:rtcp rejects a packet whose length word disagrees, naming the field', () => {
    expect(() => run('rtcp.ts', '81c9000c902f9e2e00000000')).toThrow(/header\.length/);
  });
});
