// The sender's queues (RFC 9260 §6.1, §6.6, §6.9): user messages waiting per outgoing stream, and the
// DATA chunks cut from them, each with a TSN, until the peer acknowledges them (or they are
// abandoned, RFC 3758 §3.5).

/** A user message waiting to be (or being) sent. */
export interface OutMessage {
  readonly streamId: number;
  readonly ppid: number;
  readonly data: Uint8Array;
  readonly unordered: boolean;
  readonly maxRetransmits: number | undefined;
  readonly expiresAt: number | undefined;
  /** Bytes already cut into DATA chunks. */
  offset: number;
  ssn: number;
  abandoned: boolean;
  /** Chunks of this message that were given TSNs (for abandoning them together, RFC 3758 §3.5). */
  readonly chunks: OutChunk[];
}

/** A DATA chunk that has a TSN: in flight, acked by a gap block, marked for retransmission, or abandoned. */
export interface OutChunk {
  readonly tsn: number;
  readonly msg: OutMessage;
  readonly flags: number;
  readonly ssn: number;
  readonly data: Uint8Array;
  sentAt: number;
  sendCount: number;
  acked: boolean;
  abandoned: boolean;
  inFlight: boolean;
  retransmit: boolean;
  misses: number;
  fastRetransmitted: boolean;
}

/** One outgoing stream: its next SSN (§6.6), its queue, and what W3C bufferedAmount reports. */
export interface OutStream {
  nextSsn: number;
  queuedBytes: number;
  pendingMessages: number;
  lowThreshold: number;
  /** Messages not yet fully cut into chunks, in send order; `head` is the next one. */
  queue: OutMessage[];
  head: number;
}

export function newOutStream(): OutStream {
  return { nextSsn: 0, queuedBytes: 0, pendingMessages: 0, lowThreshold: 0, queue: [], head: 0 };
}

/**
 * The outstanding chunk with this TSN. `outstanding[head..]` holds consecutive TSNs, so this is an
 * index, not a search.
 */
export function chunkAt(outstanding: readonly OutChunk[], head: number, tsn: number): OutChunk | undefined {
  if (head >= outstanding.length) return undefined;
  const first = outstanding[head].tsn;
  return outstanding[head + (tsn - first)];
}
