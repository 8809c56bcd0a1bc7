/**
 * Client transactions over UDP, sans-IO (RFC 8489 §6.2.1, §6.3.3).
 *
 * A request is sent, then retransmitted after RTO, 2·RTO, 4·RTO, ... until Rc requests have been
 * sent; if no response has arrived Rm·RTO after the last one, the transaction fails. With the
 * defaults (RTO 500 ms, Rc 7, Rm 16) requests leave at 0, 500, 1500, 3500, 7500, 15500 and
 * 31500 ms and the transaction times out at 39500 ms.
 *
 * Responses are matched by transaction id. A response whose FINGERPRINT is wrong, or whose
 * integrity does not verify when the request was authenticated, is ignored as if never received
 * (§6.3.3, §9.1.4, §9.2.5) and retransmissions continue. If every response that arrived was
 * discarded for integrity, the timeout says so (`integrityViolated`, §9.1.4).
 */
import { ParseError, type Address, type Datagram } from '@rtcstack/common';
import { getAttribute } from './attributes.ts';
import { verifyFingerprint } from './fingerprint.ts';
import { verifyIntegrity } from './integrity.ts';
import { decodeMessage, transactionKey, type DecodedMessage } from './message.ts';

export interface TransactionTiming {
  /** Initial retransmission timeout in ms (RFC 8489 §6.2.1: SHOULD be 500 ms or more). */
  readonly rto?: number;
  /** Total number of requests sent (Rc, default 7). */
  readonly rc?: number;
  /** Wait after the last request, in units of the initial RTO (Rm, default 16). */
  readonly rm?: number;
}

export interface StartOptions<C> extends TransactionTiming {
  /** Key the response's MESSAGE-INTEGRITY(-SHA256) must verify with. */
  readonly key?: Uint8Array;
  /** Caller data handed back with the outcome (e.g. the ICE candidate pair). */
  readonly context?: C;
}

/** The transaction failed: no acceptable response in time. */
export class StunTimeoutError extends Error {
  override readonly name = 'StunTimeoutError';
  constructor(
    readonly transactionId: Uint8Array,
    readonly remote: Address,
    readonly requestsSent: number,
    readonly elapsed: number,
    /** Responses arrived, but every one failed integrity: RFC 8489 §9.1.4 says to signal that, not a plain timeout. */
    readonly integrityViolated = false,
  ) {
    super(
      `STUN transaction ${transactionKey(transactionId)} to ${remote.address}:${remote.port} ${integrityViolated ? 'got only responses that failed integrity' : 'timed out'} after ${requestsSent} requests and ${Math.round(elapsed)} ms`,
    );
  }
}

export type TransactionOutput<C> =
  | { readonly type: 'send'; readonly datagram: Datagram }
  | {
      readonly type: 'response';
      readonly transactionId: Uint8Array;
      readonly response: DecodedMessage;
      readonly remote: Address;
      /** ms since the first request; ambiguous when `retransmitted` (Karn's algorithm). */
      readonly rtt: number;
      readonly retransmitted: boolean;
      readonly context: C | undefined;
    }
  | { readonly type: 'timeout'; readonly transactionId: Uint8Array; readonly error: StunTimeoutError; readonly context: C | undefined };

export interface TransactionStats {
  started: number;
  retransmissions: number;
  responses: number;
  timeouts: number;
  /** Datagrams that did not parse as STUN. */
  malformed: number;
  /** Responses for no live transaction (late, duplicate, or not ours). */
  unmatched: number;
  badFingerprint: number;
  badIntegrity: number;
}

interface Transaction<C> {
  readonly id: Uint8Array;
  readonly request: Uint8Array;
  readonly remote: Address;
  readonly key: Uint8Array | undefined;
  readonly context: C | undefined;
  readonly startedAt: number;
  readonly rto: number;
  readonly rc: number;
  readonly rm: number;
  sent: number;
  /** Responses discarded because their integrity did not verify. */
  badIntegrity: number;
  /** When to retransmit, or (after the last request) when to give up. */
  nextAt: number;
}

/** Error responses a server sends before it can authenticate, so without integrity (§9.2.4). */
const unauthenticatedErrors = new Set([400, 401, 420, 438]);

export class ClientTransactions<C = undefined> {
  readonly stats: TransactionStats = {
    started: 0,
    retransmissions: 0,
    responses: 0,
    timeouts: 0,
    malformed: 0,
    unmatched: 0,
    badFingerprint: 0,
    badIntegrity: 0,
  };
  private readonly live = new Map<string, Transaction<C>>();
  private readonly outputs: TransactionOutput<C>[] = [];

  constructor(private readonly timing: TransactionTiming = {}) {}

