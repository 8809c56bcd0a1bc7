import { ALL_PROFILES, type SrtpProfile, SrtpSession, type SrtpSessionOptions } from '../src/index.ts';

/** Deterministic key material for tests (not from any vector). */
export function keysFor(p: SrtpProfile, seed: number): { key: Uint8Array; salt: Uint8Array } {
  const key = new Uint8Array(p.keyLength).map((_, i) => (seed * 31 + i * 7) & 0xff);
  const salt = new Uint8Array(p.saltLength).map((_, i) => (seed * 17 + i * 13 + 5) & 0xff);
  return { key, salt };
}

/** A sender and a receiver session that talk to each other. */
export function pair(p: SrtpProfile, opts: Partial<SrtpSessionOptions> = {}): { alice: SrtpSession; bob: SrtpSession } {
  const a = keysFor(p, 1);
  const b = keysFor(p, 2);
  return {
    alice: new SrtpSession({ profile: p, local: a, remote: b, ...opts }),
    bob: new SrtpSession({ profile: p, local: b, remote: a, ...opts }),
  };
}

export interface RtpFields {
  seq: number;
  ssrc?: number;
  ts?: number;
  pt?: number;
  csrcs?: number[];
  extension?: Uint8Array; // body, multiple of 4 bytes
  payload?: Uint8Array;
}

/** Build an RTP packet by hand (RFC 3550 §5.1). */
export function rtp(f: RtpFields): Uint8Array {
  const csrcs = f.csrcs ?? [];
  const ext = f.extension;
  const payload = f.payload ?? new Uint8Array(160).fill(0xd5);
  const h = 12 + csrcs.length * 4 + (ext ? 4 + ext.length : 0);
  const b = Buffer.alloc(h + payload.length);
  b[0] = 0x80 | (ext ? 0x10 : 0) | csrcs.length;
  b[1] = f.pt ?? 0;
  b.writeUInt16BE(f.seq & 0xffff, 2);
  b.writeUInt32BE((f.ts ?? f.seq * 160) >>> 0, 4);
  b.writeUInt32BE((f.ssrc ?? 0x11223344) >>> 0, 8);
  csrcs.forEach((c, i) => b.writeUInt32BE(c >>> 0, 12 + i * 4));
  if (ext) {
    const at = 12 + csrcs.length * 4;
    b.writeUInt16BE(0xbede, at);
    b.writeUInt16BE(ext.length / 4, at + 2);
    b.set(ext, at + 4);
  }
  b.set(payload, h);
  return new Uint8Array(b);
}

/** A minimal RTCP receiver report with one report block (RFC 3550 §6.4.2). */
export function rtcpRr(ssrc = 0x55667788): Uint8Array {
  const b = Buffer.alloc(32);
  b[0] = 0x81;
  b[1] = 201;
  b.writeUInt16BE(7, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b.writeUInt32BE(0x11223344, 8);
  b.fill(0x42, 12);
  return new Uint8Array(b);
}

export { ALL_PROFILES };
