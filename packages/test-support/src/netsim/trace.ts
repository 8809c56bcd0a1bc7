import { addressKey, type Address } from '@rtcstack/common';
import type { DropReason } from './stats.ts';

export const TRACE_KINDS = [
  'send', // a socket sent a datagram (addresses as the sender sees them)
  'nat-map', // a NAT created a mapping (from = internal, to = external)
  'nat-expire', // a NAT found a mapping expired and removed it (§4.3)
  'deliver', // a socket received a datagram (addresses as the receiver sees them)
  'drop', // the datagram was dropped, see `reason`
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/** One thing that happened on the simulated network, at virtual time `time`. */
export interface TraceEvent {
  readonly time: number;
  readonly kind: TraceKind;
  /** Datagram number (1, 2, ...); a duplicate keeps its original's id. */
  readonly id: number;
  /** Directed link the datagram travels, "a->b" (host or NAT names). */
  readonly link: string;
  readonly from: Address;
  readonly to: Address;
  readonly size: number;
  readonly reason?: DropReason;
  /** Extra facts: "duplicate", "reordered", the NAT translation, ... */
  readonly note?: string;
  /** The datagram's bytes: the very array the receiver gets, so it shows what a receiver did to it. Absent for NAT events. */
  readonly data?: Uint8Array;
}

export type TraceHook = (e: TraceEvent) => void;

/** One readable line per event, for labs and failing-test output. */
export function formatTrace(e: TraceEvent): string {
  const t = e.time.toFixed(3).padStart(10);
  const what = e.kind === 'drop' ? `drop(${e.reason})` : e.kind;
  const note = e.note ? `  [${e.note}]` : '';
  const size = e.kind.startsWith('nat-') ? '' : ` ${e.size} B`;
  return `${t} ms  #${String(e.id).padEnd(4)} ${what.padEnd(20)} ${e.link.padEnd(14)} ${addressKey(e.from)} -> ${addressKey(e.to)}${size}${note}`;
}

/** Collect every trace event of `net` into an array (keeps any hook already set). */
export function collectTrace(net: { onTrace: TraceHook | undefined }): TraceEvent[] {
  const out: TraceEvent[] = [];
  const prev = net.onTrace;
  net.onTrace = (e) => {
    out.push(e);
    prev?.(e);
  };
  return out;
}