  /**
   * Start a transaction for an encoded request (its transaction id is read from bytes 8..19).
   * The first copy is queued for sending at once.
   */
  start(now: number, request: Uint8Array, remote: Address, options: StartOptions<C> = {}): Uint8Array {
    if (request.length < 20) throw new RangeError('a STUN request is at least 20 bytes');
    const id = request.slice(8, 20);
    const key = transactionKey(id);
    if (this.live.has(key)) throw new Error(`transaction ${key} is already running`);
    const t: Transaction<C> = {
      id,
      request,
      remote,
      key: options.key,
      context: options.context,
      startedAt: now,
      rto: options.rto ?? this.timing.rto ?? 500,
      rc: options.rc ?? this.timing.rc ?? 7,
      rm: options.rm ?? this.timing.rm ?? 16,
      sent: 0,
      badIntegrity: 0,
      nextAt: now,
    };
    this.live.set(key, t);
    this.stats.started++;
    this.send(t);
    return id;
  }

  /** Stop a transaction without an outcome (e.g. the ICE pair was pruned). */
  cancel(transactionId: Uint8Array): boolean {
    return this.live.delete(transactionKey(transactionId));
  }

  get pending(): number {
    return this.live.size;
  }

  /**
   * Feed a received datagram. Returns true when it was a response to one of our live
   * transactions (accepted or ignored), false otherwise (the caller may route it elsewhere).
   */
  handleInput(now: number, datagram: Datagram): boolean {
    let msg: DecodedMessage;
    try {
      msg = decodeMessage(datagram.data);
    } catch (e) {
      if (e instanceof ParseError) {
        this.stats.malformed++;
        return false;
      }
      throw e;
    }
    return this.handleMessage(now, msg, datagram.remote);
  }

  /** Same as handleInput for a message the caller has already decoded. */
  handleMessage(now: number, msg: DecodedMessage, remote: Address): boolean {
    if (msg.class !== 'success' && msg.class !== 'error') return false;
    const key = transactionKey(msg.transactionId);
    const t = this.live.get(key);
    if (!t) {
      this.stats.unmatched++;
      return false;
    }
    if (verifyFingerprint(msg) === 'invalid') {
      this.stats.badFingerprint++;
      return true;
    }
    if (t.key && !this.integrityAcceptable(msg, t.key)) {
      this.stats.badIntegrity++;
      t.badIntegrity++;
      return true;
    }
    this.live.delete(key);
    this.stats.responses++;
    this.outputs.push({
      type: 'response',
      transactionId: t.id,
      response: msg,
      remote,
      rtt: now - t.startedAt,
      retransmitted: t.sent > 1,
      context: t.context,
    });
    return true;
  }

  private integrityAcceptable(msg: DecodedMessage, key: Uint8Array): boolean {
    const v = verifyIntegrity(msg, key);
    if (v === 'valid') return true;
    if (v === 'invalid' || msg.class === 'success') return false;
    // An error response without integrity: only the ones sent before authentication.
    try {
      const code = getAttribute(msg, 'ERROR_CODE')?.code;
      return code !== undefined && unauthenticatedErrors.has(code);
    } catch (e) {
      if (e instanceof ParseError) return false;
      throw e;
    }
  }

  handleTimeout(now: number): void {
    for (const [key, t] of this.live) {
      if (now < t.nextAt) continue;
      if (t.sent < t.rc) {
        this.stats.retransmissions++;
        this.send(t);
      } else {
        this.live.delete(key);
        this.stats.timeouts++;
        const error = new StunTimeoutError(t.id, t.remote, t.sent, now - t.startedAt, t.badIntegrity > 0);
        this.outputs.push({ type: 'timeout', transactionId: t.id, error, context: t.context });
      }
    }
  }

  pollOutput(): TransactionOutput<C> | undefined {
    return this.outputs.shift();
  }

  nextTimeout(): number | undefined {
    let next: number | undefined;
    for (const t of this.live.values()) if (next === undefined || t.nextAt < next) next = t.nextAt;
    return next;
  }

  private send(t: Transaction<C>): void {
    t.sent++;
    this.outputs.push({ type: 'send', datagram: { data: t.request, remote: t.remote } });
    // Scheduled from the start, not from `now`, so a late wake-up does not shift the schedule:
    // request k (1-based) leaves at RTO·(2^(k-1) - 1); the deadline is Rm·RTO after the last.
    t.nextAt = t.sent < t.rc ? t.startedAt + t.rto * (2 ** t.sent - 1) : t.startedAt + t.rto * (2 ** (t.rc - 1) - 1) + t.rm * t.rto;
  }
}

