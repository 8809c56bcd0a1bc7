import { createHash } from 'node:crypto';
import { concatBytes } from '@rtcstack/common';
import type { PrfHash } from './constants.ts';
import { encodeHandshakeMessage } from './handshake.ts';

/**
 * The handshake transcript: every handshake message sent and received, in order. It feeds the
 * extended master secret's session hash (RFC 7627 §3), CertificateVerify (RFC 5246 §7.4.8) and
 * both Finished messages (§7.4.9).
 *
 * RFC 6347 §4.2.6: each message is hashed with its 12-byte DTLS header as if it had been sent
 * unfragmented (fragment_offset 0, fragment_length = length), and the first ClientHello and the
 * HelloVerifyRequest are left out (the transcript restarts at the ClientHello with the cookie).
 */
export class Transcript {
  private parts: Uint8Array[] = [];

  /** Start again (after a HelloVerifyRequest). */
  reset(): void {
    this.parts = [];
  }

  add(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.parts.push(encodeHandshakeMessage(msgType, messageSeq, body));
  }

  /** Hash of everything so far with the suite's PRF hash. */
  hash(alg: PrfHash): Uint8Array {
    const h = createHash(alg);
    for (const p of this.parts) h.update(p);
    return new Uint8Array(h.digest());
  }

  /** Everything so far, as the bytes a CertificateVerify signature covers. */
  bytes(): Uint8Array {
    return concatBytes(...this.parts);
  }
}
