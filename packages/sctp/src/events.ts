import type { ErrorCause } from './cause.ts';

/** Association states (RFC 9260 §4). */
export const AssociationState = {
  CLOSED: 'CLOSED',
  COOKIE_WAIT: 'COOKIE-WAIT',
  COOKIE_ECHOED: 'COOKIE-ECHOED',
  ESTABLISHED: 'ESTABLISHED',
  SHUTDOWN_PENDING: 'SHUTDOWN-PENDING',
  SHUTDOWN_SENT: 'SHUTDOWN-SENT',
  SHUTDOWN_RECEIVED: 'SHUTDOWN-RECEIVED',
  SHUTDOWN_ACK_SENT: 'SHUTDOWN-ACK-SENT',
} as const;
export type AssociationState = (typeof AssociationState)[keyof typeof AssociationState];

/** Why an association ended. */
export type CloseReason =
  | 'shutdown' // graceful, §9.2
  | 'abort' // we sent ABORT
  | 'peer-abort' // we received ABORT
  | 'init-timeout' // Max.Init.Retransmits exhausted, §5.1
  | 'retransmit-limit'; // Association.Max.Retrans exceeded, §8.1

/** What pollOutput() hands back. */
export type SctpOutput =
  | { readonly type: 'packet'; readonly data: Uint8Array }
  | { readonly type: 'state'; readonly state: AssociationState }
  | { readonly type: 'connected' }
  | { readonly type: 'restarted' }
  | { readonly type: 'closed'; readonly reason: CloseReason; readonly causes?: readonly ErrorCause[] }
  | {
      readonly type: 'message';
      readonly streamId: number;
      readonly ppid: number;
      readonly data: Uint8Array;
      readonly unordered: boolean;
    }
  | { readonly type: 'streamsReset'; readonly direction: 'incoming' | 'outgoing'; readonly streamIds: readonly number[] }
  | { readonly type: 'bufferedAmountLow'; readonly streamId: number }
  | { readonly type: 'error'; readonly causes: readonly ErrorCause[] };

/** Counters: every dropped or rejected input is counted under a name. */
export interface SctpStats {
  packetsReceived: number;
  packetsSent: number;
  bytesSent: number;
  badChecksum: number;
  parseErrors: number;
  badVerificationTag: number;
  badPort: number;
  badCookie: number;
  staleCookie: number;
  outOfTheBlue: number;
  dataChunksSent: number;
  dataChunksReceived: number;
  duplicateTsnsReceived: number;
  retransmissions: number;
  fastRetransmits: number;
  t3Expirations: number;
  abandonedMessages: number;
  forwardTsnsSent: number;
  sacksSent: number;
  sacksReceived: number;
  messagesDelivered: number;
  unknownChunks: number;
}

export const newStats = (): SctpStats => ({
  packetsReceived: 0,
  packetsSent: 0,
  bytesSent: 0,
  badChecksum: 0,
  parseErrors: 0,
  badVerificationTag: 0,
  badPort: 0,
  badCookie: 0,
  staleCookie: 0,
  outOfTheBlue: 0,
  dataChunksSent: 0,
  dataChunksReceived: 0,
  duplicateTsnsReceived: 0,
  retransmissions: 0,
  fastRetransmits: 0,
  t3Expirations: 0,
  abandonedMessages: 0,
  forwardTsnsSent: 0,
  sacksSent: 0,
  sacksReceived: 0,
  messagesDelivered: 0,
  unknownChunks: 0,
});

/** Per-message send options (RFC 3758 partial reliability; RFC 8831 §6.1 channel types). */
export interface SendOptions {
  readonly unordered?: boolean;
  /** Abandon after this many retransmissions (0 = transmit once). */
  readonly maxRetransmits?: number;
  /** Abandon once this many ms have passed since send(). */
  readonly maxLifetimeMs?: number;
}
