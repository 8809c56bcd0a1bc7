import { ParseError, type ByteReader, type ByteWriter } from '@rtcstack/common';
import type { RtcpCommon } from './header.ts';

/** BYE (RFC 3550 §6.6): these sources are leaving, optionally with a reason. */
export interface Goodbye extends RtcpCommon {
  readonly type: 'bye';
  readonly ssrcs: readonly number[];
  readonly reason?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readBye(r: ByteReader, count: number): Omit<Goodbye, 'padding'> {
  const start = r.offset;
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(r.u32('bye.ssrc'));
  if (r.atEnd) return { type: 'bye', ssrcs };
  const len = r.u8('bye.reason.length');
  const at = r.offset;
  const b = r.bytes(len, 'bye.reason');
  let reason: string;
  try {
    reason = utf8.decode(b);
  } catch {
    throw new ParseError('rtcp', 'bye.reason', at, 'not valid UTF-8');
  }
  // The reason is padded with null octets to the 32-bit boundary, no further.
  while ((r.offset - start) % 4 !== 0) {
    const p = r.offset;
    if (r.u8('bye.reason.padding') !== 0) throw new ParseError('rtcp', 'bye.reason.padding', p, 'non-zero padding after reason');
  }
  if (!r.atEnd) r.fail('bye', `${r.remaining} byte(s) after the reason`);
  return { type: 'bye', ssrcs, reason };
}

export function writeBye(w: ByteWriter, p: Goodbye): void {
  const start = w.length;
  for (const s of p.ssrcs) w.u32(s);
  if (p.reason !== undefined) {
    const b = new TextEncoder().encode(p.reason);
    if (b.length > 255) throw new RangeError('rtcp: BYE reason longer than 255 bytes');
    w.u8(b.length);
    w.bytes(b);
    while ((w.length - start) % 4 !== 0) w.u8(0);
  }
}
