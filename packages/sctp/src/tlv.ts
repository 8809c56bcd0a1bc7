import { ByteReader, ByteWriter } from '@rtcstack/common';

/**
 * Type-length-value fields: the shape shared by INIT parameters (RFC 9260 §3.2.1), error causes
 * (§3.3.10) and RE-CONFIG parameters (RFC 6525 §4). Length counts the 4-byte header and the value
 * but not the padding to a multiple of 4 that follows.
 */
export interface Tlv {
  readonly type: number;
  readonly value: Uint8Array;
  /** Offset of the TLV header in the decoded buffer (for error reports). */
  readonly offset: number;
}

export const pad4 = (n: number): number => (n + 3) & ~3;

/** Read TLVs until the reader is empty. Trailing padding of the last TLV may be absent. */
export function readTlvs(r: ByteReader, field: string): Tlv[] {
  const out: Tlv[] = [];
  while (r.remaining > 0) {
    const offset = r.offset;
    const type = r.u16(`${field}.type`);
    const length = r.u16(`${field}.length`);
    if (length < 4) r.fail(`${field}.length`, `length ${length} is shorter than the 4-byte header`, offset + 2);
    const value = r.bytes(length - 4, `${field}.value`);
    const padding = pad4(length) - length;
    r.skip(Math.min(padding, r.remaining), `${field}.padding`);
    out.push({ type, value, offset });
  }
  return out;
}

/**
 * Write TLVs, padding each to 4 bytes. RFC 9260 §3.2: a chunk's length includes the padding of
 * every parameter except the last, so the caller passes `padLast = false` inside a chunk and
 * lets the chunk padding cover it.
 */
export function writeTlvs(w: ByteWriter, tlvs: readonly { type: number; value: Uint8Array }[], padLast: boolean): void {
  tlvs.forEach((t, i) => {
    w.u16(t.type).u16(4 + t.value.length).bytes(t.value);
    const pad = pad4(t.value.length) - t.value.length;
    if (pad && (padLast || i < tlvs.length - 1)) w.zeros(pad);
  });
}
