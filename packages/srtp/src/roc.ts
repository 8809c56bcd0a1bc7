/**
 * Rollover counter (ROC) estimation, RFC 3711 §3.3.1 and Appendix A.
 *
 * RTP carries only a 16-bit sequence number; SRTP's 48-bit packet index is ROC * 2^16 + SEQ.
 * The receiver guesses the ROC from the highest sequence number it has authenticated (s_l):
 * a SEQ far below s_l means the sender wrapped (ROC + 1), one far above means a late packet
 * from before the wrap (ROC - 1).
 */
export function estimateRoc(seq: number, sl: number, roc: number): number {
  if (sl < 32768) return seq - sl > 32768 ? roc - 1 : roc;
  return sl - 32768 > seq ? roc + 1 : roc;
}

/** Per-SSRC SRTP stream state: ROC, s_l, whether any packet has been seen yet. */
export interface RocState {
  roc: number;
  sl: number;
  started: boolean;
}

/** The guessed ROC (v) for `seq`; before the first packet it is the configured ROC. */
export function guessRoc(s: RocState, seq: number): number {
  return s.started ? estimateRoc(seq, s.sl, s.roc) : s.roc;
}

/** After authentication: advance s_l / ROC as Appendix A says (never move backwards). */
export function updateRoc(s: RocState, seq: number, v: number): void {
  if (!s.started) {
    s.started = true;
    s.roc = v;
    s.sl = seq;
  } else if (v > s.roc) {
    s.roc = v;
    s.sl = seq;
  } else if (v === s.roc && seq > s.sl) {
    s.sl = seq;
  }
}
