import type { ByteReader, ByteWriter } from '@rtcstack/common';
import type { RtcpCommon } from './header.ts';

/** APP (RFC 3550 §6.7): application-defined, named by four ASCII characters. */
export interface AppPacket extends RtcpCommon {
  readonly type: 'app';
  /** 5-bit subtype carried in the count field. */
  readonly subtype: number;
  readonly ssrc: number;
  /** Four ASCII characters. */
  readonly name: string;
  readonly data: Uint8Array;
}

export function readApp(r: ByteReader, count: number): Omit<AppPacket, 'padding'> {
  const ssrc = r.u32('app.ssrc');
  const nameAt = r.offset;
  const nb = r.bytes(4, 'app.name');
  for (const c of nb) if (c < 0x20 || c > 0x7e) r.fail('app.name', 'name is not four printable ASCII characters', nameAt);
  // RFC 3550 §6.7: the data is a multiple of 32 bits (padding, if any, is already removed).
  if (r.remaining % 4 !== 0) r.fail('app.data', `${r.remaining} data bytes is not a multiple of 4`);
  return { type: 'app', subtype: count, ssrc, name: String.fromCharCode(...nb), data: r.rest() };
}

export function writeApp(w: ByteWriter, p: AppPacket): void {
  if (!/^[\x20-\x7e]{4}$/.test(p.name)) throw new RangeError('rtcp: APP name must be four printable ASCII characters');
  w.u32(p.ssrc);
  for (let i = 0; i < 4; i++) w.u8(p.name.charCodeAt(i));
  w.bytes(p.data);
}
