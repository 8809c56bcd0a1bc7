import { formatAttributeValue, type KnownAttribute } from './attributes.ts';
import type { Attribute, LineData, LineEnding, SdpLine, SessionDescription } from './model.ts';

/**
 * Write a description back to text: every line's raw value and its own line ending, then the
 * trailer. For parsed input this is the input, byte for byte.
 */
export function serialize(d: SessionDescription): string {
  let out = '';
  for (const l of d.session) out += `${l.type}=${l.value}${l.eol}`;
  for (const m of d.media) for (const l of m.lines) out += `${l.type}=${l.value}${l.eol}`;
  return out + d.trailer;
}

/** The canonical value text for typed line data (what the builder writes). */
export function formatLineValue(d: LineData, raw?: string): string {
  switch (d.type) {
    case 'v':
      return String(d.version);
    case 'o': {
      const o = d.origin;
      return `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`;
    }
    case 'c':
      return `${d.connection.netType} ${d.connection.addrType} ${d.connection.address}`;
    case 'b':
      return `${d.bandwidth.type}:${d.bandwidth.bandwidth}`;
    case 't':
      return `${d.timing.start} ${d.timing.stop}`;
    case 'r':
    case 'z':
      return d.fields.join(' ');
    case 'k':
      return d.key !== undefined ? `${d.method}:${d.key}` : d.method;
    case 'a': {
      const a = d.attribute;
      return a.value !== undefined ? `${a.name}:${a.value}` : a.name;
    }
    case 'm': {
      const m = d.media;
      return `${m.kind} ${m.port}${m.portCount !== undefined ? '/' + m.portCount : ''} ${m.protocol} ${m.formats.join(' ')}`;
    }
    default:
      return raw ?? '';
  }
}

/** Build one line from typed data (line number 0, CRLF unless told otherwise). */
export function makeLine(d: LineData, eol: LineEnding = '\r\n', text?: string): SdpLine {
  return { ...d, value: text ?? formatLineValue(d), eol, line: 0 } as SdpLine;
}

/** An a= line for a typed attribute, e.g. attributeLine({ name: 'mid', mid: '0' }). */
export function attributeLine(known: KnownAttribute, eol: LineEnding = '\r\n'): SdpLine {
  const value = formatAttributeValue(known);
  const attribute: Attribute = value !== undefined ? { name: known.name, value, known } : { name: known.name, known };
  return makeLine({ type: 'a', attribute }, eol);
}

/** An a= line for an attribute we do not model (kept verbatim). */
export function rawAttributeLine(name: string, value?: string, eol: LineEnding = '\r\n'): SdpLine {
  const attribute: Attribute = value !== undefined ? { name, value } : { name };
  return makeLine({ type: 'a', attribute }, eol);
}

/** A text line (s=, i=, u=, e=, p=). */
export function textLine(type: 's' | 'i' | 'u' | 'e' | 'p', text: string, eol: LineEnding = '\r\n'): SdpLine {
  return makeLine({ type }, eol, text);
}
