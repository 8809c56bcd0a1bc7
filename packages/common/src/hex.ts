import { ParseError } from './errors.ts';

/** Lowercase hex, the form test vectors use. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/**
 * Parse hex; whitespace and ':' separators are ignored so vectors can be copied from RFC text
 * and fingerprints ("AB:CD:...") can be read directly.
 */
export function fromHex(s: string): Uint8Array {
  const clean = s.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new ParseError('hex', 'text', 0, 'not an even-length hex string');
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** A classic hex dump: offset, 16 bytes, ASCII. For labs and traces. */
export function hexDump(b: Uint8Array, indent = ''): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = b.subarray(i, i + 16);
    const hex = Array.from(row, (x) => x.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${indent}${i.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
