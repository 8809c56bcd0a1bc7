// The sender's stream scheduler (RFC 9260 §6.1 user messages in, §6.6 per-stream SSNs; the
// round-robin scheduler of RFC 8260 §3.2): outgoing streams with queued messages are served one
// whole message at a time (the fragments of one message must have consecutive TSNs, RFC 9260
// §6.9), so a bulk transfer on one data channel does not hold back small messages on another.
// It also keeps each stream's queued byte count, the W3C bufferedAmount.
import { newOutStream, type OutMessage, type OutStream } from './out-queue.ts';

export class StreamScheduler {
  /** Messages not yet fully cut into chunks, over all streams. */
  queuedMessages = 0;
  private readonly streams = new Map<number, OutStream>();
  /** Streams with queued messages, in round-robin order; `rr` is the next one's index. */
  private active: number[] = [];
  private rr = 0;
  /** The message being cut into chunks, until its last byte has a TSN. */
  private current: OutMessage | undefined;

  /** `onLow` is called when a stream's queued bytes drop to its low threshold or below. */
  constructor(private readonly onLow: (streamId: number) => void) {}

  /** The stream's state, created on first use. */
  stream(id: number): OutStream {
    let s = this.streams.get(id);
    if (!s) {
      s = newOutStream();
      this.streams.set(id, s);
    }
    return s;
  }

  /** Messages of the stream not yet fully cut into chunks (0 for a stream never used). */
  pendingMessages(id: number): number {
    return this.streams.get(id)?.pendingMessages ?? 0;
  }

  /** Bytes queued on the stream and not yet transmitted once. */
  bufferedAmount(id: number): number {
    return this.streams.get(id)?.queuedBytes ?? 0;
  }

  /** Queue a user message at the end of its stream. */
  enqueue(m: OutMessage): void {
    const st = this.stream(m.streamId);
    if (st.head >= st.queue.length) this.active.push(m.streamId);
    st.queue.push(m);
    this.queuedMessages++;
    st.queuedBytes += m.data.length;
    st.pendingMessages++;
  }

  /** `n` bytes of the stream were given TSNs (or dropped). */
  reduceQueued(st: OutStream, streamId: number, n: number): void {
    const before = st.queuedBytes;
    st.queuedBytes -= n;
    if (before > st.lowThreshold && st.queuedBytes <= st.lowThreshold) this.onLow(streamId);
  }

  /** The message to cut chunks from: the one in progress, else the head of the next stream in turn. */
  next(): OutMessage {
    if (this.current) return this.current;
    if (this.rr >= this.active.length) this.rr = 0;
    const st = this.streams.get(this.active[this.rr])!;
    this.current = st.queue[st.head];
    return this.current;
  }

  /** A message is fully cut into chunks (or dropped): dequeue it and move to the next stream. */
  finish(m: OutMessage): void {
    const st = this.stream(m.streamId);
    st.head++;
    st.pendingMessages--;
    this.queuedMessages--;
    this.current = undefined;
    const idx = this.active[this.rr] === m.streamId ? this.rr : this.active.indexOf(m.streamId);
    if (st.head >= st.queue.length) {
      st.queue = [];
      st.head = 0;
      this.active.splice(idx, 1);
      if (this.rr > idx) this.rr--;
      if (this.rr >= this.active.length) this.rr = 0;
    } else {
      if (st.head > 1024 && st.head * 2 > st.queue.length) {
        st.queue = st.queue.slice(st.head);
        st.head = 0;
      }
      this.rr = this.active.length ? (idx + 1) % this.active.length : 0;
    }
  }

  /** A new association (or a restart) numbers every stream from SSN 0 again (§6.6). */
  resetSsns(): void {
    for (const s of this.streams.values()) s.nextSsn = 0;
  }

  /** The association closed: drop every queued message (thresholds are kept). */
  clear(): void {
    this.active = [];
    this.rr = 0;
    this.current = undefined;
    this.queuedMessages = 0;
    for (const s of this.streams.values()) {
      s.queuedBytes = 0;
      s.pendingMessages = 0;
      s.queue = [];
      s.head = 0;
    }
  }
}
