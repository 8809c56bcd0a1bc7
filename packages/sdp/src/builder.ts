import type { Direction, Fingerprint, KnownAttribute, SetupRole, SimulcastList } from './attributes.ts';
import type { Candidate } from './candidate.ts';
import type { MediaSection, SdpLine, SessionDescription } from './model.ts';
import { attributeLine, makeLine, rawAttributeLine, textLine } from './serialize.ts';

/**
 * Builds offers and answers the way the peer connection needs them (RFC 8829 §5.2, §5.3),
 * with lines in the order Chrome emits them so browsers take them as their own:
 *
 *   v= o= s= t= a=group:BUNDLE a=extmap-allow-mixed a=msid-semantic
 *   m= c= a=rtcp a=candidate* a=end-of-candidates a=ice-ufrag a=ice-pwd a=ice-options
 *   a=fingerprint a=setup a=mid a=extmap* a=<direction> a=msid a=rtcp-mux a=rtcp-rsize
 *   (a=rtpmap a=rtcp-fb* a=fmtp)* a=rid* a=simulcast a=ssrc-group* a=ssrc*
 *   m=application ... a=sctp-port a=max-message-size
 */
export interface CodecSpec {
  readonly payloadType: number;
  readonly name: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** fmtp parameters in order, e.g. [['minptime','10'],['useinbandfec','1']]. */
  readonly parameters?: readonly (readonly [string, string] | readonly [string])[];
  readonly feedback?: readonly { readonly type: string; readonly parameter?: string }[];
}

export interface IceSpec {
  readonly ufrag: string;
  readonly pwd: string;
  /** e.g. ['trickle'] (RFC 8840) or ['trickle', 'ice2'] (RFC 8445). */
  readonly options?: readonly string[];
  /** Session-level a=ice-lite (RFC 8839 §5.3). */
  readonly lite?: boolean;
}

interface CommonMediaSpec {
  readonly mid: string;
  /** Defaults to 9 (the JSEP placeholder port, RFC 8829 §5.2.1). */
  readonly port?: number;
  readonly candidates?: readonly Candidate[];
  readonly endOfCandidates?: boolean;
  readonly bandwidth?: { readonly type: 'AS' | 'TIAS'; readonly value: number };
}

export interface RtpMediaSpec extends CommonMediaSpec {
  readonly kind: 'audio' | 'video';
  readonly direction: Direction;
  readonly codecs: readonly CodecSpec[];
  readonly extmaps?: readonly { readonly id: number; readonly uri: string; readonly direction?: Direction }[];
  readonly msid?: { readonly stream: string; readonly track: string };
  /** Sources we send, with their cname (RFC 5576); `group` adds a=ssrc-group (e.g. FID for RTX). */
  readonly ssrcs?: readonly { readonly ssrc: number; readonly cname: string }[];
  readonly ssrcGroups?: readonly { readonly semantics: string; readonly ssrcs: readonly number[] }[];
  readonly rids?: readonly { readonly id: string; readonly direction: 'send' | 'recv'; readonly params?: string }[];
  readonly simulcast?: { readonly send?: SimulcastList; readonly recv?: SimulcastList };
  /** a=rtcp-rsize (RFC 5506); Chrome 156 sets it on audio and video. Default: true. */
  readonly rtcpRsize?: boolean;
}

export interface DataMediaSpec extends CommonMediaSpec {
  readonly kind: 'application';
  /** RFC 8841 §5: 5000 by convention. */
  readonly sctpPort: number;
  /** RFC 8841 §6; Chrome offers 262144. Omitted when undefined. */
  readonly maxMessageSize?: number;
}

export type MediaSpec = RtpMediaSpec | DataMediaSpec;

export interface DescriptionSpec {
  /** Decimal digits, up to 19 (RFC 8829 §5.2.1 asks for a 64-bit random value, top bit 0). */
  readonly sessionId: string;
  readonly sessionVersion?: number;
  readonly ice: IceSpec;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup: SetupRole;
  /** a=group:BUNDLE over every media section (RFC 8843). Default true. */
  readonly bundle?: boolean;
  readonly extmapAllowMixed?: boolean;
  /** Stream ids for a=msid-semantic: WMS. Default: none. */
  readonly msidSemantic?: readonly string[];
  /** Optional a=tls-id (RFC 8842) per media section. */
  readonly tlsId?: string;
  readonly media: readonly MediaSpec[];
}

function fail(reason: string): never {
  throw new RangeError(`sdp builder: ${reason}`);
}

const a = (k: KnownAttribute): SdpLine => attributeLine(k);

