/**
 * A data channel as the core tracks it: what the application asked for (label, init), and the
 * @rtcstack/sctp DataChannel once the SCTP transport exists. W3C lets an application create
 * channels before any transport is up (webrtc-pc §6.1); they wait here until SCTP connects.
 */
import type { DataChannel, DataChannelInit } from '@rtcstack/sctp';

export interface ChannelRef {
  readonly label: string;
  readonly init: DataChannelInit;
  inner: DataChannel | undefined;
  /** Counters for getStats (data-channel). */
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
}

export function newChannelRef(label: string, init: DataChannelInit, inner?: DataChannel): ChannelRef {
  return { label, init, inner, messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 };
}

export type ChannelEventName = 'open' | 'message' | 'closing' | 'close' | 'error' | 'bufferedamountlow';

export type ChannelOutput =
  | { readonly type: 'channel-remote'; readonly ref: ChannelRef }
  | { readonly type: 'channel-event'; readonly ref: ChannelRef; readonly event: ChannelEventName; readonly data?: string | Uint8Array };
