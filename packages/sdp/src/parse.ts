import { ParseError } from '@rtcstack/common';
import { parseAttribute } from './attributes.ts';
import type { LineData, LineEnding, LineType, MediaSection, SdpLine, SessionDescription } from './model.ts';

/**
 * RFC 8866 parser. Errors are ParseError(layer 'sdp', field = the line type or "a=<name>",
 * offset = the 1-based LINE NUMBER (not a byte offset), reason).
 *
 * Lenient where browsers are (RFC 8866 §5 grammar otherwise): bare LF line endings, a last
 * line without an ending, trailing whitespace, attributes in any order, `a=` lines before `t=`,
 * empty lines at the very end. Strict where silence would hide a bug: unknown line types,
 * lines outside their section, malformed known attributes, empty lines in the middle.
 */

const SESSION_TYPES = new Set<string>(['i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'k', 'a']);
// RFC 8866 §5: a media description holds only m, i, c, b, k and a lines.
const MEDIA_TYPES = new Set<string>(['i', 'c', 'b', 'k', 'a']);
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const DIGITS = /^[0-9]+$/;

function fail(field: string, line: number, reason: string): never {
  throw new ParseError('sdp', field, line, reason);
}

interface RawLine {
  readonly text: string;
  readonly eol: LineEnding;
  readonly line: number;
}

/** Split into lines, remembering each line's ending; returns the trailing empty lines apart. */
export function splitLines(text: string): { lines: RawLine[]; trailer: string } {
  const lines: RawLine[] = [];
  let pos = 0;
  let n = 1;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    let end = nl < 0 ? text.length : nl;
    let eol: LineEnding = nl < 0 ? '' : '\n';
    if (nl >= 0 && end > pos && text.charCodeAt(end - 1) === 13) {
      end--;
      eol = '\r\n';
    }
    lines.push({ text: text.slice(pos, end), eol, line: n++ });
    pos = nl < 0 ? text.length : nl + 1;
  }
  let k = lines.length;
  while (k > 0 && lines[k - 1].text === '') k--;
  const trailer = lines
    .slice(k)
    .map((l) => l.eol)
    .join('');
  return { lines: lines.slice(0, k), trailer };
}

function words(v: string, field: string, line: number, count: number, what: string): string[] {
  const w = v.trimEnd().split(' ');
  if (w.length !== count || w.some((x) => x === '')) fail(field, line, `expects "${what}"`);
  return w;
}

function parseLine(type: LineType, v: string, line: number): LineData {
  switch (type) {
    case 'v':
      if (v.trimEnd() !== '0') fail('v', line, `unsupported version ${JSON.stringify(v)} (only 0)`);
      return { type, version: 0 };
    case 'o': {
      const w = words(v, 'o', line, 6, '<username> <sess-id> <sess-version> <nettype> <addrtype> <address>');
      if (!DIGITS.test(w[1])) fail('o', line, `sess-id ${JSON.stringify(w[1])} is not numeric`);
      if (!DIGITS.test(w[2])) fail('o', line, `sess-version ${JSON.stringify(w[2])} is not numeric`);
      const [username, sessionId, sessionVersion, netType, addrType, address] = w;
      return { type, origin: { username, sessionId, sessionVersion, netType, addrType, address } };
    }
    case 's':
    case 'i':
    case 'u':
    case 'e':
    case 'p':
      return { type };
    case 'c': {
      const [netType, addrType, address] = words(v, 'c', line, 3, '<nettype> <addrtype> <connection-address>');
      return { type, connection: { netType, addrType, address } };
    }
    case 'b': {
      const m = /^([A-Za-z0-9_.+-]+):([0-9]+)\s*$/.exec(v);
      if (!m || m[2].length > 15) fail('b', line, 'expects "<bwtype>:<bandwidth>"');
      return { type, bandwidth: { type: m[1], bandwidth: Number(m[2]) } };
    }
    case 't': {
      const [start, stop] = words(v, 't', line, 2, '<start-time> <stop-time>');
      if (!DIGITS.test(start) || !DIGITS.test(stop)) fail('t', line, 'times must be decimal NTP seconds');
      return { type, timing: { start, stop } };
    }
    case 'r':
    case 'z': {
      const fields = v.trim().split(/\s+/);
      if (fields[0] === '' || (type === 'r' && fields.length < 3) || (type === 'z' && fields.length % 2 !== 0)) {
        fail(type, line, type === 'r' ? 'expects "<interval> <duration> <offsets>..."' : 'expects "<time> <offset>" pairs');
      }
      return { type, fields };
    }
    case 'k': {
      const m = /^([A-Za-z0-9-]+)(?::(.*))?$/.exec(v.trimEnd());
      if (!m) fail('k', line, 'expects "<method>[:<key>]"');
      return m[2] !== undefined ? { type, method: m[1], key: m[2] } : { type, method: m[1] };
    }
    case 'a': {
      const colon = v.indexOf(':');
      const name = (colon < 0 ? v : v.slice(0, colon)).trimEnd();
      const value = colon < 0 ? undefined : v.slice(colon + 1);
      if (!TOKEN.test(name)) fail('a', line, `attribute name ${JSON.stringify(name)} is not a token`);
      const known = parseAttribute(name, value, line);
      const attribute = value !== undefined ? { name, value, ...(known ? { known } : {}) } : { name, ...(known ? { known } : {}) };
      return { type, attribute };
    }
    case 'm': {
      const w = v.trimEnd().split(' ');
      if (w.length < 4 || w.some((x) => x === '')) fail('m', line, 'expects "<media> <port> <proto> <fmt> ..."');
      const pm = /^([0-9]{1,5})(?:\/([0-9]{1,5}))?$/.exec(w[1]);
      if (!pm || Number(pm[1]) > 65535) fail('m', line, `port ${JSON.stringify(w[1])} is not 0..65535`);
      if (!TOKEN.test(w[0])) fail('m', line, `media ${JSON.stringify(w[0])} is not a token`);
      if (!/^[A-Za-z0-9_.+/-]+$/.test(w[2])) fail('m', line, `proto ${JSON.stringify(w[2])} is malformed`);
      const media = {
        kind: w[0],
        port: Number(pm[1]),
        ...(pm[2] !== undefined ? { portCount: Number(pm[2]) } : {}),
        protocol: w[2],
        formats: w.slice(3),
      };
      // RTP profiles carry payload type numbers (RFC 8866 §5.14).
      if (/RTP\//.test(media.protocol)) {
        for (const f of media.formats) {
          if (!DIGITS.test(f) || Number(f) > 127) fail('m', line, `RTP format ${JSON.stringify(f)} is not a payload type 0..127`);
        }
      }
      return { type, media };
    }
  }
}

/** Parse a session description. Throws ParseError naming the line number and the reason. */
export function parse(text: string): SessionDescription {
  if (typeof text !== 'string') fail('text', 0, 'input is not a string');
  const { lines, trailer } = splitLines(text);
  if (lines.length === 0) fail('v', 1, 'empty session description');
  const session: SdpLine[] = [];
  const media: { lines: SdpLine[] }[] = [];
  let sawT = false;
  let prev: LineType | undefined;
  for (let idx = 0; idx < lines.length; idx++) {
    const raw = lines[idx];
    const n = raw.line;
    if (raw.text === '') fail('line', n, 'empty line inside the description');
    if (raw.text.includes('\r')) fail('line', n, 'stray carriage return (CR without LF)');
    if (raw.text.includes('\0')) fail('line', n, 'NUL byte');
    const t = raw.text[0];
    if (raw.text[1] !== '=' || !/[a-z]/.test(t)) fail('line', n, `expected "<type>=<value>", got ${JSON.stringify(raw.text.slice(0, 20))}`);
    if (!(['v', 'o', 's', 'i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'k', 'a', 'm'] as const).includes(t as LineType)) {
      // RFC 8866 §5: a description with an unknown type letter must be rejected as a whole.
      fail(t, n, `unknown line type "${t}="`);
    }
    const type = t as LineType;
    const v = raw.text.slice(2);
    // RFC 8866 §5: v=, o=, s= come first and in that order.
    const expect = idx === 0 ? 'v' : idx === 1 ? 'o' : idx === 2 ? 's' : undefined;
    if (expect && type !== expect) fail(type, n, `line ${n} must be ${expect}=, got ${type}=`);
    if (!expect && (type === 'v' || type === 'o' || type === 's')) fail(type, n, `${type}= may appear only once, at the top`);
    if (type === 'r' && prev !== 't' && prev !== 'r') fail('r', n, 'r= must follow a t= line');
    const data = parseLine(type, v, n);
    const line = { ...data, value: v, eol: raw.eol, line: n } as SdpLine;
    if (type === 'm') {
      if (!sawT) fail('t', n, 'session section has no t= line');
      media.push({ lines: [line] });
    } else if (media.length > 0) {
      if (!MEDIA_TYPES.has(type)) fail(type, n, `${type}= is not allowed in a media section`);
      media[media.length - 1].lines.push(line);
    } else {
      if (idx >= 3 && !SESSION_TYPES.has(type)) fail(type, n, `${type}= is not allowed here`);
      if (type === 't') sawT = true;
      session.push(line);
    }
    prev = type;
  }
  if (!sawT) fail('t', lines.length, 'session section has no t= line');
  return { session, media: media as MediaSection[], trailer };
}