function mediaSection(spec: DescriptionSpec, m: MediaSpec): MediaSection {
  const port = m.port ?? 9;
  const lines: SdpLine[] = [];
  const formats =
    m.kind === 'application' ? ['webrtc-datachannel'] : m.codecs.map((c) => String(c.payloadType));
  const protocol = m.kind === 'application' ? 'UDP/DTLS/SCTP' : 'UDP/TLS/RTP/SAVPF';
  if (formats.length === 0) fail(`media ${m.mid} has no codecs`);
  lines.push(makeLine({ type: 'm', media: { kind: m.kind, port, protocol, formats } }));
  lines.push(makeLine({ type: 'c', connection: { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' } }));
  if (m.bandwidth) lines.push(makeLine({ type: 'b', bandwidth: { type: m.bandwidth.type, bandwidth: m.bandwidth.value } }));
  if (m.kind !== 'application') lines.push(a({ name: 'rtcp', port: 9, netType: 'IN', addrType: 'IP4', address: '0.0.0.0' }));
  for (const c of m.candidates ?? []) lines.push(a({ name: 'candidate', candidate: c }));
  if (m.endOfCandidates) lines.push(a({ name: 'end-of-candidates' }));
  lines.push(a({ name: 'ice-ufrag', ufrag: spec.ice.ufrag }));
  lines.push(a({ name: 'ice-pwd', pwd: spec.ice.pwd }));
  if (spec.ice.options?.length) lines.push(a({ name: 'ice-options', options: spec.ice.options }));
  for (const f of spec.fingerprints) lines.push(a({ name: 'fingerprint', fingerprint: f }));
  if (spec.tlsId !== undefined) lines.push(a({ name: 'tls-id', id: spec.tlsId }));
  lines.push(a({ name: 'setup', role: spec.setup }));
  lines.push(a({ name: 'mid', mid: m.mid }));
  if (m.kind === 'application') {
    lines.push(a({ name: 'sctp-port', port: m.sctpPort }));
    if (m.maxMessageSize !== undefined) lines.push(a({ name: 'max-message-size', size: m.maxMessageSize }));
    return { lines };
  }
  for (const x of m.extmaps ?? []) {
    lines.push(a({ name: 'extmap', id: x.id, uri: x.uri, ...(x.direction ? { direction: x.direction } : {}) }));
  }
  lines.push(a({ name: m.direction }));
  if (m.msid) lines.push(a({ name: 'msid', stream: m.msid.stream, track: m.msid.track }));
  lines.push(a({ name: 'rtcp-mux' }));
  if (m.rtcpRsize ?? true) lines.push(a({ name: 'rtcp-rsize' }));
  for (const c of m.codecs) {
    lines.push(
      a({
        name: 'rtpmap',
        payloadType: c.payloadType,
        encodingName: c.name,
        clockRate: c.clockRate,
        ...(c.channels !== undefined ? { channels: c.channels } : {}),
      }),
    );
    for (const fb of c.feedback ?? []) {
      lines.push(a({ name: 'rtcp-fb', payloadType: c.payloadType, type: fb.type, ...(fb.parameter !== undefined ? { parameter: fb.parameter } : {}) }));
    }
    if (c.parameters?.length) {
      lines.push(
        a({
          name: 'fmtp',
          format: String(c.payloadType),
          parameters: c.parameters.map((p) => (p.length === 2 ? { name: p[0], value: p[1] } : { name: p[0] })),
        }),
      );
    }
  }
  for (const r of m.rids ?? []) lines.push(a({ name: 'rid', id: r.id, direction: r.direction, ...(r.params !== undefined ? { params: r.params } : {}) }));
  if (m.simulcast) lines.push(a({ name: 'simulcast', ...m.simulcast }));
  for (const g of m.ssrcGroups ?? []) lines.push(a({ name: 'ssrc-group', semantics: g.semantics, ssrcs: g.ssrcs }));
  for (const s of m.ssrcs ?? []) {
    lines.push(a({ name: 'ssrc', ssrc: s.ssrc, attribute: 'cname', value: s.cname }));
    if (m.msid) lines.push(a({ name: 'ssrc', ssrc: s.ssrc, attribute: 'msid', value: `${m.msid.stream} ${m.msid.track}` }));
  }
  return { lines };
}

/** Build a description (offer or answer) from a spec. Lines use CRLF (RFC 8866 §5). */
export function buildDescription(spec: DescriptionSpec): SessionDescription {
  if (!/^[0-9]{1,19}$/.test(spec.sessionId)) fail('sessionId must be 1..19 decimal digits');
  const mids = new Set<string>();
  for (const m of spec.media) {
    if (mids.has(m.mid)) fail(`duplicate mid ${m.mid}`);
    mids.add(m.mid);
  }
  const session: SdpLine[] = [
    makeLine({ type: 'v', version: 0 }),
    makeLine({
      type: 'o',
      origin: {
        username: '-',
        sessionId: spec.sessionId,
        sessionVersion: String(spec.sessionVersion ?? 2),
        netType: 'IN',
        addrType: 'IP4',
        address: '127.0.0.1',
      },
    }),
    textLine('s', '-'),
    makeLine({ type: 't', timing: { start: '0', stop: '0' } }),
  ];
  if (spec.ice.lite) session.push(a({ name: 'ice-lite' }));
  if ((spec.bundle ?? true) && spec.media.length > 0) {
    session.push(a({ name: 'group', semantics: 'BUNDLE', mids: spec.media.map((m) => m.mid) }));
  }
  if (spec.extmapAllowMixed) session.push(a({ name: 'extmap-allow-mixed' }));
  session.push(a({ name: 'msid-semantic', semantics: 'WMS', streams: spec.msidSemantic ?? [] }));
  return { session, media: spec.media.map((m) => mediaSection(spec, m)), trailer: '' };
}

/** An offer: setup defaults to actpass (RFC 8842 §5.2). */
export function buildOffer(spec: Omit<DescriptionSpec, 'setup'> & { readonly setup?: SetupRole }): SessionDescription {
  return buildDescription({ ...spec, setup: spec.setup ?? 'actpass' });
}

/** An answer: setup must be active or passive, never actpass (RFC 8842 §5.3). Defaults to active. */
export function buildAnswer(spec: Omit<DescriptionSpec, 'setup'> & { readonly setup?: SetupRole }): SessionDescription {
  const setup = spec.setup ?? 'active';
  if (setup === 'actpass') fail('an answer must not use a=setup:actpass');
  return buildDescription({ ...spec, setup });
}

/** Append an attribute we do not model to a media section (kept verbatim). */
export function withRawAttribute(d: SessionDescription, mediaIndex: number, name: string, value?: string): SessionDescription {
  const media = d.media.map((m, i) => (i === mediaIndex ? { lines: [...m.lines, rawAttributeLine(name, value)] } : m));
  return { ...d, media };
}
