import { ByteReader, ByteWriter } from '@rtcstack/common';
import { CauseCode, causeName } from './constants.ts';
import type { Tlv } from './tlv.ts';

/**
 * An error cause carried by ABORT and ERROR (RFC 9260 §3.3.10). The value layout depends on the
 * code; `value` keeps it exactly, `describeCause` reads the common ones for logs and labs.
 */
export interface ErrorCause {
  readonly code: number;
  readonly value: Uint8Array;
}

export const causeFromTlv = (t: Tlv): ErrorCause => ({ code: t.type, value: t.value });
export const causeTlv = (c: ErrorCause): { type: number; value: Uint8Array } => ({ type: c.code, value: c.value });

/** User-Initiated Abort (§3.3.10.12) with a UTF-8 reason. */
export const userInitiatedAbort = (reason: string): ErrorCause => ({
  code: CauseCode.USER_INITIATED_ABORT,
  value: new TextEncoder().encode(reason),
});

/** Protocol Violation (§3.3.10.13). */
export const protocolViolation = (info: string): ErrorCause => ({
  code: CauseCode.PROTOCOL_VIOLATION,
  value: new TextEncoder().encode(info),
});

/** Stale Cookie Error (§3.3.10.3): measure of staleness in microseconds. */
export const staleCookie = (stalenessUs: number): ErrorCause => ({
  code: CauseCode.STALE_COOKIE_ERROR,
  value: new ByteWriter(4).u32(Math.min(0xffffffff, Math.max(0, Math.round(stalenessUs)))).finish(),
});

/** Unrecognized Chunk Type (§3.3.10.6): the whole offending chunk. */
export const unrecognizedChunk = (chunk: Uint8Array): ErrorCause => ({ code: CauseCode.UNRECOGNIZED_CHUNK_TYPE, value: chunk });

/** Unrecognized Parameters (§3.3.10.8): the offending parameters, concatenated. */
export const unrecognizedParams = (params: readonly Uint8Array[]): ErrorCause => {
  const w = new ByteWriter();
  for (const p of params) {
    w.bytes(p);
    w.zeros(((p.length + 3) & ~3) - p.length);
  }
  return { code: CauseCode.UNRECOGNIZED_PARAMETERS, value: w.finish() };
};

/** No User Data (§3.3.10.9): the TSN of the DATA chunk that carried none. */
export const noUserData = (tsn: number): ErrorCause => ({
  code: CauseCode.NO_USER_DATA,
  value: new ByteWriter(4).u32(tsn).finish(),
});

/** Cookie Received While Shutting Down (§3.3.10.10). */
export const cookieWhileShuttingDown = (): ErrorCause => ({
  code: CauseCode.COOKIE_RECEIVED_WHILE_SHUTTING_DOWN,
  value: new Uint8Array(0),
});

export function describeCause(c: ErrorCause): string {
  const name = causeName(c.code);
  try {
    const r = new ByteReader(c.value, 'sctp');
    switch (c.code) {
      case CauseCode.INVALID_STREAM_IDENTIFIER:
        return `${name} stream=${r.u16('cause.stream')}`;
      case CauseCode.STALE_COOKIE_ERROR:
        return `${name} staleness=${r.u32('cause.staleness')}us`;
      case CauseCode.NO_USER_DATA:
        return `${name} tsn=${r.u32('cause.tsn')}`;
      case CauseCode.USER_INITIATED_ABORT:
      case CauseCode.PROTOCOL_VIOLATION:
        return `${name} "${new TextDecoder().decode(c.value)}"`;
      default:
        return `${name} (${c.value.length} bytes)`;
    }
  } catch {
    return `${name} (malformed)`;
  }
}
