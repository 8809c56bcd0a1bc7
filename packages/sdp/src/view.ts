import { ParseError } from '@rtcstack/common';
import type { Direction, Fingerprint, FmtpParameter, KnownAttribute, SetupRole, SimulcastList } from './attributes.ts';
import type { Candidate } from './candidate.ts';
import type { Bandwidth, Connection, Origin, SdpLine, SessionDescription } from './model.ts';

/**
 * The typed WebRTC view of a parsed description: what JSEP (RFC 8829) reads out of an offer or
 * answer. Session-level ICE/DTLS attributes are inherited by media sections that do not set
 * their own (RFC 8839 §5.4, RFC 8122 §5, RFC 4145 §4).
 */
export interface RtcpFeedback {
  readonly type: string;
  readonly parameter?: string;
}

/** One payload type: a=rtpmap + a=fmtp + a=rtcp-fb gathered together (RFC 8866 §6.6, 6.15; RFC 4585). */
export interface Codec {
  readonly payloadType: number;
  /** Absent for static payload types (0 PCMU, 8 PCMA, ...) listed without a=rtpmap. */
  readonly name?: string;
  readonly clockRate?: number;
  readonly channels?: number;
  readonly parameters: readonly FmtpParameter[];
  readonly feedback: readonly RtcpFeedback[];
}

export interface HeaderExtension {
  readonly id: number;
  readonly uri: string;
  readonly direction?: Direction;
  readonly attributes?: string;
}

export interface SsrcInfo {
  readonly ssrc: number;
  readonly cname?: string;
  readonly attributes: readonly { readonly name: string; readonly value?: string }[];
}

export interface WebRtcMedia {
  readonly kind: string;
  readonly port: number;
  readonly protocol: string;
  readonly formats: readonly string[];
  readonly connection?: Connection;
  readonly bandwidths: readonly Bandwidth[];
  readonly mid?: string;
  /** As written; absent means sendrecv (RFC 3264 §5.1). */
  readonly direction?: Direction;
  readonly msids: readonly { readonly stream: string; readonly track?: string }[];
  readonly iceUfrag?: string;
  readonly icePwd?: string;
  readonly iceOptions: readonly string[];
  readonly fingerprints: readonly Fingerprint[];
  readonly setup?: SetupRole;
  readonly tlsId?: string;
  readonly rtcp?: { readonly port: number; readonly address?: string };
  readonly rtcpMux: boolean;
  readonly rtcpMuxOnly: boolean;
  readonly rtcpRsize: boolean;
  readonly codecs: readonly Codec[];
  readonly extmaps: readonly HeaderExtension[];
  readonly extmapAllowMixed: boolean;
  readonly ssrcs: readonly SsrcInfo[];
  readonly ssrcGroups: readonly { readonly semantics: string; readonly ssrcs: readonly number[] }[];
  readonly rids: readonly { readonly id: string; readonly direction: 'send' | 'recv'; readonly params?: string }[];
  readonly simulcast?: { readonly send?: SimulcastList; readonly recv?: SimulcastList };
  readonly sctpPort?: number;
  readonly maxMessageSize?: number;
  /** Legacy data channel form: a=sctpmap:<port> webrtc-datachannel [<streams>]. */
  readonly sctpmap?: { readonly number: number; readonly app: string; readonly streams?: number };
  readonly candidates: readonly Candidate[];
  readonly endOfCandidates: boolean;
}

export interface WebRtcSession {
  readonly origin: Origin;
  readonly sessionName: string;
  readonly connection?: Connection;
  readonly bandwidths: readonly Bandwidth[];
  readonly groups: readonly { readonly semantics: string; readonly mids: readonly string[] }[];
  /** The mids of the first a=group:BUNDLE (RFC 8843), [] if none. */
  readonly bundle: readonly string[];
  readonly msidSemantic?: { readonly semantics: string; readonly streams: readonly string[] };
  readonly iceUfrag?: string;
  readonly icePwd?: string;
  readonly iceOptions: readonly string[];
  readonly iceLite: boolean;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup?: SetupRole;
  readonly tlsId?: string;
  readonly extmapAllowMixed: boolean;
  readonly media: readonly WebRtcMedia[];
}

