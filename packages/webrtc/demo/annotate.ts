/**
 * --trace: annotated bytes of a packet. STUN uses the stun package's field-by-field view; the
 * others get their header fields named and the rest as a hex dump.
 */
import { annotateMessage, formatAnnotated } from '@rtcstack/stun';
import type { PacketClass } from '../src/demux.ts';

const hex = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.subarray(from, Math.min(to, b.length))).toString('hex').replace(/(..)/g, '$1 ').trim();

function dump(b: Uint8Array, from: number, max = 64, indent = '      '): string {
  const lines: string[] = [];
  const end = Math.min(b.length, from + max);
  for (let i = from; i < end; i += 16) lines.push(`${indent}${i.toString().padStart(4, '0')}  ${hex(b, i, Math.min(i + 16, end))}`);
  if (b.length > end) lines.push(`${indent}      ... ${b.length - end} more bytes`);
  return lines.join('\n');
}

export function annotate(cls: PacketClass | 'sctp', b: Uint8Array): string {
  const out: string[] = [];
  const row = (at: number, len: number, what: string): void => void out.push(`      ${hex(b, at, at + len).padEnd(36)} ${what}`);
  try {
    if (cls === 'stun') return formatAnnotated(annotateMessage(b), '      ');
    if (cls === 'dtls') {
      let at = 0;
      while (at + 13 <= b.length) {
        const len = (b[at + 11] << 8) | b[at + 12];
        row(at, 1, `content type ${b[at]} (RFC 6347 §4.1)`);
        row(at + 1, 2, 'version (fe fd = DTLS 1.2)');
        row(at + 3, 2, `epoch ${(b[at + 3] << 8) | b[at + 4]}`);
        row(at + 5, 6, 'sequence number');
        row(at + 11, 2, `length ${len}`);
        out.push(dump(b, at + 13, Math.min(len, 32)));
        at += 13 + len;
      }
      return out.join('\n');
    }
    if (cls === 'sctp') {
      row(0, 2, `source port ${(b[0] << 8) | b[1]} (RFC 9260 §3.1)`);
      row(2, 2, `destination port ${(b[2] << 8) | b[3]}`);
      row(4, 4, 'verification tag');
      row(8, 4, 'CRC32c checksum');
      let at = 12;
      while (at + 4 <= b.length) {
        const len = (b[at + 2] << 8) | b[at + 3];
        row(at, 1, `chunk type ${b[at]}`);
        row(at + 1, 1, 'chunk flags');
        row(at + 2, 2, `chunk length ${len}`);
        out.push(dump(b, at + 4, Math.min(Math.max(len - 4, 0), 32)));
        at += Math.max(4, (len + 3) & ~3);
      }
      return out.join('\n');
    }
    if (cls === 'rtp') {
      row(0, 1, `V=2 P X CC (RFC 3550 §5.1)`);
      row(1, 1, `M=${b[1] >> 7} PT=${b[1] & 0x7f}`);
      row(2, 2, `sequence number ${(b[2] << 8) | b[3]}`);
      row(4, 4, 'timestamp');
      row(8, 4, 'SSRC');
      out.push(dump(b, 12, 16));
      return out.join('\n');
    }
    if (cls === 'rtcp') {
      row(0, 1, 'V=2 P RC/FMT (RFC 3550 §6.4)');
      row(1, 1, `packet type ${b[1]}`);
      row(2, 2, `length ${(b[2] << 8) | b[3]} words - 1`);
      out.push(dump(b, 4, 48));
      return out.join('\n');
    }
  } catch {
    // fall through to a plain dump
  }
  return dump(b, 0);
}
