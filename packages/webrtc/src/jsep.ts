/**
 * JSEP (RFC 8829): the offers and answers this peer connection writes, and what it reads from the
 * peer's. Always max-bundle (§4.1.1, one transport for every m= section, RFC 8843), rtcp-mux
 * (RFC 8858), one ICE ufrag/pwd and one DTLS fingerprint for the whole session.
 *
 * Offer (§5.2.1): every transceiver's m=audio section in order, then m=application for data
 * channels (RFC 8841 sctp-port 5000, max-message-size), a=setup:actpass (RFC 8842 §5.2).
 * Answer (§5.3.1): one section per offered section in the same order; audio codecs are the
 * intersection with ours in the offer's order; a section we cannot take gets port 0 (rejected);
 * a=setup:active by default, so the answerer is the DTLS client.
 */
import {
  attributeLine,
  buildAnswer,
  buildOffer,
  parse,
  parseCandidate,
  serialize,
  webrtcView,
  type Candidate,
  type CodecSpec,
  type Direction,
  type Fingerprint,
  type MediaSpec,
  type SetupRole,
  type WebRtcMedia,
  type WebRtcSession,
} from '@rtcstack/sdp';

/** Audio codecs we negotiate (RFC 3551 §6 static PTs; Opus RFC 7587 carried opaquely). */
export const AUDIO_CODECS: readonly CodecSpec[] = [
  { payloadType: 0, name: 'PCMU', clockRate: 8000, feedback: [{ type: 'nack' }] },
  { payloadType: 8, name: 'PCMA', clockRate: 8000, feedback: [{ type: 'nack' }] },
  { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2, parameters: [['minptime', '10'], ['useinbandfec', '1']], feedback: [{ type: 'nack' }] },
];

/** Codecs we can actually encode/decode (G.711); others are accepted and counted, not decoded. */
export const DECODABLE = new Set(['pcmu', 'pcma']);

export const DEFAULT_SCTP_PORT = 5000;
export const DEFAULT_MAX_MESSAGE_SIZE = 262144;

export interface LocalAudioSection {
  /** 'video' only appears as a rejected section answering a video offer (port 0, RFC 8829 §5.3.1). */
  readonly kind: 'audio' | 'video';
  readonly mid: string;
  readonly direction: Direction;
  readonly ssrc?: number;
  readonly cname: string;
  readonly msid?: { readonly stream: string; readonly track: string };
  /** Answer only: codecs to answer with (already intersected). */
  readonly codecs?: readonly CodecSpec[];
  readonly rejected?: boolean;
}

export interface LocalDataSection {
  readonly kind: 'application';
  readonly mid: string;
  readonly rejected?: boolean;
}

export type LocalSection = LocalAudioSection | LocalDataSection;

export interface LocalDescriptionSpec {
  readonly type: 'offer' | 'answer';
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly ufrag: string;
  readonly pwd: string;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup: SetupRole;
  readonly sections: readonly LocalSection[];
  /** Candidates gathered so far (a=candidate in the first section) and whether gathering ended. */
  readonly candidates?: readonly string[];
  readonly endOfCandidates?: boolean;
}

/** Write an offer or answer. */
export function writeDescription(spec: LocalDescriptionSpec): string {
  const candidates: Candidate[] = (spec.candidates ?? []).map((c) => parseCandidate(c.replace(/^candidate:/, '')));
  const media: MediaSpec[] = spec.sections.map((s, i) => {
    const common = {
      mid: s.mid,
      ...(s.rejected ? { port: 0 } : {}),
      // RFC 8843 §7.1.3: with BUNDLE, candidates go in the bundle tag's section.
      ...(i === 0 ? { candidates, endOfCandidates: spec.endOfCandidates ?? false } : {}),
    };
    if (s.kind === 'application') return { ...common, kind: 'application', sctpPort: DEFAULT_SCTP_PORT, maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE };
    return {
      ...common,
      kind: s.kind,
      direction: s.direction,
      codecs: s.codecs && s.codecs.length ? s.codecs : AUDIO_CODECS,
      ...(s.msid ? { msid: s.msid } : {}),
      ...(s.ssrc !== undefined && (s.direction === 'sendrecv' || s.direction === 'sendonly') ? { ssrcs: [{ ssrc: s.ssrc, cname: s.cname }] } : {}),
    };
  });
  const live = spec.sections.filter((s) => !s.rejected);
  const common = {
    sessionId: spec.sessionId,
    sessionVersion: spec.sessionVersion,
    ice: { ufrag: spec.ufrag, pwd: spec.pwd, options: ['trickle'] },
    fingerprints: spec.fingerprints,
    setup: spec.setup,
    bundle: live.length > 0,
    media,
    msidSemantic: [],
  };
  let d = spec.type === 'offer' ? buildOffer(common) : buildAnswer(common);
  if (live.length !== spec.sections.length && live.length > 0) {
    // The BUNDLE group names only the accepted sections (RFC 8843 §7.3.3).
    d = {
      ...d,
      session: d.session.map((l) =>
        l.type === 'a' && l.attribute.known?.name === 'group'
          ? attributeLine({ name: 'group', semantics: 'BUNDLE', mids: live.map((s) => s.mid) })
          : l,
      ),
    };
  }
  return serialize(d);
}

