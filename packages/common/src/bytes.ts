import { ParseError } from './errors.ts';

/**
 * A bounds-checked big-endian reader over a Uint8Array (network byte order, RFC 791 §3.1).
 *
 * Every read names the field it reads, so that reading past the end throws a ParseError
 * that says which field was truncated and where. Reads never copy: `bytes()` returns a
 * subarray view of the input.
 */
export class ByteReader {
  private pos: number;
  private readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    readonly layer: string,
    start = 0,
    end = buf.length,
  ) {
    if (start < 0 || end > buf.length || start > end) {
      throw new ParseError(layer, 'reader', start, `invalid window ${start}..${end} of ${buf.length} bytes`);
    }
    this.pos = start;
    this.end = end;
  }

  /** Absolute offset of the next byte to read. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left before the end of this reader's window. */
  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, field: string): number {
    if (n < 0 || this.pos + n > this.end) {
      throw new ParseError(
        this.layer,
        field,
        this.pos,
        `needs ${n} byte(s) but only ${this.end - this.pos} remain`,
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(field: string): number {
    return this.buf[this.need(1, field)];
  }

  u16(field: string): number {
    const at = this.need(2, field);
    return (this.buf[at] << 8) | this.buf[at + 1];
  }

  u24(field: string): number {
    const at = this.need(3, field);
    return (this.buf[at] << 16) | (this.buf[at + 1] << 8) | this.buf[at + 2];
  }

  u32(field: string): number {
    const at = this.need(4, field);
    return (
      ((this.buf[at] << 24) >>> 0) + ((this.buf[at + 1] << 16) | (this.buf[at + 2] << 8) | this.buf[at + 3])
    );
  }

  /** 48-bit unsigned (DTLS sequence numbers); exact as a JS number. */
  u48(field: string): number {
    const at = this.need(6, field);
    const b = this.buf;
    return (b[at] * 2 ** 40) + (b[at + 1] * 2 ** 32) + (((b[at + 2] << 24) >>> 0) + ((b[at + 3] << 16) | (b[at + 4] << 8) | b[at + 5]));
  }

  u64(field: string): bigint {
    // One bounds check for all 8 bytes: a short read names the field's start and consumes nothing.
    const at = this.need(8, field);
    const b = this.buf;
    const hi = ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
    const lo = ((b[at + 4] << 24) >>> 0) + ((b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A view (no copy) of the next n bytes. */
  bytes(n: number, field: string): Uint8Array {
    const at = this.need(n, field);
    return this.buf.subarray(at, at + n);
  }

  /** Everything up to the end of the window. */
  rest(): Uint8Array {
    const at = this.pos;
    this.pos = this.end;
    return this.buf.subarray(at, this.end);
  }

  skip(n: number, field: string): void {
    this.need(n, field);
  }

  /** A reader over the next n bytes; this reader moves past them. */
  sub(n: number, field: string): ByteReader {
    const at = this.need(n, field);
    return new ByteReader(this.buf, this.layer, at, at + n);
  }

  /** Throw a ParseError for `field` at the current offset (or at `offset`). */
  fail(field: string, reason: string, offset = this.pos): never {
    throw new ParseError(this.layer, field, offset, reason);
  }
}

/**
 * A growable big-endian writer. `finish()` returns exactly the bytes written.
 * `patchU16`/`patchU32` fill in length fields once the body is known.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.pos;
  }

  private room(n: number): number {
    if (this.pos + n > this.buf.length) {
      let cap = this.buf.length * 2 || 64;
      while (cap < this.pos + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.pos));
      this.buf = next;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  // Reserve room BEFORE touching this.buf: room() may replace the buffer.
  u8(v: number): this {
    const at = this.room(1);
    this.buf[at] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    const at = this.room(2);
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    const at = this.room(3);
    this.buf[at] = (v >>> 16) & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    const at = this.room(4);
    this.buf[at] = (v >>> 24) & 0xff;
    this.buf[at + 1] = (v >>> 16) & 0xff;
    this.buf[at + 2] = (v >>> 8) & 0xff;
    this.buf[at + 3] = v & 0xff;
    return this;
  }

  u48(v: number): this {
    const hi = Math.floor(v / 2 ** 32);
    this.u16(hi);
    return this.u32(v >>> 0);
  }

  u64(v: bigint): this {
    this.u32(Number((v >> 32n) & 0xffffffffn));
    return this.u32(Number(v & 0xffffffffn));
  }

  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }

  /** n zero bytes (padding). */
  zeros(n: number): this {
    const at = this.room(n);
    this.buf.fill(0, at, this.pos);
    return this;
  }

  patchU8(at: number, v: number): this {
    this.buf[at] = v & 0xff;
    return this;
  }

  patchU16(at: number, v: number): this {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
    return this;
  }

  patchU24(at: number, v: number): this {
    this.buf[at] = (v >>> 16) & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = v & 0xff;
    return this;
  }

  patchU32(at: number, v: number): this {
    this.buf[at] = (v >>> 24) & 0xff;
    this.buf[at + 1] = (v >>> 16) & 0xff;
    this.buf[at + 2] = (v >>> 8) & 0xff;
    this.buf[at + 3] = v & 0xff;
    return this;
  }

  /** A view of what has been written so far (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of exactly the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Read a big-endian u16/u32 at an offset without a reader (hot paths). Caller checks bounds. */
export function readU16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

export function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}

export function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
