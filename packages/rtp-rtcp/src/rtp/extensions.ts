/**
 * RTP header extensions (RFC 3550 §5.3.1) and the general mechanism of RFC 8285: the
 * "defined by profile" word says how the extension block is laid out.
 */

/** RFC 8285 §4.2: one-byte form marker. */
export const ONE_BYTE_PROFILE = 0xbede;
/** RFC 8285 §4.3: two-byte form marker in the upper 12 bits; the low 4 bits are "appbits". */
export const TWO_BYTE_PROFILE_BASE = 0x1000;

/** One extension element: a local identifier (negotiated with a=extmap) and its bytes. */
export interface RtpExtensionElement {
  readonly id: number;
  /** A view into the packet (zero-copy) when decoded. */
  readonly data: Uint8Array;
}

export type RtpExtensionBlock =
  /** RFC 8285 §4.2: ids 1..14, 1..16 data bytes each. */
  | { readonly kind: 'one-byte'; readonly elements: readonly RtpExtensionElement[] }
  /** RFC 8285 §4.3: ids 1..255, 0..255 data bytes each. */
  | { readonly kind: 'two-byte'; readonly appBits: number; readonly elements: readonly RtpExtensionElement[] }
  /** Any other profile (RFC 3550 §5.3.1): kept as opaque bytes. */
  | { readonly kind: 'opaque'; readonly profile: number; readonly data: Uint8Array };

/** The 16-bit profile word for a block. */
export function extensionProfile(b: RtpExtensionBlock): number {
  if (b.kind === 'one-byte') return ONE_BYTE_PROFILE;
  if (b.kind === 'two-byte') return TWO_BYTE_PROFILE_BASE | (b.appBits & 0x0f);
  return b.profile;
}

/**
 * Parse the extension body (after the 4-byte profile/length word). `start`/`end` are absolute
 * offsets in `buf`; errors name absolute offsets.
 */
export function parseExtensionBody(buf: Uint8Array, profile: number, start: number, end: number): RtpExtensionBlock {
  if (profile === ONE_BYTE_PROFILE) return { kind: 'one-byte', elements: parseOneByte(buf, start, end) };
  if ((profile & 0xfff0) === TWO_BYTE_PROFILE_BASE) {
    return { kind: 'two-byte', appBits: profile & 0x0f, elements: parseTwoByte(buf, start, end) };
  }
  return { kind: 'opaque', profile, data: buf.subarray(start, end) };
}

/*
 * Inside a block whose length word fits the packet, a bad element does not make the packet bad:
 * the payload is still where the length word says. Like libwebrtc (rtp_packet.cc), parsing of
 * elements stops there and the elements before it are kept.
 */
function parseOneByte(buf: Uint8Array, start: number, end: number): RtpExtensionElement[] {
  const out: RtpExtensionElement[] = [];
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b === 0) {
      // RFC 8285 §4.2: a padding byte (value 0) is skipped; the parser moves on to the next byte.
      i++;
      continue;
    }
    const id = b >> 4;
    // RFC 8285 §4.2: ID 15 is reserved: stop processing the whole block here. ID 0 with a
    // non-zero length is not a padding byte either; libwebrtc stops there too.
    if (id === 15 || id === 0) break;
    const len = (b & 0x0f) + 1;
    if (i + 1 + len > end) break; // element runs past its block
    out.push({ id, data: buf.subarray(i + 1, i + 1 + len) });
    i += 1 + len;
  }
  return out;
}

function parseTwoByte(buf: Uint8Array, start: number, end: number): RtpExtensionElement[] {
  const out: RtpExtensionElement[] = [];
  let i = start;
  while (i < end) {
    const id = buf[i];
    if (id === 0) {
      i++; // RFC 8285 §4.3: padding byte
      continue;
    }
    if (i + 2 > end) break; // no room for the length byte
    const len = buf[i + 1];
    if (i + 2 + len > end) break; // element runs past its block
    out.push({ id, data: buf.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

/** Bytes of the extension body (without the 4-byte word), before padding to 32 bits. */
function rawBodyLength(b: RtpExtensionBlock): number {
  if (b.kind === 'opaque') return b.data.length;
  let n = 0;
  for (const e of b.elements) n += (b.kind === 'one-byte' ? 1 : 2) + e.data.length;
  return n;
}

/** Total bytes the block occupies on the wire: 4-byte word + body padded to 32 bits. */
export function extensionWireLength(b: RtpExtensionBlock): number {
  return 4 + ((rawBodyLength(b) + 3) & ~3);
}

/** Write the block (profile word, length in words, elements, zero padding) at `at`; returns bytes written. */
export function writeExtension(b: RtpExtensionBlock, out: Uint8Array, at: number): number {
  const total = extensionWireLength(b);
  const profile = extensionProfile(b);
  const words = (total - 4) / 4;
  if (words > 0xffff) throw new RangeError('rtp: header extension longer than 65535 words');
  out[at] = profile >>> 8;
  out[at + 1] = profile & 0xff;
  out[at + 2] = words >>> 8;
  out[at + 3] = words & 0xff;
  let i = at + 4;
  if (b.kind === 'opaque') {
    if (b.data.length % 4 !== 0) throw new RangeError('rtp: opaque extension data must be a multiple of 4 bytes');
    out.set(b.data, i);
    return total;
  }
  for (const e of b.elements) {
    if (b.kind === 'one-byte') {
      // RFC 8285 §4.2: ids 1..14, length field = bytes - 1 (1..16 bytes).
      if (e.id < 1 || e.id > 14) throw new RangeError(`rtp: one-byte extension id ${e.id} not in 1..14`);
      if (e.data.length < 1 || e.data.length > 16) throw new RangeError(`rtp: one-byte extension data must be 1..16 bytes`);
      out[i++] = (e.id << 4) | (e.data.length - 1);
    } else {
      if (e.id < 1 || e.id > 255) throw new RangeError(`rtp: two-byte extension id ${e.id} not in 1..255`);
      if (e.data.length > 255) throw new RangeError(`rtp: two-byte extension data must be 0..255 bytes`);
      out[i++] = e.id;
      out[i++] = e.data.length;
    }
    out.set(e.data, i);
    i += e.data.length;
  }
  out.fill(0, i, at + total);
  return total;
}

/** Find an element by id (undefined if absent or the block is opaque). */
export function getExtension(b: RtpExtensionBlock | undefined, id: number): Uint8Array | undefined {
  if (!b || b.kind === 'opaque') return undefined;
  for (const e of b.elements) if (e.id === id) return e.data;
  return undefined;
}
