import { DataFlag } from './constants.ts';
import { ssnGreater } from './tsn.ts';

/** A whole user message, ready for the upper layer. */
export interface InboundMessage {
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
  readonly unordered: boolean;
}

interface Fragment {
  readonly streamId: number;
  readonly ssn: number;
  readonly ppid: number;
  readonly flags: number;
  readonly data: Uint8Array;
}

interface InStream {
  /** Next SSN to deliver on this stream (ordered delivery, RFC 9260 §6.5). */
  nextSsn: number;
  /** Complete ordered messages waiting for an earlier SSN. */
  waiting: Map<number, InboundMessage>;
}

/**
 * Reassembly of fragmented messages (RFC 9260 §6.9) and ordered delivery per stream (§6.6).
 *
 * The fragments of one message carry consecutive TSNs, first with B, last with E. Fragments are
 * kept by TSN; when one arrives we walk forward to an E and back to a B, so in-order arrival costs
 * O(1) per fragment. A single-fragment message in sequence is delivered without being stored.
 */
export class Reassembler {
  private fragments = new Map<number, Fragment>();
  private streams = new Map<number, InStream>();
  /** Bytes held here (fragments and waiting messages): what a_rwnd subtracts. */
  bufferedBytes = 0;

  constructor(private readonly deliver: (m: InboundMessage) => void) {}

  private stream(id: number): InStream {
    let s = this.streams.get(id);
    if (!s) {
      s = { nextSsn: 0, waiting: new Map() };
      this.streams.set(id, s);
    }
    return s;
  }

  add(tsn: number, streamId: number, ssn: number, ppid: number, flags: number, data: Uint8Array): void {
    if ((flags & (DataFlag.BEGINNING | DataFlag.END)) === (DataFlag.BEGINNING | DataFlag.END)) {
      this.complete({ streamId, ppid, data, unordered: (flags & DataFlag.UNORDERED) !== 0 }, ssn);
      return;
    }
    this.fragments.set(tsn, { streamId, ssn, ppid, flags, data });
    this.bufferedBytes += data.length;
    // Walk forward to the E fragment; stop at the first hole.
    let last = tsn;
    let f: Fragment | undefined = this.fragments.get(last);
    while (f && !(f.flags & DataFlag.END)) f = this.fragments.get(++last);
    if (!f) return;
    // Walk back to the B fragment.
    let first = tsn;
    f = this.fragments.get(first);
    while (f && !(f.flags & DataFlag.BEGINNING)) f = this.fragments.get(--first);
    if (!f) return;
    let size = 0;
    for (let t = first; t <= last; t++) size += this.fragments.get(t)!.data.length;
    const out = new Uint8Array(size);
    let at = 0;
    for (let t = first; t <= last; t++) {
      const frag = this.fragments.get(t)!;
      out.set(frag.data, at);
      at += frag.data.length;
      this.fragments.delete(t);
    }
    this.bufferedBytes -= size;
    this.complete({ streamId: f.streamId, ppid: f.ppid, data: out, unordered: (f.flags & DataFlag.UNORDERED) !== 0 }, f.ssn);
  }

  private complete(m: InboundMessage, ssn: number): void {
    if (m.unordered) {
      this.deliver(m);
      return;
    }
    const s = this.stream(m.streamId);
    if (ssn === s.nextSsn) {
      this.deliver(m);
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
      this.drain(s);
    } else if (ssnGreater(ssn, s.nextSsn)) {
      s.waiting.set(ssn, m);
      this.bufferedBytes += m.data.length;
    }
    // An SSN behind nextSsn is a message skipped by FORWARD TSN: drop it.
  }

  private drain(s: InStream): void {
    let m: InboundMessage | undefined;
    while ((m = s.waiting.get(s.nextSsn))) {
      s.waiting.delete(s.nextSsn);
      this.bufferedBytes -= m.data.length;
      this.deliver(m);
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
    }
  }

  /**
   * FORWARD TSN (RFC 3758 §3.6): forget fragments at or below the new cumulative TSN (their
   * messages were abandoned) and move each listed ordered stream past the skipped SSN, delivering
   * whatever that unblocks.
   */
  forward(newCumulative: number, skipped: readonly { streamId: number; ssn: number }[]): void {
    for (const [tsn, f] of this.fragments) {
      if (tsn <= newCumulative) {
        this.fragments.delete(tsn);
        this.bufferedBytes -= f.data.length;
      }
    }
    for (const { streamId, ssn } of skipped) {
      const s = this.stream(streamId);
      if (!ssnGreater(s.nextSsn, ssn)) {
        // Deliver complete messages up to the skipped SSN, drop the rest below it.
        for (let q = s.nextSsn; q !== ((ssn + 1) & 0xffff); q = (q + 1) & 0xffff) {
          const m = s.waiting.get(q);
          if (m) {
            s.waiting.delete(q);
            this.bufferedBytes -= m.data.length;
            this.deliver(m);
          }
        }
        s.nextSsn = (ssn + 1) & 0xffff;
        this.drain(s);
      }
    }
  }

  /** Incoming stream reset (RFC 6525 §5.2.2): the peer starts the stream again at SSN 0. */
  resetStream(streamId: number): void {
    const s = this.streams.get(streamId);
    if (!s) return;
    for (const m of s.waiting.values()) this.bufferedBytes -= m.data.length;
    this.streams.delete(streamId);
  }
}
