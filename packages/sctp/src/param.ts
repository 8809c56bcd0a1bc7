import { ByteReader, ByteWriter } from '@rtcstack/common';
import { ParamType } from './constants.ts';
import type { Tlv } from './tlv.ts';

/**
 * INIT / INIT ACK parameters (RFC 9260 §3.3.2.1, §3.3.3.1; RFC 3758 §3.1; RFC 5061 §4.2.7).
 * The ones an SCTP-over-DTLS endpoint acts on are typed; every other parameter (addresses, AUTH
 * random/HMAC/chunk list, ECN, ...) is kept raw so that a decoded packet re-encodes exactly.
 */
export type InitParam =
  | { readonly kind: 'stateCookie'; readonly cookie: Uint8Array }
  | { readonly kind: 'forwardTsnSupported' }
  | { readonly kind: 'supportedExtensions'; readonly chunkTypes: readonly number[] }
  | { readonly kind: 'cookiePreservative'; readonly incrementMs: number }
  | { readonly kind: 'unrecognizedParameter'; readonly parameter: Uint8Array }
  | { readonly kind: 'raw'; readonly type: number; readonly value: Uint8Array };

export function decodeInitParam(t: Tlv, layer: string): InitParam {
  const r = new ByteReader(t.value, layer);
  switch (t.type) {
    case ParamType.STATE_COOKIE:
      return { kind: 'stateCookie', cookie: t.value };
    case ParamType.FORWARD_TSN_SUPPORTED:
      if (t.value.length !== 0) r.fail('param.forwardTsnSupported', 'must have no value');
      return { kind: 'forwardTsnSupported' };
    case ParamType.SUPPORTED_EXTENSIONS:
      return { kind: 'supportedExtensions', chunkTypes: Array.from(t.value) };
    case ParamType.COOKIE_PRESERVATIVE: {
      const incrementMs = r.u32('param.cookiePreservative');
      return { kind: 'cookiePreservative', incrementMs };
    }
    case ParamType.UNRECOGNIZED_PARAMETER:
      return { kind: 'unrecognizedParameter', parameter: t.value };
    default:
      return { kind: 'raw', type: t.type, value: t.value };
  }
}

export function initParamTlv(p: InitParam): { type: number; value: Uint8Array } {
  switch (p.kind) {
    case 'stateCookie':
      return { type: ParamType.STATE_COOKIE, value: p.cookie };
    case 'forwardTsnSupported':
      return { type: ParamType.FORWARD_TSN_SUPPORTED, value: new Uint8Array(0) };
    case 'supportedExtensions':
      return { type: ParamType.SUPPORTED_EXTENSIONS, value: Uint8Array.from(p.chunkTypes) };
    case 'cookiePreservative':
      return { type: ParamType.COOKIE_PRESERVATIVE, value: new ByteWriter(4).u32(p.incrementMs).finish() };
    case 'unrecognizedParameter':
      return { type: ParamType.UNRECOGNIZED_PARAMETER, value: p.parameter };
    case 'raw':
      return { type: p.type, value: p.value };
  }
}

/** Parameter types this endpoint understands when they arrive in INIT / INIT ACK. */
const KNOWN_INIT_PARAMS = new Set<number>([
  ParamType.IPV4_ADDRESS,
  ParamType.IPV6_ADDRESS,
  ParamType.STATE_COOKIE,
  ParamType.COOKIE_PRESERVATIVE,
  ParamType.HOST_NAME_ADDRESS,
  ParamType.SUPPORTED_ADDRESS_TYPES,
  ParamType.SUPPORTED_EXTENSIONS,
  ParamType.FORWARD_TSN_SUPPORTED,
  ParamType.UNRECOGNIZED_PARAMETER,
  ParamType.ECN_CAPABLE,
  ParamType.RANDOM,
  ParamType.CHUNK_LIST,
  ParamType.REQUESTED_HMAC_ALGORITHM,
  ParamType.PADDING,
  ParamType.ZERO_CHECKSUM_ACCEPTABLE,
]);

export interface ParamScan {
  /** Parameters kept (known ones, and unknown ones whose bits say "skip and continue"). */
  readonly params: InitParam[];
  /** Raw unknown parameters to report back (upper bits x1). */
  readonly unrecognized: Uint8Array[];
}

/**
 * Apply RFC 9260 §3.2.1 to unknown parameter types, by their upper two bits:
 * 00 stop processing this and later parameters; 01 stop and report; 10 skip and continue;
 * 11 skip, continue and report.
 */
export function scanInitParams(params: readonly InitParam[]): ParamScan {
  const kept: InitParam[] = [];
  const unrecognized: Uint8Array[] = [];
  for (const p of params) {
    if (p.kind !== 'raw' || KNOWN_INIT_PARAMS.has(p.type)) {
      kept.push(p);
      continue;
    }
    const bits = p.type >>> 14;
    if (bits & 1) {
      const w = new ByteWriter(4 + p.value.length);
      w.u16(p.type).u16(4 + p.value.length).bytes(p.value);
      unrecognized.push(w.finish());
    }
    if (!(bits & 2)) break;
  }
  return { params: kept, unrecognized };
}
