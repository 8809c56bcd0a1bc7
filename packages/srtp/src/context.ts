import { isParseError, ParseError } from '@rtcstack/common';
import { UNPROTECT_FAILURES, type UnprotectResult } from './errors.ts';
import { checkRtcpHeader, readSsrc, rtpHeaderLength } from './header.ts';
import { deriveSessionKeys, type DerivedKeys, type MasterKey } from './kdf.ts';
import { resolveProfile, type SrtpProfile, type SrtpProfileName } from './profile.ts';
import { ReplayWindow } from './replay.ts';
import { guessRoc, updateRoc, type RocState } from './roc.ts';
import { emptyStats, type SrtpStats } from './stats.ts';
import { AesCmHmacTransform } from './transform-aes-cm.ts';
import { AesGcmTransform } from './transform-gcm.ts';
import type { SrtpTransform } from './transform.ts';

export interface SrtpContextOptions {
  /** Replay window size in packets (RFC 3711 §3.3.2 asks for at least 64). Default 128. */
  readonly replayWindow?: number;
  /**
   * Create a crypto context for an SSRC the first time a packet from it AUTHENTICATES.
   * Default true: WebRTC learns remote SSRCs from the media itself. When false, only SSRCs
   * registered with addInboundSsrc() are accepted; others fail with 'unknown-ssrc'.
   */
  readonly acceptUnknownSsrc?: boolean;
}

interface InboundRtp extends RocState {
  readonly replay: ReplayWindow;
}

interface OutboundRtcp {
  index: number;
}

const MAX_SRTCP_INDEX = 0x7fffffff;

/**
 * The cryptographic context of RFC 3711 §3.2 for ONE master key: derived session keys plus,
 * per SSRC, the ROC / highest sequence number / replay window (inbound) or ROC / SRTCP index
 * (outbound). A session uses two of these: our key to protect, the peer's to unprotect.
 */
export class SrtpContext {
  readonly profile: SrtpProfile;
  readonly keys: DerivedKeys;
  readonly stats: SrtpStats = emptyStats();
  private readonly transform: SrtpTransform;
  private readonly windowSize: number;
  private readonly acceptUnknown: boolean;
  private readonly rtpOut = new Map<number, RocState>();
  private readonly rtcpOut = new Map<number, OutboundRtcp>();
  private readonly rtpIn = new Map<number, InboundRtp>();
  private readonly rtcpIn = new Map<number, ReplayWindow>();
  /** Inbound SSRCs registered by the application (used when acceptUnknownSsrc is false). */
  private readonly known = new Map<number, number>();

  constructor(profile: SrtpProfile | SrtpProfileName | number, master: MasterKey, options?: SrtpContextOptions);
  constructor(profile: SrtpProfile | SrtpProfileName | number, keys: DerivedKeys, options?: SrtpContextOptions);
  constructor(profileIn: SrtpProfile | SrtpProfileName | number, material: MasterKey | DerivedKeys, options: SrtpContextOptions = {}) {
    this.profile = resolveProfile(profileIn);
    this.keys = 'rtp' in material ? material : deriveSessionKeys(this.profile, material);
    this.transform =
      this.profile.kind === 'aead-aes-gcm'
        ? new AesGcmTransform(this.keys)
        : new AesCmHmacTransform(this.keys, this.profile.rtpTagLength, this.profile.rtcpTagLength);
    this.windowSize = options.replayWindow ?? 128;
    new ReplayWindow(this.windowSize); // validates the size early
    this.acceptUnknown = options.acceptUnknownSsrc ?? true;
  }

  // ---- outbound ------------------------------------------------------------------------------

  /** RTP -> SRTP. Throws ParseError if `rtp` is not an RTP packet (it is our own data). */
  protectRtp(rtp: Uint8Array): Uint8Array {
    const h = rtpHeaderLength(rtp, rtp.length);
    const ssrc = readSsrc(rtp, 8);
    const seq = (rtp[2] << 8) | rtp[3];
    let s = this.rtpOut.get(ssrc);
    if (!s) {
      s = { roc: 0, sl: 0, started: false };
      this.rtpOut.set(ssrc, s);
    }
    // The sender uses the same index rule as the receiver, so a retransmission of an older
    // packet gets its original index (and keystream) back.
    let v = guessRoc(s, seq);
    if (v < 0) v = 0;
    if (v > 0xffffffff) throw new RangeError(`SRTP ROC exhausted for SSRC ${ssrc}: rekey`);
    updateRoc(s, seq, v);
    this.stats.rtpProtected++;
    return this.transform.protectRtp(rtp, h, ssrc, v, seq);
  }

  /** RTCP (compound) -> SRTCP with the next SRTCP index for the sender SSRC (E = 1). */
  protectRtcp(rtcp: Uint8Array): Uint8Array {
    checkRtcpHeader(rtcp, rtcp.length);
    const ssrc = readSsrc(rtcp, 4);
    let s = this.rtcpOut.get(ssrc);
    if (!s) {
      s = { index: 0 };
      this.rtcpOut.set(ssrc, s);
    }
    // RFC 3711 §3.4: incremented per packet modulo 2^31. Like libsrtp, the first packet sent
    // carries index 1 (libsrtp's srtp_validate reference packet shows 80000001).
    s.index = s.index >= MAX_SRTCP_INDEX ? 0 : s.index + 1;
    this.stats.rtcpProtected++;
    return this.transform.protectRtcp(rtcp, ssrc, s.index);
  }

