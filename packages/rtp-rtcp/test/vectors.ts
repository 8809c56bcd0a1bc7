/**
 * Checks for this package's vector files (test-vectors/README.md):
 * - rtp (pion-rtp.json): input.hex -> decodeRtp; expected fields (byte fields as hex) must match;
 *   re-encoding gives input.hex, or expected.reencodedHex, unless the case says roundTrip: false
 *   (then decode(encode(x)) must still equal x). valid: false -> ParseError.
 * - rtcp (pion-rtcp.json): the same for decodeRtcp, with expected.packets (listed fields only).
 * - rtt (rfc3550-rtcp-rtt.json): LSR from the SR's NTP time, RTT = A - LSR - DLSR.
 * - decodeTable / decode / encode / reencode (cpython-g711.json): G.711 known answers.
 */
import { fromHex, isParseError, toHex } from '@rtcstack/common';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import {
  compactNtpToMs,
  decodeRtcp,
  decodeRtp,
  encodeRtcp,
  encodeRtp,
  g711Decode,
  g711Encode,
  ntpMiddle32,
  roundTripCompact,
  type G711Law,
} from '../src/index.ts';

/** Plain-JSON form of a decoded value: byte arrays become hex strings. */
export function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = plain(x);
    return o;
  }
  return v;
}

/** Every key of `want` must be present in `got` with an equal (subset-matched) value. */
function matchSubset(got: unknown, want: unknown, path: string): void {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      throw new Error(`${path}: expected array of ${want.length}, got ${JSON.stringify(got)}`);
    }
    want.forEach((w, i) => matchSubset(got[i], w, `${path}[${i}]`));
    return;
  }
  if (want && typeof want === 'object') {
    if (!got || typeof got !== 'object') throw new Error(`${path}: expected object, got ${JSON.stringify(got)}`);
    for (const [k, w] of Object.entries(want)) matchSubset((got as Record<string, unknown>)[k], w, `${path}.${k}`);
    return;
  }
  if (got !== want) throw new Error(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}

function expectParseError(c: VectorCase, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (isParseError(e)) return;
    throw new Error(`${c.id}: expected ParseError, got ${String(e)}`);
  }
  throw new Error(`${c.id}: expected rejection (${c.reason}) but it decoded`);
}

interface HexInput {
  hex: string;
}

function rtpExpected(e: Record<string, unknown>): Record<string, unknown> {
  // The vector spells extension data and payload as hex; map onto the decoded shape.
  const { payloadHex, reencodedHex: _r, extension, ...rest } = e;
  const out: Record<string, unknown> = { ...rest, payload: payloadHex };
  if (extension) {
    const x = extension as Record<string, unknown>;
    out.extension =
      x.kind === 'opaque'
        ? { kind: 'opaque', profile: x.profile, data: x.hex }
        : { ...x, elements: (x.elements as { id: number; hex: string }[]).map((el) => ({ id: el.id, data: el.hex })) };
  }
  return out;
}

const law = (c: VectorCase): G711Law => (c.input as { law: G711Law }).law;

export const checks: VectorChecks = {
  rtp(c) {
    const bytes = fromHex((c.input as HexInput).hex);
    if (c.valid === false) return expectParseError(c, () => decodeRtp(bytes));
    const p = decodeRtp(bytes);
    const e = c.expected as Record<string, unknown>;
    matchSubset(plain(p), rtpExpected(e), c.id);
    const again = encodeRtp(p);
    if (c.roundTrip !== false) {
      const want = typeof e.reencodedHex === 'string' ? e.reencodedHex : toHex(bytes);
      if (toHex(again) !== want) throw new Error(`${c.id}: re-encoded ${toHex(again)}, want ${want}`);
    }
    matchSubset(plain(decodeRtp(again)), plain(p), `${c.id} (decode of re-encoding)`);
  },

  rtcp(c) {
    const bytes = fromHex((c.input as HexInput).hex);
    if (c.valid === false) return expectParseError(c, () => decodeRtcp(bytes));
    const packets = decodeRtcp(bytes);
    matchSubset(plain(packets), (c.expected as { packets: unknown }).packets, c.id);
    const again = encodeRtcp(packets);
    if (c.roundTrip !== false && toHex(again) !== toHex(bytes)) throw new Error(`${c.id}: re-encoded ${toHex(again)}`);
    matchSubset(plain(decodeRtcp(again)), plain(packets), `${c.id} (decode of re-encoding)`);
  },

  rtt(c) {
    const i = c.input as { srNtpSeconds: number; srNtpFraction: number; arrival: number; dlsr: number };
    const e = c.expected as { lsr: number; rtt: number; rttMs: number };
    const lsr = ntpMiddle32(i.srNtpSeconds, i.srNtpFraction);
    if (lsr !== e.lsr) throw new Error(`LSR ${lsr.toString(16)}, want ${e.lsr.toString(16)}`);
    const rtt = roundTripCompact(i.arrival, lsr, i.dlsr);
    if (rtt !== e.rtt) throw new Error(`RTT ${rtt?.toString(16)}, want ${e.rtt.toString(16)}`);
    if (compactNtpToMs(rtt) !== e.rttMs) throw new Error(`RTT ${compactNtpToMs(rtt)} ms, want ${e.rttMs}`);
  },

  decodeTable(c) {
    const want = (c.expected as { samples: number[] }).samples;
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const got = Array.from(g711Decode(law(c), all));
    matchSubset(got, want, c.id);
  },

  decode(c) {
    const got = Array.from(g711Decode(law(c), fromHex((c.input as HexInput).hex)));
    matchSubset(got, (c.expected as { samples: number[] }).samples, c.id);
  },

  encode(c) {
    const got = toHex(g711Encode(law(c), Int16Array.from((c.input as { samples: number[] }).samples)));
    const want = (c.expected as HexInput).hex;
    if (got !== want) throw new Error(`${c.id}: encoded ${got}, want ${want}`);
  },

  reencode(c) {
    const l = law(c);
    const skip7f = (c.input as { codes: string }).codes === 'all-but-7f';
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i).filter((x) => !(skip7f && x === 0x7f));
    const back = g711Encode(l, g711Decode(l, codes));
    if (toHex(back) !== toHex(codes)) throw new Error(`${c.id}: ${toHex(codes)} -> ${toHex(back)}`);
  },
};