function knowns(lines: readonly SdpLine[]): KnownAttribute[] {
  const out: KnownAttribute[] = [];
  for (const l of lines) if (l.type === 'a' && l.attribute.known) out.push(l.attribute.known);
  return out;
}

function first<N extends KnownAttribute['name']>(
  ks: readonly KnownAttribute[],
  name: N,
): Extract<KnownAttribute, { name: N }> | undefined {
  return ks.find((k) => k.name === name) as Extract<KnownAttribute, { name: N }> | undefined;
}

function all<N extends KnownAttribute['name']>(ks: readonly KnownAttribute[], name: N): Extract<KnownAttribute, { name: N }>[] {
  return ks.filter((k) => k.name === name) as Extract<KnownAttribute, { name: N }>[];
}

const DIRS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function bandwidths(lines: readonly SdpLine[]): Bandwidth[] {
  const out: Bandwidth[] = [];
  for (const l of lines) if (l.type === 'b') out.push(l.bandwidth);
  return out;
}

function connection(lines: readonly SdpLine[]): Connection | undefined {
  for (const l of lines) if (l.type === 'c') return l.connection;
  return undefined;
}

// Attributes that may appear once per section (RFC 5888 §4, RFC 8839 §5.4, RFC 4145 §4,
// RFC 8841 §5-6, RFC 3264 §5.1 for the directions, RFC 3605).
const ONCE = new Set(['mid', 'ice-ufrag', 'ice-pwd', 'ice-lite', 'setup', 'tls-id', 'sctp-port', 'max-message-size', 'rtcp', 'rtcp-mux']);

function fail(field: string, line: number, reason: string): never {
  throw new ParseError('sdp', field, line, reason);
}

/**
 * The checks JSEP needs beyond the grammar (RFC 8829 §5.8: such a description is rejected):
 * single-valued attributes at most once per section, one direction, one rtpmap per payload
 * type, unique mids (RFC 5888 §4), groups naming existing mids (RFC 8843 §7.2).
 */
function validate(d: SessionDescription): void {
  const sections = [d.session, ...d.media.map((m) => m.lines)];
  const mids = new Map<string, number>();
  for (const lines of sections) {
    const seen = new Map<string, number>();
    for (const l of lines) {
      if (l.type !== 'a' || !l.attribute.known) continue;
      const k = l.attribute.known;
      const key = DIRS.includes(k.name) ? 'direction' : k.name === 'rtpmap' ? `rtpmap ${k.payloadType}` : ONCE.has(k.name) ? k.name : undefined;
      if (key === undefined) continue;
      const first = seen.get(key);
      if (first !== undefined) fail(`a=${k.name}`, l.line, `${key === 'direction' ? 'a second direction attribute' : `a second a=${key}`} in this section (first on line ${first})`);
      seen.set(key, l.line);
      if (k.name === 'mid') {
        const other = mids.get(k.mid);
        if (other !== undefined) fail('a=mid', l.line, `mid ${JSON.stringify(k.mid)} already used on line ${other}`);
        mids.set(k.mid, l.line);
      }
    }
  }
  for (const l of d.session) {
    if (l.type === 'a' && l.attribute.known?.name === 'group') {
      for (const m of l.attribute.known.mids) if (!mids.has(m)) fail('a=group', l.line, `group names mid ${JSON.stringify(m)} that no section has`);
    }
  }
}

/**
 * Build the WebRTC view of a parsed (or built) description. Throws ParseError (offset = line
 * number) when the description breaks a rule JSEP needs (see validate).
 */
