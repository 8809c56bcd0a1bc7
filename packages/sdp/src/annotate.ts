import type { KnownAttribute } from './attributes.ts';
import type { SdpLine, SessionDescription } from './model.ts';

/** A few words on what a typed attribute's value says (empty when the name says it all). */
function describeKnown(k: KnownAttribute): string {
  switch (k.name) {
    case 'candidate': {
      const c = k.candidate;
      const rel = c.relatedAddress !== undefined ? `, from ${c.relatedAddress}:${c.relatedPort}` : '';
      const tcp = c.tcpType ? ` ${c.tcpType}` : '';
      return `${c.type} ${c.transport.toLowerCase()}${tcp} ${c.address}:${c.port}, component ${c.component}, priority ${c.priority}${rel}`;
    }
    case 'rtpmap':
      return `PT ${k.payloadType} = ${k.encodingName} at ${k.clockRate} Hz${k.channels !== undefined ? `, ${k.channels} ch` : ''}`;
    case 'setup':
      return {
        actpass: 'either role; the answerer picks',
        active: 'we are the DTLS client',
        passive: 'we are the DTLS server',
        holdconn: 'no connection yet',
      }[k.role];
    case 'fingerprint':
      return `${k.fingerprint.algorithm} of the certificate`;
    case 'group':
      return `${k.semantics} over mids ${k.mids.join(', ') || '(none)'}`;
    case 'extmap':
      return `id ${k.id}${k.direction ? ' ' + k.direction : ''}`;
    case 'simulcast':
      return [k.send ? `send ${k.send.length} stream(s)` : '', k.recv ? `recv ${k.recv.length} stream(s)` : ''].filter(Boolean).join(', ');
    default:
      return '';
  }
}

/**
 * A line-by-line explanation of a description: what each line means and which RFC defines it.
 * Used by `npm run sdp -- FILE` and the lab.
 */
export const LINE_MEANINGS = {
  v: ['protocol version (always 0)', 'RFC 8866 §5.1'],
  o: ['origin: username, session id, session version, address of the creator', 'RFC 8866 §5.2'],
  s: ['session name ("-" in WebRTC)', 'RFC 8866 §5.3'],
  i: ['session or media information (free text)', 'RFC 8866 §5.4'],
  u: ['URI with more information', 'RFC 8866 §5.5'],
  e: ['email address of the person responsible', 'RFC 8866 §5.6'],
  p: ['phone number of the person responsible', 'RFC 8866 §5.6'],
  c: ['connection data: network type, address type, address', 'RFC 8866 §5.7'],
  b: ['bandwidth limit (AS = kbit/s application-specific, TIAS = bit/s)', 'RFC 8866 §5.8, RFC 3890'],
  t: ['timing: start and stop time ("0 0" = permanent session)', 'RFC 8866 §5.9'],
  r: ['repeat times', 'RFC 8866 §5.10'],
  z: ['time zone adjustments', 'RFC 8866 §5.11'],
  k: ['encryption key (obsolete, not used by WebRTC)', 'RFC 8866 §5.12'],
  a: ['attribute', 'RFC 8866 §5.13'],
  m: ['media description: kind, port, transport protocol, formats; starts a media section', 'RFC 8866 §5.14'],
} as const;

