/**
 * G.711 (ITU-T G.711, 1988): 8-bit logarithmic companding of telephone audio. µ-law (PCMU,
 * North America/Japan) covers a 14-bit range, A-law (PCMA, elsewhere) a 13-bit range; each
 * code is sign + 3-bit segment (a power of two) + 4-bit position inside the segment.
 *
 * Written from the segment structure in G.711 Tables 1a/2a and the classic reference algorithm
 * (Sun Microsystems' public-domain g711.c, the one sox and CPython's audioop carry): 16-bit
 * linear input is reduced to 14 bits (µ-law, >> 2) or 13 bits (A-law, >> 3) first.
 */

/** µ-law bias (33 in 14-bit units, 0x84 in 16-bit units): makes segment boundaries powers of two. */
const ULAW_BIAS_14 = 33;
const ULAW_BIAS_16 = 0x84;

/** Number of bits needed to hold v (0 for 0). */
function bitLength(v: number): number {
  return 32 - Math.clz32(v);
}

/** Linear 16-bit sample -> µ-law code. */
export function linearToUlaw(sample: number): number {
  let v = sample >> 2; // 14-bit, arithmetic shift as in the reference
  let mask: number;
  if (v < 0) {
    v = -v;
    mask = 0x7f; // negative: sign bit 0 after the final inversion
  } else {
    mask = 0xff;
  }
  v += ULAW_BIAS_14;
  if (v > 0x1fff) v = 0x1fff; // clip to the top of segment 7
  // Segment = position of the leading 1 in the biased value, counting from bit 5.
  const seg = bitLength(v >> 6);
  const code = (seg << 4) | ((v >> (seg + 1)) & 0x0f);
  return code ^ mask; // G.711: µ-law codes are transmitted inverted
}

/** µ-law code -> linear 16-bit sample (G.711 Table 2a decoder values, scaled by 4). */
export function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const t = ((((u & 0x0f) << 3) + ULAW_BIAS_16) << ((u & 0x70) >> 4));
  return u & 0x80 ? ULAW_BIAS_16 - t : t - ULAW_BIAS_16;
}

/** Linear 16-bit sample -> A-law code. */
export function linearToAlaw(sample: number): number {
  let v = sample >> 3; // 13-bit
  let mask: number;
  if (v >= 0) {
    mask = 0xd5; // sign bit 1, even bits inverted (G.711 A-law transmits with 0x55 XOR)
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  if (v > 0xfff) v = 0xfff;
  // Segments: 0..31 -> 0 (linear), then one segment per power of two.
  const seg = bitLength(v >> 5);
  const code = (seg << 4) | ((seg < 2 ? v >> 1 : v >> seg) & 0x0f);
  return code ^ mask;
}

/** A-law code -> linear 16-bit sample (G.711 Table 1a decoder values, scaled by 8). */
export function alawToLinear(code: number): number {
  const a = (code ^ 0x55) & 0xff;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8; // middle of the quantisation interval
  else {
    t += 0x108;
    if (seg > 1) t <<= seg - 1;
  }
  return a & 0x80 ? t : -t;
}

export type G711Law = 'ulaw' | 'alaw';

// 256-entry decode tables: decoding is then one lookup per sample.
const ULAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));

/** Encode a block of 16-bit samples. */
export function g711Encode(law: G711Law, samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  const f = law === 'ulaw' ? linearToUlaw : linearToAlaw;
  for (let i = 0; i < samples.length; i++) out[i] = f(samples[i]);
  return out;
}

/** Decode a block of codes. */
export function g711Decode(law: G711Law, codes: Uint8Array, out = new Int16Array(codes.length)): Int16Array {
  const t = law === 'ulaw' ? ULAW_TABLE : ALAW_TABLE;
  for (let i = 0; i < codes.length; i++) out[i] = t[codes[i]];
  return out;
}
