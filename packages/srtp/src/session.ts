import type { UnprotectResult } from './errors.ts';
import { SrtpContext, type SrtpContextOptions } from './context.ts';
import type { MasterKey } from './kdf.ts';
import { resolveProfile, type SrtpProfile, type SrtpProfileName } from './profile.ts';
import type { SrtpStats } from './stats.ts';

export interface SrtpSessionOptions extends SrtpContextOptions {
  readonly profile: SrtpProfile | SrtpProfileName | number;
  /** Our master key and salt: protects what we send. */
  readonly local: MasterKey;
  /** The peer's master key and salt: unprotects what we receive. */
  readonly remote: MasterKey;
}

/**
 * Both directions of one SRTP session (one DTLS-SRTP association): protect with our key,
 * unprotect with the peer's. Pure functions of bytes in, bytes out; no I/O, no clock.
 */
export class SrtpSession {
  readonly profile: SrtpProfile;
  readonly outbound: SrtpContext;
  readonly inbound: SrtpContext;

  constructor(options: SrtpSessionOptions) {
    this.profile = resolveProfile(options.profile);
    this.outbound = new SrtpContext(this.profile, options.local, options);
    this.inbound = new SrtpContext(this.profile, options.remote, options);
  }

  protectRtp(rtp: Uint8Array): Uint8Array {
    return this.outbound.protectRtp(rtp);
  }

  protectRtcp(rtcp: Uint8Array): Uint8Array {
    return this.outbound.protectRtcp(rtcp);
  }

  unprotectRtp(srtp: Uint8Array): UnprotectResult {
    return this.inbound.unprotectRtp(srtp);
  }

  unprotectRtcp(srtcp: Uint8Array): UnprotectResult {
    return this.inbound.unprotectRtcp(srtcp);
  }

  /** Inbound outcome counters plus the outbound protect counts. */
  get stats(): SrtpStats {
    const i = this.inbound.stats;
    const o = this.outbound.stats;
    return { ...i, rtpProtected: o.rtpProtected, rtcpProtected: o.rtcpProtected };
  }
}