/** What we take from a remote description. */
export interface RemoteMediaInfo {
  readonly index: number;
  readonly kind: string;
  readonly mid: string;
  readonly rejected: boolean;
  readonly direction: Direction;
  readonly codecs: readonly CodecSpec[];
  readonly ssrcs: readonly number[];
  readonly cname?: string;
  readonly msid?: { readonly stream: string; readonly track?: string };
  readonly sctpPort?: number;
  readonly maxMessageSize?: number;
}

export interface RemoteDescriptionInfo {
  readonly view: WebRtcSession;
  readonly ufrag: string;
  readonly pwd: string;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup: SetupRole;
  readonly iceLite: boolean;
  readonly candidates: readonly string[];
  readonly endOfCandidates: boolean;
  readonly media: readonly RemoteMediaInfo[];
}

/** Why a description cannot be used (the W3C layer turns this into the spec's error). */
export class DescriptionError extends Error {
  override readonly name = 'DescriptionError';
}

/**
 * Read a remote description: parse (ParseError on bad text), then check what a max-bundle
 * DTLS-SRTP peer connection needs: ICE credentials, a fingerprint, a=setup, rtcp-mux on RTP
 * sections (RFC 8829 §5.8).
 */
export function readRemoteDescription(sdp: string, type: 'offer' | 'answer' | 'pranswer'): RemoteDescriptionInfo {
  const view = webrtcView(parse(sdp));
  const live = view.media.filter((m) => m.port !== 0 || view.bundle.includes(m.mid ?? ''));
  // Max-bundle: the transport is the bundle tag's (first mid of the group), else the first live section.
  const tagMid = view.bundle[0];
  const tag = (tagMid !== undefined ? view.media.find((m) => m.mid === tagMid) : undefined) ?? live[0];
  if (!tag) throw new DescriptionError('no usable m= section');
  const ufrag = tag.iceUfrag;
  const pwd = tag.icePwd;
  if (!ufrag || !pwd) throw new DescriptionError('missing a=ice-ufrag / a=ice-pwd (RFC 8839 §5.4)');
  if (tag.fingerprints.length === 0) throw new DescriptionError('missing a=fingerprint (RFC 8122)');
  const setup = tag.setup ?? (type === 'offer' ? 'actpass' : 'active');
  if (type !== 'offer' && setup === 'actpass') throw new DescriptionError('an answer must not use a=setup:actpass (RFC 8842 §5.3)');
  const media = view.media.map((m, index): RemoteMediaInfo => readMedia(m, index, view));
  for (const m of media) {
    if (!m.rejected && m.kind === 'audio' && !view.media[m.index].rtcpMux) throw new DescriptionError(`m= section ${m.mid} lacks a=rtcp-mux (RFC 8829 §5.8)`);
  }
  const candidates: string[] = [];
  for (const m of view.media) for (const c of m.candidates) candidates.push(formatCandidateLine(c));
  return {
    view,
    ufrag,
    pwd,
    fingerprints: tag.fingerprints,
    setup,
    iceLite: view.iceLite,
    candidates,
    endOfCandidates: view.media.some((m) => m.endOfCandidates),
    media,
  };
}

function formatCandidateLine(c: Candidate): string {
  const ext = (c.extensions ?? []).map(([k, v]) => ` ${k} ${v}`).join('');
  const rel = c.relatedAddress !== undefined ? ` raddr ${c.relatedAddress} rport ${c.relatedPort}` : '';
  return `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}${rel}${ext}`;
}

