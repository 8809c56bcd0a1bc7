import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  alawToLinear,
  audioLevel,
  decodeRtp,
  depacketizeG711,
  encodeRtp,
  G711_FRAME_SAMPLES,
  G711Packetizer,
  g711Decode,
  g711Encode,
  levelDbov,
  linearToAlaw,
  linearToUlaw,
  rms,
  ToneGenerator,
  ulawToLinear,
} from '../src/index.ts';

describe('G.711 code structure (ITU-T G.711)', () => {
  it.each([
    // [sample, µ-law, A-law]: zero, the smallest steps, and full scale both ways.
    [0, 0xff, 0xd5],
    [8, 0xfe, 0xd5],
    [-8, 0x7e, 0x55],
    [32767, 0x80, 0xaa],
    [-32768, 0x00, 0x2a],
  ])('%i -> µ-law %i, A-law %i', (x, u, a) => {
    expect(linearToUlaw(x)).toBe(u);
    expect(linearToAlaw(x)).toBe(a);
  });

  it('µ-law has two zeros (0x7f and 0xff); A-law has none (smallest is ±8)', () => {
    expect(ulawToLinear(0x7f)).toBe(0);
    expect(ulawToLinear(0xff)).toBe(0);
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
  });

  it.each(['ulaw', 'alaw'] as const)('%s: decoding is monotonic in the linear value and error stays within half a step', (law) => {
    const enc = law === 'ulaw' ? linearToUlaw : linearToAlaw;
    const dec = law === 'ulaw' ? ulawToLinear : alawToLinear;
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: -32768, max: 32767 }), (x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        expect(dec(enc(lo))).toBeLessThanOrEqual(dec(enc(hi)));
        if (Math.abs(x) < 32000) expect(Math.abs(dec(enc(x)) - x)).toBeLessThanOrEqual(Math.max(32, Math.abs(x) / 15));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('20 ms G.711 packetizer (RFC 3551 §4.5.14, Table 4)', () => {
  it('160 samples per packet, sequence +1, timestamp +160, marker on the first', () => {
    const pk = new G711Packetizer({ ssrc: 0x1234, payloadType: 0, initialSequence: 0xfffe, initialTimestamp: 0xffffff00 });
    const tone = new ToneGenerator(440);
    const ps = [0, 1, 2].map(() => pk.packetize(tone.next(G711_FRAME_SAMPLES)));
    expect(ps.map((p) => p.sequenceNumber)).toEqual([0xfffe, 0xffff, 0]);
    expect(ps.map((p) => p.timestamp)).toEqual([0xffffff00, 0xffffffa0, 0x40]);
    expect(ps.map((p) => p.marker)).toEqual([true, false, false]);
    expect(ps.every((p) => p.payload.length === 160 && p.payloadType === 0)).toBe(true);
    pk.skip(160 * 5);
    const after = pk.packetize(tone.next(160));
    expect(after.marker).toBe(true); // new talkspurt after silence
    expect(after.timestamp).toBe((0x40 + 160 + 800) >>> 0);
    expect(after.sequenceNumber).toBe(1);
  });

  it.each([
    [0, 'ulaw'],
    [8, 'alaw'],
  ] as const)('PT %i (%s): depacketized samples equal G.711 decode(encode(frame)) over the wire', (pt, law) => {
    const pk = new G711Packetizer({ ssrc: 1, payloadType: pt, initialSequence: 0, initialTimestamp: 0 });
    const frame = new ToneGenerator(1000, 8000, 0.8).next(160);
    const wire = encodeRtp(pk.packetize(frame));
    expect(wire.length).toBe(12 + 160);
    const got = depacketizeG711(decodeRtp(wire));
    expect(Array.from(got)).toEqual(Array.from(g711Decode(law, g711Encode(law, frame))));
  });

  it('refuses a dynamic payload type without a law', () => {
    expect(() => new G711Packetizer({ ssrc: 1, payloadType: 96, initialSequence: 0, initialTimestamp: 0 })).toThrow(RangeError);
    expect(new G711Packetizer({ ssrc: 1, payloadType: 96, law: 'alaw', initialSequence: 0, initialTimestamp: 0 }).law).toBe('alaw');
  });
});

describe('tone generator and audio level (RFC 6464)', () => {
  it('a 1 kHz tone at 8 kHz repeats every 8 samples and crosses zero 2000 times a second', () => {
    const s = new ToneGenerator(1000, 8000, 0.5).next(8000);
    let crossings = 0;
    for (let i = 1; i < s.length; i++) if ((s[i - 1] < 0) !== (s[i] < 0)) crossings++;
    expect(Math.abs(crossings - 2000)).toBeLessThanOrEqual(2);
    expect(s[8]).toBe(s[0]);
    expect(s[10]).toBe(s[2]);
  });

  it('phase continues across frames', () => {
    const a = new ToneGenerator(440);
    const b = new ToneGenerator(440);
    const whole = a.next(320);
    const parts = [...b.next(160), ...b.next(160)];
    expect(parts).toEqual(Array.from(whole));
  });

  it('full-scale sine is about -3 dBov, half scale about -9, silence is level 127', () => {
    expect(levelDbov(new ToneGenerator(1000, 8000, 1).next(8000))).toBeCloseTo(-3.01, 1);
    expect(audioLevel(new ToneGenerator(1000, 8000, 1).next(8000))).toBe(3);
    expect(audioLevel(new ToneGenerator(1000, 8000, 0.5).next(8000))).toBe(9);
    expect(audioLevel(new Int16Array(160))).toBe(127);
    expect(rms(Int16Array.from([3, -4, 3, -4]))).toBeCloseTo(Math.sqrt(12.5), 10);
    expect(audioLevel(Int16Array.from([1]))).toBe(90); // -90.3 dBov
  });
});
