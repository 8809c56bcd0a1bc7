import { createHmac } from 'node:crypto';
import { ByteReader, ByteWriter, constantTimeEqual, isParseError } from '@rtcstack/common';

/**
 * The State Cookie (RFC 9260 §5.1.3): everything the responder needs to build its association,
 * handed to the initiator in INIT ACK and returned in COOKIE ECHO, so that the responder keeps no
 * state for an INIT (protection against SYN-flood-style attacks). Signed with HMAC-SHA256 under a
 * secret that never leaves this endpoint, and time-limited (§5.1.5 step 4).
 *
 * The layout is ours alone (the peer treats the cookie as opaque):
 *   version(1) flags(1) created(6, ms) lifetime(4, ms)
 *   localTag peerTag localInitialTsn peerInitialTsn peerArwnd (4 each)
 *   outboundStreams inboundStreams (2 each, negotiated)
 *   localTieTag peerTieTag (4 each)  then HMAC-SHA256 (32) over all of the above
 */
export interface CookieContents {
  readonly createdAt: number;
  readonly lifetimeMs: number;
  readonly localTag: number;
  readonly peerTag: number;
  readonly localInitialTsn: number;
  readonly peerInitialTsn: number;
  readonly peerArwnd: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly peerForwardTsn: boolean;
  readonly peerReconfig: boolean;
  /** The peer accepts zero checksums over DTLS (RFC 9653). */
  readonly peerZeroChecksum?: boolean;
  readonly localTieTag: number;
  readonly peerTieTag: number;
}

const VERSION = 1;
const BODY = 1 + 1 + 6 + 4 + 4 * 5 + 2 * 2 + 4 * 2;
const MAC = 32;
export const COOKIE_SIZE = BODY + MAC;

export type CookieResult =
  | { readonly ok: true; readonly cookie: CookieContents }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-mac' }
  | { readonly ok: false; readonly reason: 'stale'; readonly stalenessMs: number; readonly cookie: CookieContents };

function mac(secret: Uint8Array, body: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update(body).digest());
}

export function makeCookie(secret: Uint8Array, c: CookieContents): Uint8Array {
  const w = new ByteWriter(COOKIE_SIZE);
  w.u8(VERSION)
    .u8((c.peerForwardTsn ? 1 : 0) | (c.peerReconfig ? 2 : 0) | (c.peerZeroChecksum ? 4 : 0))
    .u48(Math.max(0, Math.floor(c.createdAt)))
    .u32(c.lifetimeMs)
    .u32(c.localTag)
    .u32(c.peerTag)
    .u32(c.localInitialTsn)
    .u32(c.peerInitialTsn)
    .u32(c.peerArwnd)
    .u16(c.outboundStreams)
    .u16(c.inboundStreams)
    .u32(c.localTieTag)
    .u32(c.peerTieTag);
  w.bytes(mac(secret, w.view()));
  return w.finish();
}

/** Check the MAC first (constant time), then the lifetime; only then trust the contents. */
export function openCookie(secret: Uint8Array, bytes: Uint8Array, now: number): CookieResult {
  if (bytes.length !== COOKIE_SIZE) return { ok: false, reason: 'malformed' };
  const body = bytes.subarray(0, BODY);
  if (!constantTimeEqual(mac(secret, body), bytes.subarray(BODY))) return { ok: false, reason: 'bad-mac' };
  try {
    const r = new ByteReader(body, 'sctp');
    if (r.u8('cookie.version') !== VERSION) return { ok: false, reason: 'malformed' };
    const flags = r.u8('cookie.flags');
    const cookie: CookieContents = {
      createdAt: r.u48('cookie.created'),
      lifetimeMs: r.u32('cookie.lifetime'),
      localTag: r.u32('cookie.localTag'),
      peerTag: r.u32('cookie.peerTag'),
      localInitialTsn: r.u32('cookie.localInitialTsn'),
      peerInitialTsn: r.u32('cookie.peerInitialTsn'),
      peerArwnd: r.u32('cookie.peerArwnd'),
      outboundStreams: r.u16('cookie.outboundStreams'),
      inboundStreams: r.u16('cookie.inboundStreams'),
      localTieTag: r.u32('cookie.localTieTag'),
      peerTieTag: r.u32('cookie.peerTieTag'),
      peerForwardTsn: (flags & 1) !== 0,
      peerReconfig: (flags & 2) !== 0,
      peerZeroChecksum: (flags & 4) !== 0,
    };
    const expires = cookie.createdAt + cookie.lifetimeMs;
    if (now > expires) return { ok: false, reason: 'stale', stalenessMs: now - expires, cookie };
    return { ok: true, cookie };
  } catch (e) {
    if (isParseError(e)) return { ok: false, reason: 'malformed' };
    throw e;
  }
}
