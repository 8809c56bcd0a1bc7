// Partial reliability, the sender's side (RFC 3758 §3.5): when a message is given up on, and the
// FORWARD TSN chunk that moves the peer's cumulative TSN over the abandoned chunks. (The receiver's
// side, §3.6, is TsnTracker.forwardTo and Reassembler.forward.)
import { ChunkType } from './constants.ts';
import type { ForwardTsnChunk } from './chunk.ts';
import { chunkAt, type OutChunk } from './out-queue.ts';
import { wireTsn } from './tsn.ts';

/**
 * §3.5 A1-A2: abandon a chunk's message once it was sent more than its maxRetransmits allows or
 * its lifetime ran out; only when the peer supports FORWARD TSN (§3.3), else it stays reliable.
 */
export function shouldAbandon(c: OutChunk, now: number, peerForwardTsn: boolean): boolean {
  if (!peerForwardTsn) return false;
  const m = c.msg;
  if (m.abandoned) return true;
  if (m.maxRetransmits !== undefined && c.sendCount > m.maxRetransmits) return true;
  return m.expiresAt !== undefined && now >= m.expiresAt;
}

/** §3.5 C1-C2: the Advanced.Peer.Ack.Point moved from `from` over consecutive abandoned chunks. */
export function skipAbandoned(outstanding: readonly OutChunk[], head: number, from: number): number {
  let point = from;
  for (;;) {
    const c = chunkAt(outstanding, head, point + 1);
    if (!c || !c.abandoned) return point;
    point++;
  }
}

/** §3.5 C4 / §3.2: FORWARD TSN to `advancedPeerAckPoint`, with the last skipped SSN per ordered stream. */
export function forwardTsnChunk(
  outstanding: readonly OutChunk[],
  head: number,
  cumAckPoint: number,
  advancedPeerAckPoint: number,
): ForwardTsnChunk {
  const skipped = new Map<number, number>();
  for (let t = cumAckPoint + 1; t <= advancedPeerAckPoint; t++) {
    const c = chunkAt(outstanding, head, t);
    if (c && !c.msg.unordered) skipped.set(c.msg.streamId, c.ssn);
  }
  return {
    type: ChunkType.FORWARD_TSN,
    newCumulativeTsn: wireTsn(advancedPeerAckPoint),
    streams: [...skipped].map(([streamId, ssn]) => ({ streamId, ssn })),
  };
}
