/**
 * Retransmission timeout from RTT measurements (RFC 9260 §6.3.1, the RFC 6298 estimator).
 * C1: before any measurement RTO = RTO.Initial. C2: first measurement R: SRTT = R, RTTVAR = R/2.
 * C3: later ones: RTTVAR = (1 - β)·RTTVAR + β·|SRTT - R|, SRTT = (1 - α)·SRTT + α·R, with
 * α = 1/8, β = 1/4. Always RTO = SRTT + 4·RTTVAR, clamped to [RTO.Min, RTO.Max].
 */
export class RtoEstimator {
  srtt: number | undefined;
  rttvar = 0;
  rto: number;

  constructor(
    readonly initial: number,
    readonly min: number,
    readonly max: number,
  ) {
    this.rto = initial;
  }

  measure(r: number): void {
    if (this.srtt === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    // G (clock granularity) is sub-millisecond here; RFC 6298 §2.3's max(G, 4·RTTVAR) is 4·RTTVAR.
    this.rto = Math.min(this.max, Math.max(this.min, this.srtt + 4 * this.rttvar));
  }

  /** Forget backoff and measurements (the handshake's T1 backoff says nothing about the path now). */
  reset(): void {
    this.srtt = undefined;
    this.rttvar = 0;
    this.rto = this.initial;
  }

  /** §6.3.3 E2: back off on T3-rtx expiry. */
  backOff(): void {
    this.rto = Math.min(this.max, this.rto * 2);
  }
}