function readMedia(m: WebRtcMedia, index: number, view: WebRtcSession): RemoteMediaInfo {
  const bundled = view.bundle.includes(m.mid ?? '');
  const rejected = m.port === 0 && !(bundled && view.bundle[0] !== m.mid);
  const codecs: CodecSpec[] = m.codecs.map((c) => ({
    payloadType: c.payloadType,
    name: c.name ?? '',
    clockRate: c.clockRate ?? 0,
    ...(c.channels !== undefined ? { channels: c.channels } : {}),
    ...(c.parameters.length ? { parameters: c.parameters.map((p) => (p.value !== undefined ? [p.name, p.value] as const : [p.name] as const)) } : {}),
    feedback: c.feedback,
  }));
  const msid = m.msids[0];
  return {
    index,
    kind: m.kind,
    mid: m.mid ?? String(index),
    rejected,
    direction: m.direction ?? 'sendrecv',
    codecs,
    ssrcs: m.ssrcs.map((s) => s.ssrc),
    ...(m.ssrcs[0]?.cname !== undefined ? { cname: m.ssrcs[0].cname } : {}),
    ...(msid ? { msid } : {}),
    ...(m.sctpPort !== undefined || m.sctpmap ? { sctpPort: m.sctpPort ?? m.sctpmap?.number } : {}),
    ...(m.maxMessageSize !== undefined ? { maxMessageSize: m.maxMessageSize } : {}),
  };
}

type Feedback = NonNullable<CodecSpec['feedback']>[number];

function sameFeedback(a: Feedback, b: Feedback): boolean {
  return a.type.toLowerCase() === b.type.toLowerCase() && (a.parameter ?? '').toLowerCase() === (b.parameter ?? '').toLowerCase();
}

/**
 * Audio codecs for an answer (RFC 3264 §6.1): those of the offer we support, in the offer's order,
 * keeping the offerer's payload types (matched by name and clock rate, case-insensitively).
 * Feedback (RFC 8829 §5.3.1, RFC 4585 §4.2): only the a=rtcp-fb values that the offer lists for
 * that payload type AND that we support; an answer never adds one the offer lacks. Applied to a
 * remote answer the same rule yields what both sides agreed on.
 */
export function negotiateAudioCodecs(offered: readonly CodecSpec[]): CodecSpec[] {
  const out: CodecSpec[] = [];
  for (const c of offered) {
    const ours = AUDIO_CODECS.find((x) => x.name.toLowerCase() === c.name.toLowerCase() && x.clockRate === c.clockRate);
    if (!ours) continue;
    const feedback = (ours.feedback ?? []).filter((f) => (c.feedback ?? []).some((o) => sameFeedback(o, f)));
    out.push({ ...ours, payloadType: c.payloadType, ...(c.channels !== undefined ? { channels: c.channels } : {}), feedback });
  }
  return out;
}

/** A rejected section (port 0) echoes an offered format (RFC 3264 §6) but agrees to no feedback. */
export function withoutFeedback(codecs: readonly CodecSpec[]): CodecSpec[] {
  return codecs.map((c) => ({ ...c, feedback: [] }));
}

/** RFC 4585 §4.2: generic NACK (`a=rtcp-fb:<pt> nack`, no parameter) was negotiated for this codec. */
export function hasGenericNack(c: CodecSpec): boolean {
  return (c.feedback ?? []).some((f) => f.type.toLowerCase() === 'nack' && f.parameter === undefined);
}

/** RFC 3264 §6.1: the answer's direction from the offer's and what we want to do. */
export function answerDirection(offered: Direction, wantSend: boolean, wantRecv: boolean): Direction {
  const canSend = wantSend && (offered === 'sendrecv' || offered === 'recvonly');
  const canRecv = wantRecv && (offered === 'sendrecv' || offered === 'sendonly');
  return canSend && canRecv ? 'sendrecv' : canSend ? 'sendonly' : canRecv ? 'recvonly' : 'inactive';
}

/** The direction seen from the other side (RFC 3264 §6.1: sendonly <-> recvonly). */
export function reverseDirection(d: Direction): Direction {
  return d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d;
}

/** DTLS role from the answer's a=setup (RFC 8842 §5): 'active' is the client. */
export function dtlsRoleFromSetup(localIsOfferer: boolean, answerSetup: SetupRole): 'client' | 'server' {
  const answererIsClient = answerSetup === 'active';
  return localIsOfferer === answererIsClient ? 'server' : 'client';
}

/** The local answer's a=setup for an offer's (RFC 8842 §5.3: actpass -> active). */
export function answerSetup(offerSetup: SetupRole, current: 'client' | 'server' | undefined): SetupRole {
  if (current) return current === 'client' ? 'active' : 'passive';
  if (offerSetup === 'active') return 'passive';
  return 'active';
}