export function webrtcView(d: SessionDescription): WebRtcSession {
  validate(d);
  const s = knowns(d.session);
  const o = d.session.find((l) => l.type === 'o');
  const name = d.session.find((l) => l.type === 's');
  const groups = all(s, 'group').map((g) => ({ semantics: g.semantics, mids: g.mids }));
  const fingerprints = all(s, 'fingerprint').map((f) => f.fingerprint);
  const ufrag = first(s, 'ice-ufrag')?.ufrag;
  const pwd = first(s, 'ice-pwd')?.pwd;
  const iceOptions = first(s, 'ice-options')?.options ?? [];
  const setup = first(s, 'setup')?.role;
  const tlsId = first(s, 'tls-id')?.id;
  const allowMixed = first(s, 'extmap-allow-mixed') !== undefined;
  const msidSemantic = first(s, 'msid-semantic');
  const media = d.media.map((sec): WebRtcMedia => {
    const m = sec.lines[0];
    const line = m.type === 'm' ? m.media : { kind: '', port: 0, protocol: '', formats: [] };
    const k = knowns(sec.lines);
    const dir = k.find((x) => DIRS.includes(x.name)) as { name: Direction } | undefined;
    const rtpmaps = all(k, 'rtpmap');
    const fmtps = all(k, 'fmtp');
    const fbs = all(k, 'rtcp-fb');
    const isRtp = /RTP\//.test(line.protocol);
    const codecs: Codec[] = isRtp
      ? line.formats.map((f) => {
          const pt = Number(f);
          const map = rtpmaps.find((r) => r.payloadType === pt);
          return {
            payloadType: pt,
            ...(map ? { name: map.encodingName, clockRate: map.clockRate } : {}),
            ...(map?.channels !== undefined ? { channels: map.channels } : {}),
            parameters: fmtps.filter((x) => x.format === f).flatMap((x) => x.parameters),
            feedback: fbs
              .filter((x) => x.payloadType === pt || x.payloadType === '*')
              .map((x) => (x.parameter !== undefined ? { type: x.type, parameter: x.parameter } : { type: x.type })),
          };
        })
      : [];
    const ssrcs: SsrcInfo[] = [];
    for (const a of all(k, 'ssrc')) {
      let e = ssrcs.find((x) => x.ssrc === a.ssrc) as { ssrc: number; cname?: string; attributes: { name: string; value?: string }[] } | undefined;
      if (!e) {
        e = { ssrc: a.ssrc, attributes: [] };
        ssrcs.push(e);
      }
      e.attributes.push(a.value !== undefined ? { name: a.attribute, value: a.value } : { name: a.attribute });
      if (a.attribute === 'cname' && e.cname === undefined && a.value !== undefined) e.cname = a.value;
    }
    const mfp = all(k, 'fingerprint').map((f) => f.fingerprint);
    const rtcp = first(k, 'rtcp');
    const sctpmap = first(k, 'sctpmap');
    const sim = first(k, 'simulcast');
    return {
      kind: line.kind,
      port: line.port,
      protocol: line.protocol,
      formats: line.formats,
      ...(connection(sec.lines) ? { connection: connection(sec.lines) } : {}),
      bandwidths: bandwidths(sec.lines),
      ...(first(k, 'mid') ? { mid: first(k, 'mid')!.mid } : {}),
      ...(dir ? { direction: dir.name } : {}),
      msids: all(k, 'msid').map((x) => (x.track !== undefined ? { stream: x.stream, track: x.track } : { stream: x.stream })),
      ...((first(k, 'ice-ufrag')?.ufrag ?? ufrag) !== undefined ? { iceUfrag: first(k, 'ice-ufrag')?.ufrag ?? ufrag } : {}),
      ...((first(k, 'ice-pwd')?.pwd ?? pwd) !== undefined ? { icePwd: first(k, 'ice-pwd')?.pwd ?? pwd } : {}),
      iceOptions: first(k, 'ice-options')?.options ?? iceOptions,
      fingerprints: mfp.length ? mfp : fingerprints,
      ...((first(k, 'setup')?.role ?? setup) !== undefined ? { setup: first(k, 'setup')?.role ?? setup } : {}),
      ...((first(k, 'tls-id')?.id ?? tlsId) !== undefined ? { tlsId: first(k, 'tls-id')?.id ?? tlsId } : {}),
      ...(rtcp ? { rtcp: rtcp.address !== undefined ? { port: rtcp.port, address: rtcp.address } : { port: rtcp.port } } : {}),
      rtcpMux: first(k, 'rtcp-mux') !== undefined,
      rtcpMuxOnly: first(k, 'rtcp-mux-only') !== undefined,
      rtcpRsize: first(k, 'rtcp-rsize') !== undefined,
      codecs,
      extmaps: all(k, 'extmap').map((x) => ({
        id: x.id,
        uri: x.uri,
        ...(x.direction ? { direction: x.direction } : {}),
        ...(x.attributes !== undefined ? { attributes: x.attributes } : {}),
      })),
      extmapAllowMixed: allowMixed || first(k, 'extmap-allow-mixed') !== undefined,
      ssrcs,
      ssrcGroups: all(k, 'ssrc-group').map((g) => ({ semantics: g.semantics, ssrcs: g.ssrcs })),
      rids: all(k, 'rid').map((r) => (r.params !== undefined ? { id: r.id, direction: r.direction, params: r.params } : { id: r.id, direction: r.direction })),
      ...(sim ? { simulcast: { ...(sim.send ? { send: sim.send } : {}), ...(sim.recv ? { recv: sim.recv } : {}) } } : {}),
      ...(first(k, 'sctp-port') ? { sctpPort: first(k, 'sctp-port')!.port } : {}),
      ...(first(k, 'max-message-size') ? { maxMessageSize: first(k, 'max-message-size')!.size } : {}),
      ...(sctpmap ? { sctpmap: sctpmap.streams !== undefined ? { number: sctpmap.number, app: sctpmap.app, streams: sctpmap.streams } : { number: sctpmap.number, app: sctpmap.app } } : {}),
      candidates: all(k, 'candidate').map((c) => c.candidate),
      endOfCandidates: first(k, 'end-of-candidates') !== undefined,
    };
  });
  return {
    origin: o && o.type === 'o' ? o.origin : { username: '', sessionId: '', sessionVersion: '', netType: '', addrType: '', address: '' },
    sessionName: name?.value ?? '',
    ...(connection(d.session) ? { connection: connection(d.session) } : {}),
    bandwidths: bandwidths(d.session),
    groups,
    bundle: groups.find((g) => g.semantics === 'BUNDLE')?.mids ?? [],
    ...(msidSemantic ? { msidSemantic: { semantics: msidSemantic.semantics, streams: msidSemantic.streams } } : {}),
    ...(ufrag !== undefined ? { iceUfrag: ufrag } : {}),
    ...(pwd !== undefined ? { icePwd: pwd } : {}),
    iceOptions,
    iceLite: first(s, 'ice-lite') !== undefined,
    fingerprints,
    ...(setup !== undefined ? { setup } : {}),
    ...(tlsId !== undefined ? { tlsId } : {}),
    extmapAllowMixed: allowMixed,
    media,
  };
}

/** The SCTP port of a data channel section, either form (RFC 8841 a=sctp-port, or legacy sctpmap). */
export function dataChannelPort(m: WebRtcMedia): number | undefined {
  if (m.sctpPort !== undefined) return m.sctpPort;
  if (m.sctpmap) return m.sctpmap.number;
  // Legacy "m=application <port> DTLS/SCTP 5000": the fmt is the SCTP port.
  if (m.protocol === 'DTLS/SCTP' && /^[0-9]+$/.test(m.formats[0] ?? '')) return Number(m.formats[0]);
  return undefined;
}
