import { ParseError } from '@rtcstack/common';
import { parseCandidate, formatCandidate, type Candidate } from './candidate.ts';

/**
 * The attributes WebRTC uses, parsed to typed values. Anything not listed here stays an
 * unknown attribute (name + raw value) and is written back untouched.
 */
export const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** RFC 4145 §4 / RFC 5763 §5. */
export const SETUP_ROLES = ['actpass', 'active', 'passive', 'holdconn'] as const;
export type SetupRole = (typeof SETUP_ROLES)[number];

/** RFC 8122 §5 hash functions and the digest length each implies, in bytes. */
export const HASH_FUNCTIONS = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64, md5: 16, md2: 16 } as const;
export type HashFunction = keyof typeof HASH_FUNCTIONS;

export interface Fingerprint {
  /** Lowercase hash function name as RFC 8122 registers it ("sha-256"). */
  readonly algorithm: HashFunction;
  /** Uppercase colon-separated hex as written ("6B:8B:..."). */
  readonly value: string;
}

export interface FmtpParameter {
  readonly name: string;
  /** Absent for bare items such as telephone-event's "0-15" or RED's "111/111". */
  readonly value?: string;
}

export interface SimulcastStream {
  readonly rid: string;
  readonly paused: boolean;
}
/** RFC 8853 §5.1: a list of streams, each a list of alternative formats (`a,b;c` = [[a,b],[c]]). */
export type SimulcastList = readonly (readonly SimulcastStream[])[];

export type KnownAttribute =
  | { readonly name: 'group'; readonly semantics: string; readonly mids: readonly string[] }
  | { readonly name: 'msid-semantic'; readonly semantics: string; readonly streams: readonly string[] }
  | { readonly name: 'msid'; readonly stream: string; readonly track?: string }
  | { readonly name: 'mid'; readonly mid: string }
  | { readonly name: Direction }
  | { readonly name: 'ice-ufrag'; readonly ufrag: string }
  | { readonly name: 'ice-pwd'; readonly pwd: string }
  | { readonly name: 'ice-options'; readonly options: readonly string[] }
  | { readonly name: 'ice-lite' }
  | { readonly name: 'fingerprint'; readonly fingerprint: Fingerprint }
  | { readonly name: 'setup'; readonly role: SetupRole }
  | { readonly name: 'tls-id'; readonly id: string }
  | {
      readonly name: 'rtcp';
      readonly port: number;
      readonly netType?: string;
      readonly addrType?: string;
      readonly address?: string;
    }
  | { readonly name: 'rtcp-mux' }
  | { readonly name: 'rtcp-mux-only' }
  | { readonly name: 'rtcp-rsize' }
  | {
      readonly name: 'rtpmap';
      readonly payloadType: number;
      readonly encodingName: string;
      readonly clockRate: number;
      readonly channels?: number;
    }
  | { readonly name: 'fmtp'; readonly format: string; readonly parameters: readonly FmtpParameter[] }
  | { readonly name: 'rtcp-fb'; readonly payloadType: number | '*'; readonly type: string; readonly parameter?: string }
  | {
      readonly name: 'extmap';
      readonly id: number;
      readonly direction?: Direction;
      readonly uri: string;
      readonly attributes?: string;
    }
  | { readonly name: 'extmap-allow-mixed' }
  | { readonly name: 'ssrc'; readonly ssrc: number; readonly attribute: string; readonly value?: string }
  | { readonly name: 'ssrc-group'; readonly semantics: string; readonly ssrcs: readonly number[] }
  | { readonly name: 'rid'; readonly id: string; readonly direction: 'send' | 'recv'; readonly params?: string }
  | { readonly name: 'simulcast'; readonly send?: SimulcastList; readonly recv?: SimulcastList }
  | { readonly name: 'sctp-port'; readonly port: number }
  | { readonly name: 'max-message-size'; readonly size: number }
  | { readonly name: 'sctpmap'; readonly number: number; readonly app: string; readonly streams?: number }
  | { readonly name: 'candidate'; readonly candidate: Candidate }
  | { readonly name: 'end-of-candidates' };

export type KnownAttributeName = KnownAttribute['name'];

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const DIGITS = /^[0-9]+$/;
const NON_WS = /^\S+$/;
const RID_ID = /^[A-Za-z0-9_-]+$/;
const HEX_PAIRS = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/;

function fail(field: string, reason: string, line: number): never {
  throw new ParseError('sdp', field, line, reason);
}

function uint(s: string | undefined, field: string, line: number, max: number): number {
  if (s === undefined || !DIGITS.test(s) || s.length > String(max).length || Number(s) > max) {
    fail(field, `${JSON.stringify(s ?? '')} is not an integer in 0..${max}`, line);
  }
  return Number(s);
}

