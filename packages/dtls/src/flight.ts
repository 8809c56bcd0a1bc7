import { ContentType } from './constants.ts';
import { fragmentHandshake } from './handshake.ts';
import { RECORD_HEADER_LENGTH, encodeRecord } from './record.ts';
import type { RecordProtection } from './record-protection.ts';

/**
 * RFC 6347 §4.2.4: messages are sent and retransmitted in flights. A flight is a list of
 * handshake messages and (in flights 5 and 6) a ChangeCipherSpec; each remembers the epoch it
 * belongs to, so a retransmission re-protects it under the same epoch with fresh record numbers.
 */
export type FlightEntry =
  | { readonly kind: 'handshake'; readonly msgType: number; readonly messageSeq: number; readonly body: Uint8Array; readonly epoch: number }
  | { readonly kind: 'ccs'; readonly epoch: number };

/** What the flight writer needs from the record layer. */
export interface RecordWriter {
  readonly version: number;
  /** Next record sequence number for `epoch` (post-increment). */
  nextSeq(epoch: number): number;
  /** Protection for an epoch > 0. */
  protection(epoch: number): RecordProtection;
}

function record(w: RecordWriter, type: number, epoch: number, payload: Uint8Array): Uint8Array {
  const seq = w.nextSeq(epoch);
  if (epoch === 0) return encodeRecord({ type, version: w.version, epoch, sequenceNumber: seq, fragment: payload });
  return w.protection(epoch).seal(type, w.version, epoch, seq, payload);
}

/**
 * Serializes a flight into datagrams of at most `mtu` bytes: messages are fragmented so each
 * record fits (RFC 6347 §4.1.1.1), and records are packed several per datagram (§4.1.1).
 */
export function writeFlight(w: RecordWriter, entries: readonly FlightEntry[], mtu: number): Uint8Array[] {
  const records: Uint8Array[] = [];
  for (const e of entries) {
    if (e.kind === 'ccs') {
      records.push(record(w, ContentType.change_cipher_spec, e.epoch, Uint8Array.of(1)));
      continue;
    }
    const overhead = RECORD_HEADER_LENGTH + (e.epoch === 0 ? 0 : w.protection(e.epoch).overhead);
    for (const frag of fragmentHandshake(e.msgType, e.messageSeq, e.body, mtu - overhead)) {
      records.push(record(w, ContentType.handshake, e.epoch, frag));
    }
  }
  return packRecords(records, mtu);
}

/** Packs records into as few datagrams as fit the MTU. */
export function packRecords(records: readonly Uint8Array[], mtu: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (!cur.length) return;
    const d = new Uint8Array(size);
    let at = 0;
    for (const r of cur) {
      d.set(r, at);
      at += r.length;
    }
    out.push(d);
    cur = [];
    size = 0;
  };
  for (const r of records) {
    if (size + r.length > mtu) flush();
    cur.push(r);
    size += r.length;
  }
  flush();
  return out;
}