export const ATTRIBUTE_MEANINGS: Readonly<Record<string, readonly [string, string]>> = {
  group: ['media sections grouped by mid (BUNDLE = one shared transport)', 'RFC 5888, RFC 8843'],
  'msid-semantic': ['which media stream id semantics are in use (WMS)', 'draft-ietf-mmusic-msid (legacy)'],
  msid: ['media stream id and track id this section sends', 'RFC 8830'],
  mid: ['media identification tag: names this section for BUNDLE and RTP MID', 'RFC 5888 §4, RFC 8843'],
  sendrecv: ['direction: send and receive', 'RFC 8866 §6.7, RFC 3264'],
  sendonly: ['direction: send only', 'RFC 8866 §6.7, RFC 3264'],
  recvonly: ['direction: receive only', 'RFC 8866 §6.7, RFC 3264'],
  inactive: ['direction: neither send nor receive', 'RFC 8866 §6.7, RFC 3264'],
  'ice-ufrag': ['ICE username fragment (STUN USERNAME part)', 'RFC 8839 §5.4'],
  'ice-pwd': ['ICE password (STUN MESSAGE-INTEGRITY key)', 'RFC 8839 §5.4'],
  'ice-options': ['ICE options: trickle = candidates may follow later, ice2 = RFC 8445', 'RFC 8839 §5.6, RFC 8840'],
  'ice-lite': ['this side is an ICE lite agent (answers checks, does not send them)', 'RFC 8839 §5.3'],
  candidate: ['ICE candidate', 'RFC 8839 §5.1'],
  'end-of-candidates': ['no more candidates will follow (trickle ICE)', 'RFC 8840 §8.2'],
  fingerprint: ['DTLS certificate hash the peer must match', 'RFC 8122 §5'],
  setup: ['DTLS role', 'RFC 4145 §4, RFC 8842'],
  'tls-id': ['identifies the DTLS association (changes on DTLS restart)', 'RFC 8842 §4'],
  rtcp: ['port (and address) for RTCP, ignored with rtcp-mux', 'RFC 3605'],
  'rtcp-mux': ['RTP and RTCP share one port', 'RFC 5761, RFC 8858'],
  'rtcp-mux-only': ['RTP/RTCP multiplexing is mandatory', 'RFC 8858'],
  'rtcp-rsize': ['reduced-size RTCP allowed', 'RFC 5506'],
  rtpmap: ['codec', 'RFC 8866 §6.6'],
  fmtp: ['codec-specific parameters for a payload type', 'RFC 8866 §6.15'],
  'rtcp-fb': ['RTCP feedback the codec supports (nack, pli, fir, transport-cc, ...)', 'RFC 4585 §4.2'],
  extmap: ['RTP header extension', 'RFC 8285 §8'],
  'extmap-allow-mixed': ['one-byte and two-byte header extensions may be mixed', 'RFC 8285 §6'],
  ssrc: ['a property (cname, msid, ...) of an RTP source', 'RFC 5576 §4.1'],
  'ssrc-group': ['relates SSRCs: FID = RTX repair stream, SIM = simulcast', 'RFC 5576 §4.2'],
  rid: ['RTP stream id: names one encoding (simulcast layer) and its restrictions', 'RFC 8851'],
  simulcast: ['the rid streams sent/received as simulcast', 'RFC 8853'],
  'sctp-port': ['SCTP port for the data channel association', 'RFC 8841 §5'],
  'max-message-size': ['largest SCTP user message the receiver accepts', 'RFC 8841 §6'],
  sctpmap: ['legacy data channel form: port, app, stream count', 'draft-ietf-mmusic-sctp-sdp-05'],
  ptime: ['packet duration in ms', 'RFC 8866 §6.4'],
  maxptime: ['maximum packet duration in ms', 'RFC 8866 §6.5'],
  crypto: ['SDES keys (not used by WebRTC, which uses DTLS-SRTP)', 'RFC 4568'],
};

/** One line's meaning and reference. */
export function explainLine(l: SdpLine): { meaning: string; rfc: string } {
  if (l.type === 'a') {
    const m = ATTRIBUTE_MEANINGS[l.attribute.name];
    const detail = l.attribute.known ? describeKnown(l.attribute.known) : '';
    if (m) return { meaning: detail ? `${m[0]}: ${detail}` : m[0], rfc: m[1] };
    return { meaning: `attribute "${l.attribute.name}" (not modelled; kept verbatim)`, rfc: 'RFC 8866 §5.13' };
  }
  if (l.type === 'm') {
    const m = l.media;
    const data = m.kind === 'application' ? 'data channels over SCTP/DTLS' : `${m.kind} over ${m.protocol}`;
    return { meaning: `media section: ${data}, port ${m.port}, formats ${m.formats.join(' ')}`, rfc: 'RFC 8866 §5.14' };
  }
  const [meaning, rfc] = LINE_MEANINGS[l.type];
  return { meaning, rfc };
}

/** Annotated listing: every line as written, then "# meaning (RFC)". */
export function annotate(d: SessionDescription): string {
  const out: string[] = [];
  const width = 56;
  const emit = (l: SdpLine): void => {
    const text = `${l.type}=${l.value}`;
    const { meaning, rfc } = explainLine(l);
    const shown = text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width);
    out.push(`${String(l.line || '').padStart(3)}  ${shown}  # ${meaning} (${rfc})`);
  };
  out.push('---- session section ----');
  d.session.forEach(emit);
  d.media.forEach((m, i) => {
    out.push(`---- media section ${i} ----`);
    m.lines.forEach(emit);
  });
  return out.join('\n');
}