function words(v: string): string[] {
  const t = v.trim();
  return t === '' ? [] : t.split(/[ \t]+/);
}

/** Property attributes (no value) that we understand. */
const FLAGS = new Set<string>([
  ...DIRECTIONS,
  'ice-lite',
  'rtcp-mux',
  'rtcp-mux-only',
  'rtcp-rsize',
  'extmap-allow-mixed',
  'end-of-candidates',
]);

function simulcastList(s: string, line: number): SimulcastList {
  return s.split(';').map((alt) =>
    alt.split(',').map((r) => {
      // draft-ietf-mmusic-sdp-simulcast (Firefox <= 67) wrote "rid=a;b": accept the prefix.
      const paused = r.startsWith('~');
      const rid = paused ? r.slice(1) : r;
      if (!RID_ID.test(rid)) fail('simulcast', `${JSON.stringify(r)} is not a rid-id`, line);
      return { rid, paused };
    }),
  );
}

/**
 * Parse the value of a known attribute. Returns undefined for attributes we do not model
 * (they are kept verbatim). Throws ParseError naming the attribute and `line` when a known
 * attribute is malformed. Trailing whitespace is tolerated, as browsers do.
 */
export function parseAttribute(name: string, value: string | undefined, line: number): KnownAttribute | undefined {
  const field = `a=${name}`;
  if (FLAGS.has(name)) {
    if (value !== undefined && value.trim() !== '') fail(field, 'takes no value', line);
    return { name } as KnownAttribute;
  }
  const v = value?.trimEnd();
  const need = (): string => {
    if (v === undefined || v === '') fail(field, 'needs a value', line);
    return v;
  };
  switch (name) {
    case 'group': {
      // RFC 5888 §5: a=group:<semantics> *(SP identification-tag)
      const [semantics, ...mids] = words(need());
      if (!TOKEN.test(semantics)) fail(field, `bad semantics ${JSON.stringify(semantics)}`, line);
      return { name, semantics, mids };
    }
    case 'msid-semantic': {
      // Chrome writes "msid-semantic: WMS <id>..." (a space after the colon).
      const [semantics, ...streams] = words(need());
      return { name, semantics, streams };
    }
    case 'msid': {
      // RFC 8830 §2: msid-id [SP msid-appdata]
      const w = words(need());
      if (w.length > 2) fail(field, 'expects "<stream> [<track>]"', line);
      return w.length === 2 ? { name, stream: w[0], track: w[1] } : { name, stream: w[0] };
    }
    case 'mid': {
      const mid = need();
      if (!NON_WS.test(mid)) fail(field, 'identification-tag must be one token', line);
      return { name, mid };
    }
    case 'ice-ufrag':
    case 'ice-pwd': {
      const s = need();
      if (!NON_WS.test(s)) fail(field, 'must be one token', line);
      return name === 'ice-ufrag' ? { name, ufrag: s } : { name, pwd: s };
    }
    case 'ice-options':
      return { name, options: words(need()) };
    case 'fingerprint': {
      // RFC 8122 §5: hash-func SP fingerprint (2UHEX *(":" 2UHEX))
      const w = words(need());
      if (w.length !== 2) fail(field, 'expects "<hash-func> <hex:hex:...>"', line);
      const algorithm = w[0].toLowerCase();
      if (!(algorithm in HASH_FUNCTIONS)) fail(field, `unknown hash function ${JSON.stringify(w[0])}`, line);
      if (!HEX_PAIRS.test(w[1])) fail(field, 'fingerprint is not colon-separated hex pairs', line);
      const len = HASH_FUNCTIONS[algorithm as HashFunction];
      if ((w[1].length + 1) / 3 !== len) fail(field, `${algorithm} fingerprint must be ${len} bytes`, line);
      return { name, fingerprint: { algorithm: algorithm as HashFunction, value: w[1] } };
    }
    case 'setup': {
      const role = need();
      if (!(SETUP_ROLES as readonly string[]).includes(role)) fail(field, `unknown role ${JSON.stringify(role)}`, line);
      return { name, role: role as SetupRole };
    }
    case 'tls-id': {
      // RFC 8842 §4: 20..255 of ALPHA / DIGIT / "+" / "/" / "-" / "_"
      const id = need();
      if (!/^[A-Za-z0-9+/_-]{20,255}$/.test(id)) fail(field, 'must be 20..255 base64url-like characters', line);
      return { name, id };
    }
    case 'rtcp': {
      // RFC 3605 §2.1: port [nettype SP addrtype SP connection-address]
      const w = words(need());
      if (w.length !== 1 && w.length !== 4) fail(field, 'expects "<port> [IN IP4|IP6 <address>]"', line);
      const port = uint(w[0], field, line, 65535);
      return w.length === 1 ? { name, port } : { name, port, netType: w[1], addrType: w[2], address: w[3] };
    }
    case 'rtpmap': {
      // RFC 8866 §6.6: <payload type> <encoding name>/<clock rate>[/<encoding parameters>]
      const m = /^([0-9]{1,3}) ([^/\s]+)\/([0-9]+)(?:\/([0-9]+))?$/.exec(need());
      if (!m) fail(field, 'expects "<pt> <name>/<clock rate>[/<channels>]"', line);
      const payloadType = uint(m[1], field, line, 127);
      const clockRate = uint(m[3], field, line, 0xffffffff);
      return m[4] !== undefined
        ? { name, payloadType, encodingName: m[2], clockRate, channels: uint(m[4], field, line, 255) }
        : { name, payloadType, encodingName: m[2], clockRate };
    }
    case 'fmtp': {
      // RFC 8866 §6.15: <format> <format specific parameters>; ';'-separated key=value pairs
      const m = /^(\S+) (.*)$/.exec(need());
      if (!m) fail(field, 'expects "<format> <parameters>"', line);
      const parameters = m[2]
        .split(';')
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .map((p): FmtpParameter => {
          const eq = p.indexOf('=');
          return eq < 0 ? { name: p } : { name: p.slice(0, eq).trim(), value: p.slice(eq + 1).trim() };
        });
      return { name, format: m[1], parameters };
    }
    case 'rtcp-fb': {
      // RFC 4585 §4.2: rtcp-fb-pt SP rtcp-fb-val
      const w = words(need());
      if (w.length < 2) fail(field, 'expects "<pt|*> <type> [<parameter>]"', line);
      const payloadType = w[0] === '*' ? '*' : uint(w[0], field, line, 127);
      const parameter = w.slice(2).join(' ');
      return parameter ? { name, payloadType, type: w[1], parameter } : { name, payloadType, type: w[1] };
    }
    case 'extmap': {
      // RFC 8285 §8: <value>["/"<direction>] <URI> <extensionattributes>
      const m = /^([0-9]+)(?:\/(\S+))? (\S+)(?: (.*))?$/.exec(need());
      if (!m) fail(field, 'expects "<id>[/<direction>] <uri> [<attributes>]"', line);
      // 1..14 fit the one-byte header, up to 255 the two-byte one; 4096..4351 are offer-only.
      const id = uint(m[1], field, line, 4351);
      if (id < 1 || (id > 255 && id < 4096)) fail(field, `extension id ${id} is not 1..255`, line);
      if (m[2] !== undefined && !(DIRECTIONS as readonly string[]).includes(m[2])) {
        fail(field, `unknown direction ${JSON.stringify(m[2])}`, line);
      }
      return {
        name,
        id,
        ...(m[2] !== undefined ? { direction: m[2] as Direction } : {}),
        uri: m[3],
        ...(m[4] !== undefined ? { attributes: m[4] } : {}),
      };
    }
    case 'ssrc': {
      // RFC 5576 §4.1: <ssrc-id> <attribute>[:<value>]
      const m = /^([0-9]+) ([^:\s]+)(?::(.*))?$/.exec(need());
      if (!m) fail(field, 'expects "<ssrc> <attribute>[:<value>]"', line);
      const ssrc = uint(m[1], field, line, 0xffffffff);
      return m[3] !== undefined ? { name, ssrc, attribute: m[2], value: m[3] } : { name, ssrc, attribute: m[2] };
    }
    case 'ssrc-group': {
      // RFC 5576 §4.2: <semantics> *(SP <ssrc-id>)
      const [semantics, ...rest] = words(need());
      if (!TOKEN.test(semantics)) fail(field, `bad semantics ${JSON.stringify(semantics)}`, line);
      return { name, semantics, ssrcs: rest.map((s) => uint(s, field, line, 0xffffffff)) };
    }
    case 'rid': {
      // RFC 8851 §10: rid-id SP rid-dir [SP rid-pt-param-list / rid-param-list]
      const m = /^(\S+) (send|recv)(?: (\S.*))?$/.exec(need());
      if (!m) fail(field, 'expects "<rid-id> send|recv [<params>]"', line);
      if (!RID_ID.test(m[1])) fail(field, `${JSON.stringify(m[1])} is not a rid-id`, line);
      const dir = m[2] as 'send' | 'recv';
      return m[3] !== undefined ? { name, id: m[1], direction: dir, params: m[3] } : { name, id: m[1], direction: dir };
    }
    case 'simulcast': {
      // RFC 8853 §5.1: sc-value = ( sc-send [SP sc-recv] ) / ( sc-recv [SP sc-send] )
      const w = words(need());
      let send: SimulcastList | undefined;
      let recv: SimulcastList | undefined;
      if (w.length !== 2 && w.length !== 4) fail(field, 'expects "send|recv <list> [recv|send <list>]"', line);
      for (let i = 0; i < w.length; i += 2) {
        const list = simulcastList(w[i + 1].replace(/^rid=/, ''), line);
        if (w[i] === 'send' && !send) send = list;
        else if (w[i] === 'recv' && !recv) recv = list;
        else fail(field, `unexpected ${JSON.stringify(w[i])}`, line);
      }
      return { name, ...(send ? { send } : {}), ...(recv ? { recv } : {}) };
    }
    case 'sctp-port':
      // RFC 8841 §5.2
      return { name, port: uint(need(), field, line, 65535) };
    case 'max-message-size':
      // RFC 8841 §6.2
      return { name, size: uint(need(), field, line, Number.MAX_SAFE_INTEGER) };
    case 'sctpmap': {
      // draft-ietf-mmusic-sctp-sdp-05 §4.1 (legacy): <number> <app> [<streams>]
      const w = words(need());
      if (w.length !== 2 && w.length !== 3) fail(field, 'expects "<port> <app> [<streams>]"', line);
      const number = uint(w[0], field, line, 65535);
      return w.length === 3
        ? { name, number, app: w[1], streams: uint(w[2], field, line, 65535) }
        : { name, number, app: w[1] };
    }
    case 'candidate':
      return { name, candidate: parseCandidate(need(), line) };
    default:
      return undefined;
  }
}

