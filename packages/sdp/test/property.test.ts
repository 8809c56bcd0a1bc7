import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { isParseError } from '@rtcstack/common';
import { loadVectorFile } from '@rtcstack/test-support';
import {
  formatAttributeValue,
  formatCandidate,
  parse,
  parseAttribute,
  parseCandidate,
  serialize,
  webrtcView,
  type Candidate,
  type KnownAttribute,
} from '../src/index.ts';

// Properties (fast-check): typed values survive format -> parse; generated descriptions
// survive parse -> serialize byte for byte; random and mutated text only ever raises ParseError.

const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const iceChars = fc.stringMatching(/^[A-Za-z0-9+/]{1,32}$/);
const u8 = fc.integer({ min: 0, max: 255 });
const hexPairs = (n: number) =>
  fc.array(u8, { minLength: n, maxLength: n }).map((b) => b.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':'));
const direction = fc.constantFrom('sendrecv', 'sendonly', 'recvonly', 'inactive' as const);
const ipv4 = fc.ipV4();
const mdns = fc.uuid().map((u) => `${u}.local`);
const address = fc.oneof(ipv4, fc.ipV6(), mdns);

const candidate: fc.Arbitrary<Candidate> = fc
  .record({
    foundation: iceChars,
    component: fc.integer({ min: 1, max: 256 }),
    tcp: fc.boolean(),
    priority: fc.integer({ min: 0, max: 0xffffffff }),
    address,
    port: fc.integer({ min: 0, max: 65535 }),
    type: fc.constantFrom('host', 'srflx', 'prflx', 'relay' as const),
    related: fc.option(fc.tuple(ipv4, fc.integer({ min: 0, max: 65535 })), { nil: undefined }),
    tcpType: fc.constantFrom('active', 'passive', 'so' as const),
    generation: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    ufrag: fc.option(iceChars, { nil: undefined }),
    networkId: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    networkCost: fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
  })
  .map((r) => ({
    foundation: r.foundation,
    component: r.component,
    transport: r.tcp ? 'tcp' : 'udp',
    priority: r.priority,
    address: r.address,
    port: r.port,
    type: r.type,
    ...(r.related ? { relatedAddress: r.related[0], relatedPort: r.related[1] } : {}),
    ...(r.tcp ? { tcpType: r.tcpType } : {}),
    ...(r.generation !== undefined ? { generation: r.generation } : {}),
    ...(r.ufrag !== undefined ? { ufrag: r.ufrag } : {}),
    ...(r.networkId !== undefined ? { networkId: r.networkId } : {}),
    ...(r.networkCost !== undefined ? { networkCost: r.networkCost } : {}),
  }));

