import { describe, expect, it } from 'vitest';
import { checkFor, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

for (const file of ['pion-rtp', 'libwebrtc-rtp', 'pion-rtcp', 'libwebrtc-rtcp', 'rfc3550-rtcp-rtt', 'cpython-g711']) {
  const vf = loadVectorFile(file);
  describe(`${file}.json — ${vf.title}`, () => {
    for (const c of vf.cases) it(`${c.id} (${c.source})`, () => checkFor(vf, c, checks)(c));
  });
}

describe('the checks can fail', () => {
  it('a tampered expectation is reported', () => {
    const vf = loadVectorFile('pion-rtcp');
    const c = vf.cases.find((x) => x.id === 'nack')!;
    const tampered = { ...c, expected: { packets: [{ type: 'nack', pairs: [{ pid: 0xaaab, blp: 0x5555 }] }] } };
    expect(() => checkFor(vf, tampered, checks)(tampered)).toThrow(/pid/);
  });
  it('a valid packet marked invalid is reported', () => {
    const vf = loadVectorFile('pion-rtp');
    const c = vf.cases.find((x) => x.id === 'basic-opaque-extension')!;
    const tampered = { ...c, valid: false, reason: 'test' };
    expect(() => checkFor(vf, tampered, checks)(tampered)).toThrow(/expected rejection/);
  });
  it('a wrong G.711 table entry is reported', () => {
    const vf = loadVectorFile('cpython-g711');
    const c = vf.cases.find((x) => x.id === 'ulaw-decode-table')!;
    const samples = [...(c.expected as { samples: number[] }).samples];
    samples[0x7f] = -1;
    const tampered = { ...c, expected: { samples } };
    expect(() => checkFor(vf, tampered, checks)(tampered)).toThrow();
  });
});
