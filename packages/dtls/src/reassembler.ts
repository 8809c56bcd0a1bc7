import { ParseError } from '@rtcstack/common';
import type { HandshakeFragment } from './handshake.ts';

/** A complete handshake message, reassembled. */
export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

interface Partial {
  msgType: number;
  body: Uint8Array;
  /** One flag per byte received; `missing` counts the zeros. */
  have: Uint8Array;
  missing: number;
}

/**
 * RFC 6347 §4.2.3: fragments may arrive in any order, overlap, or twice. Messages are handed out
 * strictly in message_seq order (§4.2.2), so a message ahead of the next expected one waits here.
 * Bounded: only the next `window` sequence numbers are held.
 */
export class HandshakeReassembler {
  private readonly partial = new Map<number, Partial>();

  constructor(
    /** The message_seq expected next. */
    public nextSeq = 0,
    private readonly window = 16,
  ) {}

  /** Reset to expect `seq` next, forgetting everything buffered. */
  reset(seq: number): void {
    this.nextSeq = seq;
    this.partial.clear();
  }

  /** Adds a fragment of a current-or-future message. Throws ParseError when it contradicts earlier ones. */
  add(f: HandshakeFragment): void {
    if (f.messageSeq < this.nextSeq || f.messageSeq >= this.nextSeq + this.window) return;
    let p = this.partial.get(f.messageSeq);
    if (!p) {
      p = { msgType: f.msgType, body: new Uint8Array(f.length), have: new Uint8Array(f.length), missing: f.length };
      this.partial.set(f.messageSeq, p);
    } else if (p.msgType !== f.msgType || p.body.length !== f.length) {
      throw new ParseError('dtls', 'handshake.length', 0, `fragment of message ${f.messageSeq} disagrees with earlier fragments`);
    }
    if (p.missing === 0) return;
    p.body.set(f.data, f.fragmentOffset);
    for (let i = f.fragmentOffset, end = f.fragmentOffset + f.data.length; i < end; i++) {
      if (!p.have[i]) {
        p.have[i] = 1;
        p.missing--;
      }
    }
  }

  /** The next message in order if it is complete. */
  pop(): HandshakeMessage | undefined {
    const p = this.partial.get(this.nextSeq);
    if (!p || p.missing > 0) return undefined;
    this.partial.delete(this.nextSeq);
    return { msgType: p.msgType, messageSeq: this.nextSeq++, body: p.body };
  }
}
