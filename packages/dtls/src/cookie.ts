import { createHmac } from 'node:crypto';
import { constantTimeEqual, type RandomSource } from '@rtcstack/common';
import type { ClientHello } from './messages.ts';

/**
 * RFC 6347 §4.2.1: the HelloVerifyRequest cookie. Stateless: HMAC-SHA256 under a secret that
 * only the server knows, over the ClientHello fields that must not change between the two
 * ClientHellos (and an optional context such as the client's address). The server keeps nothing
 * until a ClientHello returns a valid cookie, so a spoofed source address costs it one HMAC.
 */
export const COOKIE_LENGTH = 32;

export class CookieJar {
  private readonly secret: Uint8Array;

  constructor(random: RandomSource, private readonly context: Uint8Array = new Uint8Array(0)) {
    this.secret = random(32);
  }

  make(hello: ClientHello): Uint8Array {
    const h = createHmac('sha256', this.secret);
    h.update(this.context);
    h.update(Uint8Array.of(hello.version >> 8, hello.version & 0xff));
    h.update(hello.random);
    h.update(Uint8Array.of(hello.sessionId.length));
    h.update(hello.sessionId);
    for (const s of hello.cipherSuites) h.update(Uint8Array.of(s >> 8, s & 0xff));
    return new Uint8Array(h.digest());
  }

  /** Constant-time check of the cookie a ClientHello carries. */
  verify(hello: ClientHello): boolean {
    return hello.cookie.length === COOKIE_LENGTH && constantTimeEqual(hello.cookie, this.make(hello));
  }
}