const simList = fc.array(fc.array(fc.record({ rid: token, paused: fc.boolean() }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });
const pt = fc.integer({ min: 0, max: 127 });

const known: fc.Arbitrary<KnownAttribute> = fc.oneof(
  fc.record({ name: fc.constant('group' as const), semantics: fc.constantFrom('BUNDLE', 'LS'), mids: fc.array(token, { maxLength: 4 }) }),
  fc.record({ name: fc.constant('msid' as const), stream: token, track: token }),
  fc.record({ name: fc.constant('mid' as const), mid: token }),
  direction.map((name) => ({ name })),
  fc.record({ name: fc.constant('ice-ufrag' as const), ufrag: iceChars }),
  fc.record({ name: fc.constant('ice-pwd' as const), pwd: iceChars }),
  fc.record({ name: fc.constant('ice-options' as const), options: fc.array(token, { minLength: 1, maxLength: 3 }) }),
  fc.constantFrom('ice-lite', 'rtcp-mux', 'rtcp-mux-only', 'rtcp-rsize', 'extmap-allow-mixed', 'end-of-candidates' as const).map((name) => ({ name })),
  fc.constantFrom(['sha-1', 20], ['sha-256', 32], ['sha-384', 48], ['sha-512', 64] as const).chain(([algorithm, n]) =>
    hexPairs(n).map((value) => ({ name: 'fingerprint' as const, fingerprint: { algorithm, value } })),
  ),
  fc.record({ name: fc.constant('setup' as const), role: fc.constantFrom('actpass', 'active', 'passive', 'holdconn' as const) }),
  fc.record({ name: fc.constant('tls-id' as const), id: fc.stringMatching(/^[A-Za-z0-9+/_-]{20,40}$/) }),
  fc.record({ name: fc.constant('rtcp' as const), port: fc.integer({ min: 0, max: 65535 }), netType: fc.constant('IN'), addrType: fc.constant('IP4'), address: ipv4 }),
  fc.record({
    name: fc.constant('rtpmap' as const),
    payloadType: pt,
    encodingName: token,
    clockRate: fc.integer({ min: 1, max: 1_000_000 }),
    channels: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({
    name: fc.constant('fmtp' as const),
    format: pt.map(String),
    parameters: fc.array(fc.record({ name: token, value: token }), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ name: fc.constant('rtcp-fb' as const), payloadType: fc.oneof(pt, fc.constant('*' as const)), type: token, parameter: token }),
  fc.record({ name: fc.constant('extmap' as const), id: fc.integer({ min: 1, max: 255 }), direction, uri: fc.webUrl() }),
  fc.record({ name: fc.constant('ssrc' as const), ssrc: fc.integer({ min: 0, max: 0xffffffff }), attribute: fc.constantFrom('cname', 'msid'), value: token }),
  fc.record({ name: fc.constant('ssrc-group' as const), semantics: fc.constantFrom('FID', 'SIM', 'FEC'), ssrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ name: fc.constant('rid' as const), id: token, direction: fc.constantFrom('send', 'recv' as const) }),
  fc.record({ name: fc.constant('simulcast' as const), send: simList, recv: simList }),
  fc.record({ name: fc.constant('sctp-port' as const), port: fc.integer({ min: 0, max: 65535 }) }),
  fc.record({ name: fc.constant('max-message-size' as const), size: fc.integer({ min: 0, max: 2 ** 40 }) }),
  fc.record({ name: fc.constant('sctpmap' as const), number: fc.integer({ min: 0, max: 65535 }), app: fc.constant('webrtc-datachannel'), streams: fc.integer({ min: 0, max: 65535 }) }),
  candidate.map((c) => ({ name: 'candidate' as const, candidate: c })),
);

function attrText(a: KnownAttribute): string {
  const v = formatAttributeValue(a);
  return v === undefined ? `a=${a.name}` : `a=${a.name}:${v}`;
}

describe('typed values round-trip', () => {
  test('parseCandidate(formatCandidate(c)) gives c back (RFC 8839 §5.1)', () => {
    fc.assert(
      fc.property(candidate, (c) => {
        const back = parseCandidate(formatCandidate(c));
        expect(formatCandidate(back)).toBe(formatCandidate(c));
        const { extensions: _e, ...rest } = back;
        expect(rest).toEqual(c);
      }),
      { numRuns: 300 },
    );
  });
  test('parseAttribute(formatAttributeValue(a)) gives a back', () => {
    fc.assert(
      fc.property(known, (a) => {
        const back = parseAttribute(a.name, formatAttributeValue(a), 1);
        expect(back && formatAttributeValue(back)).toEqual(formatAttributeValue(a));
        if (a.name !== 'candidate') expect(back).toEqual(a);
      }),
      { numRuns: 500 },
    );
  });
});

// A generated description: canonical lines for the fixed fields, typed attributes formatted
// by us, unknown attributes, random per-line endings and trailing whitespace.
const eol = fc.constantFrom('\r\n', '\n');
const unknownAttr = fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,10}$/), fc.option(fc.stringMatching(/^[ -~]{0,20}$/), { nil: undefined })).map(([n, v]) =>
  v === undefined ? `a=${n}` : `a=${n}:${v}`,
);
const attrLine = fc.tuple(fc.oneof({ weight: 4, arbitrary: known.map(attrText) }, { weight: 1, arbitrary: unknownAttr }), fc.constantFrom('', '', '', ' '));
const media = fc.tuple(
  fc.constantFrom('audio', 'video', 'application', 'text'),
  fc.integer({ min: 0, max: 65535 }),
  fc.constantFrom('UDP/TLS/RTP/SAVPF', 'RTP/AVP', 'UDP/DTLS/SCTP', 'DTLS/SCTP'),
  fc.array(pt, { minLength: 1, maxLength: 5 }),
  fc.option(fc.constantFrom('b=AS:30', 'b=TIAS:128000'), { nil: undefined }),
  fc.array(attrLine, { maxLength: 8 }),
).map(([kind, port, proto, pts, bw, attrs]) => {
  const fmts = proto.includes('RTP') ? pts.join(' ') : proto === 'DTLS/SCTP' ? '5000' : 'webrtc-datachannel';
  return [`m=${kind} ${port} ${proto} ${fmts}`, 'c=IN IP4 0.0.0.0', ...(bw ? [bw] : []), ...attrs.map(([l, ws]) => l + ws)];
});
const description = fc
  .record({
    user: fc.constantFrom('-', 'jdoe', 'mozilla...THIS_IS_SDPARTA-99.0'),
    sid: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    name: fc.stringMatching(/^[ -~]{0,20}$/),
    extras: fc.subarray(['i=info', 'u=http://example.com/x', 'e=a@example.com', 'p=+1 555 0100', 'c=IN IP4 224.2.1.1/127', 'b=AS:2000']),
    repeat: fc.boolean(),
    attrs: fc.array(attrLine, { maxLength: 6 }),
    media: fc.array(media, { maxLength: 4 }),
    endings: fc.array(eol, { minLength: 200, maxLength: 200 }),
    lastEol: fc.boolean(),
    trailer: fc.constantFrom('', '', '\r\n'),
  })
  .map((r) => {
    const lines = [
      'v=0',
      `o=${r.user} ${r.sid} 2 IN IP4 127.0.0.1`,
      `s=${r.name}`,
      ...r.extras,
      't=0 0',
      ...(r.repeat ? ['r=604800 3600 0 90000'] : []),
      ...r.attrs.map(([l, ws]) => l + ws),
      ...r.media.flat(),
    ];
    const text = lines.map((l, i) => l + (i === lines.length - 1 && !r.lastEol ? '' : r.endings[i % 200])).join('');
    return text + (r.lastEol ? r.trailer : '');
  });

describe('RFC 8866 round trip', () => {
  test('serialize(parse(x)) === x for generated descriptions', () => {
    fc.assert(
      fc.property(description, (text) => {
        expect(serialize(parse(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

function onlyParseError(text: string): void {
  try {
    const d = parse(text);
    // Whatever we accept, we write back unchanged.
    expect(serialize(d)).toBe(text);
    webrtcView(d);
  } catch (e) {
    if (!isParseError(e)) throw e;
  }
}

describe('hostile input only ever raises ParseError', () => {
  test('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), onlyParseError), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), onlyParseError), { numRuns: 300 });
  });
  test('random lines of SDP shape', () => {
    const line = fc.tuple(fc.constantFrom(...'vosiuepcbtrzkamx'), fc.stringMatching(/^[ -~]{0,40}$/)).map(([t, v]) => `${t}=${v}`);
    fc.assert(fc.property(fc.array(line, { maxLength: 20 }), eol, (ls, e) => onlyParseError(['v=0', ...ls].join(e))), { numRuns: 500 });
  });
  test('mutated real browser descriptions', () => {
    const seeds = loadVectorFile('chromium-sdp.json').cases.map((c) => (c.input as { sdp: string }).sdp);
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 10 }) }),
      fc.record({ op: fc.constant('swapLines' as const), at: fc.nat(), len: fc.nat() }),
      fc.record({ op: fc.constant('dupLine' as const), at: fc.nat(), len: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, ms) => {
        let s = seed;
        for (const m of ms) {
          if (m.op === 'delete') {
            const at = m.at % (s.length + 1);
            s = s.slice(0, at) + s.slice(at + m.len);
          } else if (m.op === 'insert') {
            const at = m.at % (s.length + 1);
            s = s.slice(0, at) + m.text + s.slice(at);
          } else {
            const ls = s.split('\r\n');
            const i = m.at % ls.length;
            const j = m.len % ls.length;
            if (m.op === 'swapLines') [ls[i], ls[j]] = [ls[j], ls[i]];
            else ls.splice(i, 0, ls[i]);
            s = ls.join('\r\n');
          }
        }
        onlyParseError(s);
      }),
      { numRuns: 1000 },
    );
  });
});