  /** Set the ROC the next packet of `ssrc` is protected with (e.g. to resume a stream). */
  setOutboundRoc(ssrc: number, roc: number): void {
    this.rtpOut.set(ssrc >>> 0, { roc, sl: 0, started: false });
  }

  /** Make the next SRTCP packet of `ssrc` carry `next` as its index. */
  setOutboundRtcpIndex(ssrc: number, next: number): void {
    this.rtcpOut.set(ssrc >>> 0, { index: next - 1 });
  }

  // ---- inbound -------------------------------------------------------------------------------

  /** Register an inbound SSRC (and its starting ROC, normally 0). */
  addInboundSsrc(ssrc: number, roc = 0): void {
    this.known.set(ssrc >>> 0, roc);
  }

  /** Current inbound ROC of `ssrc`, if a packet from it has authenticated. */
  inboundRoc(ssrc: number): number | undefined {
    return this.rtpIn.get(ssrc >>> 0)?.roc;
  }

  /** SRTP -> RTP. Never throws: every failure is a typed, counted result. */
  unprotectRtp(srtp: Uint8Array): UnprotectResult {
    const t = this.transform;
    let h: number;
    try {
      if (srtp.length < 12 + t.rtpTagLength) {
        throw new ParseError('srtp', 'srtp.length', srtp.length, `packet of ${srtp.length} bytes is shorter than header + tag`);
      }
      h = rtpHeaderLength(srtp, srtp.length - t.rtpTagLength);
    } catch (e) {
      return this.parseFailure(e);
    }
    const ssrc = readSsrc(srtp, 8);
    const seq = (srtp[2] << 8) | srtp[3];
    let s = this.rtpIn.get(ssrc);
    let fresh = false;
    if (!s) {
      const roc = this.known.get(ssrc);
      if (roc === undefined && !this.acceptUnknown) {
        this.stats.unknownSsrc++;
        return { ok: false, reason: UNPROTECT_FAILURES.unknownSsrc, ssrc };
      }
      // Not stored until the packet authenticates: forged packets must not create state.
      s = { roc: roc ?? 0, sl: 0, started: false, replay: new ReplayWindow(this.windowSize) };
      fresh = true;
    }
    const v = guessRoc(s, seq);
    const index = v * 65536 + seq;
    if (v < 0 || v > 0xffffffff || !s.replay.check(index)) {
      this.stats.replayed++;
      return { ok: false, reason: UNPROTECT_FAILURES.replay, ssrc, index };
    }
    const out = t.unprotectRtp(srtp, h, ssrc, v, seq);
    if (!out) {
      this.stats.authFailed++;
      return { ok: false, reason: UNPROTECT_FAILURES.auth, ssrc };
    }
    // Only now, after authentication, may the ROC, s_l and the replay window move (§3.3.2).
    updateRoc(s, seq, v);
    s.replay.accept(index);
    if (fresh) this.rtpIn.set(ssrc, s);
    this.stats.rtpUnprotected++;
    return { ok: true, packet: out, ssrc, index };
  }

  /** SRTCP -> RTCP. Never throws. */
  unprotectRtcp(srtcp: Uint8Array): UnprotectResult {
    const t = this.transform;
    const len = srtcp.length;
    try {
      if (len < 8 + 4 + t.rtcpTagLength) {
        throw new ParseError('srtp', 'srtcp.length', len, `packet of ${len} bytes is shorter than header + index + tag`);
      }
      checkRtcpHeader(srtcp, len);
    } catch (e) {
      return this.parseFailure(e);
    }
    const ssrc = readSsrc(srtcp, 4);
    const word = readSsrc(srtcp, t.rtcpTrailerAt(len));
    const encrypted = word >= 0x80000000;
    const index = word & 0x7fffffff;
    let w = this.rtcpIn.get(ssrc);
    let fresh = false;
    if (!w) {
      if (!this.known.has(ssrc) && !this.acceptUnknown) {
        this.stats.unknownSsrc++;
        return { ok: false, reason: UNPROTECT_FAILURES.unknownSsrc, ssrc };
      }
      w = new ReplayWindow(this.windowSize);
      fresh = true;
    }
    if (!w.check(index)) {
      this.stats.replayed++;
      return { ok: false, reason: UNPROTECT_FAILURES.replay, ssrc, index };
    }
    const out = t.unprotectRtcp(srtcp, ssrc, index, encrypted);
    if (!out) {
      this.stats.authFailed++;
      return { ok: false, reason: UNPROTECT_FAILURES.auth, ssrc };
    }
    w.accept(index);
    if (fresh) this.rtcpIn.set(ssrc, w);
    this.stats.rtcpUnprotected++;
    return { ok: true, packet: out, ssrc, index };
  }

  private parseFailure(e: unknown): UnprotectResult {
    if (!isParseError(e)) throw e;
    this.stats.parseErrors++;
    return { ok: false, reason: UNPROTECT_FAILURES.parse, error: e };
  }
}
