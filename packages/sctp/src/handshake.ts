// The four-way handshake's decisions (RFC 9260 §5.1 INIT / INIT ACK / COOKIE ECHO / COOKIE ACK,
// §5.2 collisions and restarts): what our INIT and INIT ACK carry, which extensions the peer
// offered, which tags an INIT ACK gets (§5.2.1, §5.2.2) and what a verified COOKIE ECHO means for
// an existing association (§5.2.4's table). The association applies them to its state.
import { readU32, writeU32 } from '@rtcstack/common';
import { AssociationState } from './events.ts';
import { ChunkType, EDMID_DTLS, ParamType } from './constants.ts';
import type { InitChunk } from './chunk.ts';
import type { InitParam } from './param.ts';
import { makeCookie, type CookieContents } from './cookie.ts';
import type { ResolvedOptions } from './options.ts';
import { randomTag, randomU32 } from './random.ts';

/** Chunk types listed in our Supported Extensions parameter (RFC 5061 §4.2.7). */
export const SUPPORTED_EXTENSIONS = [ChunkType.FORWARD_TSN, ChunkType.RE_CONFIG];

/**
 * Parameters of our INIT and INIT ACK: Forward-TSN-Supported (RFC 3758 §3.1), Supported
 * Extensions, and Zero Checksum Acceptable for DTLS (RFC 9653 §5.1) when enabled.
 */
export function ourInitParams(options: ResolvedOptions): InitParam[] {
  const params: InitParam[] = [{ kind: 'forwardTsnSupported' }, { kind: 'supportedExtensions', chunkTypes: SUPPORTED_EXTENSIONS }];
  if (options.zeroChecksum) {
    const v = new Uint8Array(4);
    writeU32(v, 0, EDMID_DTLS);
    params.push({ kind: 'raw', type: ParamType.ZERO_CHECKSUM_ACCEPTABLE, value: v });
  }
  return params;
}

/** What the peer's INIT or INIT ACK offered. */
export interface PeerFeatures {
  /** FORWARD TSN (RFC 3758). */
  readonly fwd: boolean;
  /** RE-CONFIG (RFC 6525). */
  readonly reconfig: boolean;
  /** Zero checksums over DTLS (RFC 9653). */
  readonly zero: boolean;
}

export function peerFeatures(params: readonly InitParam[]): PeerFeatures {
  let fwd = false;
  let reconfig = false;
  let zero = false;
  for (const p of params) {
    if (p.kind === 'forwardTsnSupported') fwd = true;
    if (p.kind === 'raw' && p.type === ParamType.ZERO_CHECKSUM_ACCEPTABLE && p.value.length === 4 && readU32(p.value, 0) === EDMID_DTLS) {
      zero = true;
    }
    if (p.kind === 'supportedExtensions') {
      if (p.chunkTypes.includes(ChunkType.FORWARD_TSN)) fwd = true;
      if (p.chunkTypes.includes(ChunkType.RE_CONFIG)) reconfig = true;
    }
  }
  return { fwd, reconfig, zero };
}

/** Our INIT (§5.1 A). */
export function initChunk(options: ResolvedOptions, localTag: number, initialTsn: number): InitChunk {
  return {
    type: ChunkType.INIT,
    initiateTag: localTag,
    aRwnd: options.receiveWindow,
    outboundStreams: options.outboundStreams,
    inboundStreams: options.inboundStreams,
    initialTsn,
    params: ourInitParams(options),
  };
}

/** The tags and initial TSN an INIT ACK carries, and the tie-tags its cookie records. */
export interface InitAckTags {
  readonly tag: number;
  readonly initialTsn: number;
  readonly localTieTag: number;
  readonly peerTieTag: number;
}

/** Our association as an INIT finds it. */
export interface CurrentTcb {
  readonly state: AssociationState;
  readonly localTag: number;
  readonly peerTag: number;
  readonly initialTsn: number;
}

/**
 * §5.1 B with no association: fresh random values. §5.2.1 during our own handshake (an INIT
 * collision): the values of our own INIT, tie-tags once we know the peer's tag. §5.2.2 on an
 * established association: fresh values, the current tags as tie-tags (so a restart is recognised).
 */
export function initAckTags(tcb: CurrentTcb, random: (n: number) => Uint8Array): InitAckTags {
  switch (tcb.state) {
    case AssociationState.CLOSED:
      return { tag: randomTag(random), initialTsn: randomU32(random), localTieTag: 0, peerTieTag: 0 };
    case AssociationState.COOKIE_WAIT:
      return { tag: tcb.localTag, initialTsn: tcb.initialTsn, localTieTag: 0, peerTieTag: 0 };
    case AssociationState.COOKIE_ECHOED:
      return { tag: tcb.localTag, initialTsn: tcb.initialTsn, localTieTag: tcb.localTag, peerTieTag: tcb.peerTag };
    default: {
      const tag = randomTag(random);
      return { tag, initialTsn: randomU32(random), localTieTag: tcb.localTag, peerTieTag: tcb.peerTag };
    }
  }
}

/**
 * Our INIT ACK (§5.1 B) to `init`, carrying the signed State Cookie (§5.1.3) with everything the
 * association will need, so that we keep no state until the COOKIE ECHO; unrecognized INIT
 * parameters whose type asks for it are reported back (§3.2.1).
 */
export function initAckChunk(
  options: ResolvedOptions,
  now: number,
  init: InitChunk,
  tags: InitAckTags,
  features: PeerFeatures,
  unrecognized: readonly Uint8Array[],
): InitChunk {
  const cookie = makeCookie(options.cookieSecret, {
    createdAt: now,
    lifetimeMs: options.cookieLifetimeMs,
    localTag: tags.tag,
    peerTag: init.initiateTag,
    localInitialTsn: tags.initialTsn,
    peerInitialTsn: init.initialTsn,
    peerArwnd: init.aRwnd,
    outboundStreams: Math.min(options.outboundStreams, init.inboundStreams),
    inboundStreams: Math.min(options.inboundStreams, init.outboundStreams),
    peerForwardTsn: features.fwd,
    peerReconfig: features.reconfig,
    peerZeroChecksum: features.zero,
    localTieTag: tags.localTieTag,
    peerTieTag: tags.peerTieTag,
  });
  const params: InitParam[] = [{ kind: 'stateCookie', cookie }, ...ourInitParams(options)];
  for (const u of unrecognized) params.push({ kind: 'unrecognizedParameter', parameter: u });
  return {
    type: ChunkType.INIT_ACK,
    initiateTag: tags.tag,
    aRwnd: options.receiveWindow,
    outboundStreams: options.outboundStreams,
    inboundStreams: options.inboundStreams,
    initialTsn: tags.initialTsn,
    params,
  };
}

/**
 * §5.2.4: what a verified COOKIE ECHO means when an association already exists, by comparing the
 * cookie's tags with ours. A: the peer restarted; B: an INIT collision, adopt the peer's tag;
 * D: a duplicate (our COOKIE ACK was lost) or the collision's second cookie; C and the rest: discard.
 */
export type CookieCase = 'restart' | 'collision' | 'duplicate' | 'discard';

export function cookieCase(c: CookieContents, localTag: number, peerTag: number): CookieCase {
  const myTagMatches = c.localTag === localTag;
  const peerTagMatches = c.peerTag === peerTag;
  if (!myTagMatches && !peerTagMatches && c.localTieTag === localTag && c.peerTieTag === peerTag) return 'restart';
  if (myTagMatches && !peerTagMatches) return 'collision';
  if (myTagMatches && peerTagMatches) return 'duplicate';
  return 'discard';
}
