import { ParseError, type ByteReader, type ByteWriter } from '@rtcstack/common';
import type { RtcpCommon } from './header.ts';

/** SDES item types (RFC 3550 §6.5.1-6.5.8). */
export const SdesItemType = {
  END: 0,
  CNAME: 1, // canonical end-point identifier: the one item every compound must carry
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

export interface SdesItem {
  /** 1..255 (0 is END and ends the chunk). */
  readonly type: number;
  /** UTF-8 text (RFC 3550 §6.5). For PRIV, the value after the prefix. */
  readonly text: string;
  /** PRIV only (RFC 3550 §6.5.8): the prefix string. */
  readonly prefix?: string;
}

export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

/** SDES (RFC 3550 §6.5): who a source is (CNAME, name, tool, ...). */
export interface SourceDescription extends RtcpCommon {
  readonly type: 'sdes';
  readonly chunks: readonly SdesChunk[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8enc = new TextEncoder();

function text(r: ByteReader, n: number, field: string): string {
  const at = r.offset;
  const b = r.bytes(n, field);
  try {
    return utf8.decode(b);
  } catch {
    throw new ParseError('rtcp', field, at, 'not valid UTF-8');
  }
}

export function readSdes(r: ByteReader, count: number): Omit<SourceDescription, 'padding'> {
  const start = r.offset;
  const chunks: SdesChunk[] = [];
  for (let c = 0; c < count; c++) {
    const ssrc = r.u32('sdes.chunk.ssrc');
    const items: SdesItem[] = [];
    for (;;) {
      const type = r.u8('sdes.item.type');
      if (type === SdesItemType.END) break;
      const len = r.u8('sdes.item.length');
      if (len > r.remaining) r.fail('sdes.item.length', `item length ${len} but only ${r.remaining} byte(s) remain`);
      if (type === SdesItemType.PRIV) {
        const plen = r.u8('sdes.priv.prefixLength');
        if (plen + 1 > len) r.fail('sdes.priv.prefixLength', `prefix length ${plen} exceeds item length ${len}`);
        const prefix = text(r, plen, 'sdes.priv.prefix');
        items.push({ type, prefix, text: text(r, len - 1 - plen, 'sdes.priv.value') });
      } else {
        items.push({ type, text: text(r, len, 'sdes.item.text') });
      }
    }
    // RFC 3550 §6.5: the END octet is followed by null octets up to the next 32-bit boundary.
    while ((r.offset - start) % 4 !== 0) {
      const at = r.offset;
      if (r.u8('sdes.chunk.padding') !== 0) throw new ParseError('rtcp', 'sdes.chunk.padding', at, 'non-zero octet after END');
    }
    chunks.push({ ssrc, items });
  }
  if (!r.atEnd) r.fail('sdes', `${r.remaining} byte(s) after ${count} chunk(s)`);
  return { type: 'sdes', chunks };
}

export function writeSdes(w: ByteWriter, p: SourceDescription): void {
  for (const c of p.chunks) {
    const start = w.length;
    w.u32(c.ssrc);
    for (const it of c.items) {
      if (it.type < 1 || it.type > 255) throw new RangeError(`rtcp: SDES item type ${it.type} not in 1..255`);
      const value = utf8enc.encode(it.text);
      if (it.type === SdesItemType.PRIV) {
        const prefix = utf8enc.encode(it.prefix ?? '');
        if (1 + prefix.length + value.length > 255) throw new RangeError('rtcp: SDES PRIV item longer than 255 bytes');
        w.u8(it.type).u8(1 + prefix.length + value.length).u8(prefix.length);
        w.bytes(prefix);
        w.bytes(value);
      } else {
        if (value.length > 255) throw new RangeError('rtcp: SDES item longer than 255 bytes');
        w.u8(it.type).u8(value.length);
        w.bytes(value);
      }
    }
    // END plus null octets to the next 32-bit boundary (at least one null octet).
    w.u8(0);
    while ((w.length - start) % 4 !== 0) w.u8(0);
  }
}

/** A one-chunk SDES carrying a CNAME, the form every compound RTCP packet needs (RFC 3550 §6.1). */
export function cnameSdes(ssrc: number, cname: string): SourceDescription {
  return { type: 'sdes', chunks: [{ ssrc, items: [{ type: SdesItemType.CNAME, text: cname }] }] };
}
