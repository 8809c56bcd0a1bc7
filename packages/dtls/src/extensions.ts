import { ByteReader, ByteWriter } from '@rtcstack/common';
import { ExtensionType } from './constants.ts';

/** RFC 5246 §7.4.1.4: an extension is a type and opaque data; unknown ones are kept and ignored. */
export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** extensions<0..2^16-1>; absent entirely when the message ends first (RFC 5246 §7.4.1.2). */
export function decodeExtensions(r: ByteReader): Extension[] {
  if (r.atEnd) return [];
  const list = r.sub(r.u16('extensions.length'), 'extensions');
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!list.atEnd) {
    const at = list.offset;
    const type = list.u16('extension.type');
    const data = list.bytes(list.u16('extension.length'), 'extension.data');
    // RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension of the same type."
    if (seen.has(type)) list.fail('extension.type', `duplicate extension ${type}`, at);
    seen.add(type);
    out.push({ type, data });
  }
  return out;
}

export function encodeExtensions(w: ByteWriter, exts: readonly Extension[]): void {
  if (exts.length === 0) return;
  // The caller sized the writer with extensionsSize() (ByteWriter must not grow, see messages.ts).
  const at = w.length;
  w.u16(0);
  for (const e of exts) w.u16(e.type).u16(e.data.length).bytes(e.data);
  w.patchU16(at, w.length - at - 2);
}

export function findExtension(exts: readonly Extension[], type: number): Extension | undefined {
  return exts.find((e) => e.type === type);
}

function u16List(data: Uint8Array, field: string): number[] {
  const r = new ByteReader(data, 'dtls');
  const n = r.u16(`${field}.length`);
  if (n % 2 !== 0 || n === 0) r.fail(`${field}.length`, 'must be a non-empty even length', 0);
  const list = r.sub(n, field);
  const out: number[] = [];
  while (!list.atEnd) out.push(list.u16(field));
  return out;
}

function encodeU16List(values: readonly number[]): Uint8Array {
  const w = new ByteWriter(2 + 2 * values.length).u16(2 * values.length);
  for (const v of values) w.u16(v);
  return w.finish();
}

/** RFC 8422 §5.1.1 supported_groups: NamedGroup named_group_list<2..2^16-1>. */
export const supportedGroups = {
  decode: (data: Uint8Array): number[] => u16List(data, 'supported_groups'),
  encode: (groups: readonly number[]): Extension => ({ type: ExtensionType.supported_groups, data: encodeU16List(groups) }),
};

/** RFC 5246 §7.4.1.4.1 signature_algorithms: SignatureAndHashAlgorithm list<2..2^16-2>. */
export const signatureAlgorithms = {
  decode: (data: Uint8Array): number[] => u16List(data, 'signature_algorithms'),
  encode: (schemes: readonly number[]): Extension => ({ type: ExtensionType.signature_algorithms, data: encodeU16List(schemes) }),
};

/** RFC 8422 §5.1.2 ec_point_formats: ECPointFormat list<1..2^8-1>; we only use uncompressed (0). */
export const ecPointFormats = {
  decode(data: Uint8Array): number[] {
    const r = new ByteReader(data, 'dtls');
    const n = r.u8('ec_point_formats.length');
    return Array.from(r.bytes(n, 'ec_point_formats'));
  },
  encode: (): Extension => ({ type: ExtensionType.ec_point_formats, data: new Uint8Array([1, 0]) }),
};

/** RFC 5764 §4.1.1 use_srtp: SRTPProtectionProfiles<2..2^16-1> + srtp_mki<0..255>. */
export interface UseSrtp {
  readonly profiles: readonly number[];
  readonly mki: Uint8Array;
}
export const useSrtp = {
  decode(data: Uint8Array): UseSrtp {
    const r = new ByteReader(data, 'dtls');
    const n = r.u16('use_srtp.profiles.length');
    if (n < 2 || n % 2) r.fail('use_srtp.profiles.length', 'must be even and non-zero', 0);
    const list = r.sub(n, 'use_srtp.profiles');
    const profiles: number[] = [];
    while (!list.atEnd) profiles.push(list.u16('use_srtp.profile'));
    const mki = r.bytes(r.u8('use_srtp.mki.length'), 'use_srtp.mki');
    if (!r.atEnd) r.fail('use_srtp', 'trailing bytes');
    return { profiles, mki };
  },
  encode(u: UseSrtp): Extension {
    const w = new ByteWriter(2 + 2 * u.profiles.length + 1 + u.mki.length).bytes(encodeU16List(u.profiles)).u8(u.mki.length).bytes(u.mki);
    return { type: ExtensionType.use_srtp, data: w.finish() };
  },
};

/** RFC 7627 §5.1: extended_master_secret, empty. */
export const extendedMasterSecretExt = (): Extension => ({ type: ExtensionType.extended_master_secret, data: new Uint8Array(0) });

/** RFC 5746 §3.2: renegotiation_info with an empty renegotiated_connection (initial handshake). */
export const renegotiationInfo = {
  decode(data: Uint8Array): Uint8Array {
    const r = new ByteReader(data, 'dtls');
    return r.bytes(r.u8('renegotiation_info.length'), 'renegotiation_info');
  },
  encodeEmpty: (): Extension => ({ type: ExtensionType.renegotiation_info, data: new Uint8Array([0]) }),
};