function list(l: SimulcastList): string {
  return l.map((alts) => alts.map((s) => (s.paused ? '~' : '') + s.rid).join(',')).join(';');
}

/** The attribute value (text after "a=<name>:") for a typed attribute; undefined for flags. */
export function formatAttributeValue(a: KnownAttribute): string | undefined {
  switch (a.name) {
    case 'group':
      return [a.semantics, ...a.mids].join(' ');
    case 'msid-semantic':
      // Chrome's spelling, with the space after the colon.
      return ' ' + [a.semantics, ...a.streams].join(' ');
    case 'msid':
      return a.track !== undefined ? `${a.stream} ${a.track}` : a.stream;
    case 'mid':
      return a.mid;
    case 'ice-ufrag':
      return a.ufrag;
    case 'ice-pwd':
      return a.pwd;
    case 'ice-options':
      return a.options.join(' ');
    case 'fingerprint':
      return `${a.fingerprint.algorithm} ${a.fingerprint.value}`;
    case 'setup':
      return a.role;
    case 'tls-id':
      return a.id;
    case 'rtcp':
      return a.address !== undefined ? `${a.port} ${a.netType} ${a.addrType} ${a.address}` : String(a.port);
    case 'rtpmap':
      return `${a.payloadType} ${a.encodingName}/${a.clockRate}${a.channels !== undefined ? '/' + a.channels : ''}`;
    case 'fmtp':
      return `${a.format} ${a.parameters.map((p) => (p.value !== undefined ? `${p.name}=${p.value}` : p.name)).join(';')}`;
    case 'rtcp-fb':
      return `${a.payloadType} ${a.type}${a.parameter !== undefined ? ' ' + a.parameter : ''}`;
    case 'extmap':
      return `${a.id}${a.direction ? '/' + a.direction : ''} ${a.uri}${a.attributes !== undefined ? ' ' + a.attributes : ''}`;
    case 'ssrc':
      return `${a.ssrc} ${a.attribute}${a.value !== undefined ? ':' + a.value : ''}`;
    case 'ssrc-group':
      return [a.semantics, ...a.ssrcs.map(String)].join(' ');
    case 'rid':
      return `${a.id} ${a.direction}${a.params !== undefined ? ' ' + a.params : ''}`;
    case 'simulcast': {
      const parts: string[] = [];
      if (a.send) parts.push('send', list(a.send));
      if (a.recv) parts.push('recv', list(a.recv));
      return parts.join(' ');
    }
    case 'sctp-port':
      return String(a.port);
    case 'max-message-size':
      return String(a.size);
    case 'sctpmap':
      return `${a.number} ${a.app}${a.streams !== undefined ? ' ' + a.streams : ''}`;
    case 'candidate':
      return formatCandidate(a.candidate).slice('candidate:'.length);
    default:
      return undefined;
  }
}
