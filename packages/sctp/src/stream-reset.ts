// Stream reset messages (RFC 6525 §5.1.2, §5.2.2, §4.4): our Outgoing SSN Reset Request, the
// peer's request we may have to defer until its last TSN arrived, and the RE-CONFIG response.
import { ChunkType } from './constants.ts';
import { encodeChunk } from './chunk.ts';
import { wireTsn } from './tsn.ts';

/** Our outstanding request (§5.1.2): one at a time, retransmitted on the RE-CONFIG timer. */
export interface OutgoingReset {
  readonly seq: number;
  readonly streamIds: number[];
  /** The last TSN we assigned before the reset: the peer resets after receiving up to it. */
  readonly lastTsn: number;
}

/** A peer's request waiting for DATA up to its sender's last TSN (§5.2.2 E2). */
export interface DeferredPeerReset {
  readonly seq: number;
  readonly lastTsn: number;
  readonly streamIds: readonly number[];
}

/** RE-CONFIG with one Re-configuration Response Parameter (§4.4). */
export function reconfigResponse(seq: number, result: number): Uint8Array {
  return encodeChunk({ type: ChunkType.RE_CONFIG, params: [{ kind: 'response', responseSeq: seq, result }] });
}

/** RE-CONFIG with our Outgoing SSN Reset Request (§4.1); `peerNextReqSeq` - 1 is the last peer request we answered. */
export function outgoingResetRequest(r: OutgoingReset, peerNextReqSeq: number): Uint8Array {
  return encodeChunk({
    type: ChunkType.RE_CONFIG,
    params: [
      {
        kind: 'outgoingSsnReset',
        requestSeq: r.seq,
        responseSeq: (peerNextReqSeq - 1) >>> 0,
        senderLastTsn: wireTsn(r.lastTsn),
        streamIds: r.streamIds,
      },
    ],
  });
}
