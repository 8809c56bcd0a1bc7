// Congestion control (RFC 9260 §7.2): slow start and congestion avoidance (§7.2.1, §7.2.2), the
// reaction to a T3-rtx timeout (§7.2.3) and fast recovery after a fast retransmit (§7.2.4).
// Plain state plus functions; the association owns one and calls these at the RFC's events.

export interface CongestionState {
  /** Congestion window, bytes: at most this many bytes in flight. */
  cwnd: number;
  /** Slow start threshold: slow start while cwnd <= ssthresh, congestion avoidance above. */
  ssthresh: number;
  /** §7.2.2: bytes acked in congestion avoidance since cwnd last grew. */
  partialBytesAcked: number;
  /** §7.2.4: in fast recovery until the cumulative ack reaches `fastRecoveryExit`. */
  fastRecovery: boolean;
  fastRecoveryExit: number;
}

export function newCongestionState(): CongestionState {
  return { cwnd: 0, ssthresh: 0, partialBytesAcked: 0, fastRecovery: false, fastRecoveryExit: 0 };
}

/** §7.2.1: a new association starts with cwnd = min(4·MTU, max(2·MTU, 4380 bytes)). */
export function resetCongestion(cc: CongestionState, mtu: number, receiveWindow: number): void {
  cc.cwnd = Math.min(4 * mtu, Math.max(2 * mtu, 4380));
  cc.ssthresh = receiveWindow;
  cc.partialBytesAcked = 0;
  cc.fastRecovery = false;
}

/**
 * §7.2.1 / §7.2.2: the cumulative ack advanced to `cumAck`, acknowledging `bytesAcked` new bytes.
 * cwnd grows only when it was in use (`flightBefore`, the bytes in flight before this SACK).
 */
export function onCumulativeAckAdvanced(
  cc: CongestionState,
  cumAck: number,
  flightBefore: number,
  bytesAcked: number,
  mtu: number,
): void {
  if (cc.fastRecovery && cumAck >= cc.fastRecoveryExit) cc.fastRecovery = false;
  if (cc.fastRecovery || flightBefore + mtu < cc.cwnd) return;
  if (cc.cwnd <= cc.ssthresh) cc.cwnd += Math.min(bytesAcked, mtu);
  else {
    cc.partialBytesAcked += bytesAcked;
    if (cc.partialBytesAcked >= cc.cwnd) {
      cc.partialBytesAcked -= cc.cwnd;
      cc.cwnd += mtu;
    }
  }
}

/** §7.2.4: a fast retransmit outside fast recovery halves cwnd, once per loss episode. */
export function enterFastRecovery(cc: CongestionState, mtu: number, highestTsnSent: number): void {
  cc.ssthresh = Math.max(cc.cwnd / 2, 4 * mtu);
  cc.cwnd = cc.ssthresh;
  cc.partialBytesAcked = 0;
  cc.fastRecovery = true;
  cc.fastRecoveryExit = highestTsnSent;
}

/** §7.2.3: T3-rtx expired: back to one MTU and slow start. */
export function onRetransmitTimeout(cc: CongestionState, mtu: number): void {
  cc.ssthresh = Math.max(cc.cwnd / 2, 4 * mtu);
  cc.cwnd = mtu;
  cc.partialBytesAcked = 0;
  cc.fastRecovery = false;
}
