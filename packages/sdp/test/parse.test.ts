import { describe, expect, test } from 'vitest';
import { ParseError } from '@rtcstack/common';
import { parse, serialize, webrtcView } from '../src/index.ts';

const MIN = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
const sdp = (lines: string[], eol = '\r\n', last = eol) => lines.join(eol) + last;

function error(text: string): ParseError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('parsed an input that must be rejected');
}

describe('RFC 8866 §5: lines, line endings, round trip', () => {
  test.each([
    ['CRLF (RFC 8866 §5)', sdp(MIN)],
    ['bare LF (accepted, as browsers do)', sdp(MIN, '\n')],
    ['no line ending on the last line', sdp(MIN, '\r\n', '')],
    ['mixed endings are kept per line', 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\ns=-\r\nt=0 0\n'],
    ['trailing whitespace kept', sdp([...MIN, 'a=sendrecv  ', 'a=mid:0 '])],
    ['empty lines after the end kept', sdp(MIN) + '\r\n\r\n'],
    ['unknown attributes stay in place', sdp([...MIN, 'a=x-foo:bar baz', 'm=audio 9 RTP/AVP 0', 'a=x-google-flag:conference', 'a=rtcp-mux'])],
  ])('%s', (_name, text) => {
    expect(serialize(parse(text))).toBe(text);
  });

  test('unknown attributes keep their position among known ones', () => {
    const d = parse(sdp([...MIN, 'm=audio 9 RTP/AVP 0', 'a=mid:a', 'a=bundle-only', 'a=sendonly']));
    const names = d.media[0].lines.flatMap((l) => (l.type === 'a' ? [l.attribute.name] : []));
    expect(names).toEqual(['mid', 'bundle-only', 'sendonly']);
    expect(d.media[0].lines[2].type === 'a' && d.media[0].lines[2].attribute.known).toBeUndefined();
  });

  test('every line records its line number', () => {
    const d = parse(sdp([...MIN, 'm=audio 9 RTP/AVP 0', 'a=rtcp-mux']));
    expect(d.session.map((l) => l.line)).toEqual([1, 2, 3, 4]);
    expect(d.media[0].lines.map((l) => l.line)).toEqual([5, 6]);
  });
});

describe('errors name the line and the reason (ParseError.offset is a LINE number for SDP)', () => {
  test.each([
    ['empty input', '', 1, 'v', /empty/],
    ['first line not v=', sdp(['o=- 1 2 IN IP4 0.0.0.0', 's=-', 't=0 0']), 1, 'o', /must be v=/],
    ['version 1', sdp(['v=1', ...MIN.slice(1)]), 1, 'v', /version/],
    ['o= with five fields', sdp(['v=0', 'o=- 1 IN IP4 0.0.0.0', 's=-', 't=0 0']), 2, 'o', /expects/],
    ['o= non-numeric session id', sdp(['v=0', 'o=- x 2 IN IP4 0.0.0.0', 's=-', 't=0 0']), 2, 'o', /sess-id/],
    ['missing s=', sdp(['v=0', 'o=- 1 2 IN IP4 0.0.0.0', 't=0 0']), 3, 't', /must be s=/],
    ['no t= line', sdp(MIN.slice(0, 3).concat(['m=audio 9 RTP/AVP 0'])), 4, 't', /no t=/],
    ['unknown line type', sdp([...MIN, 'x=1']), 5, 'x', /unknown line type/],
    ['space before =', sdp([...MIN, 'a =sendrecv']), 5, 'line', /<type>=<value>/],
    ['upper-case type', sdp([...MIN, 'A=sendrecv']), 5, 'line', /<type>=<value>/],
    ['empty line in the middle', sdp([...MIN.slice(0, 2), '', ...MIN.slice(2)]), 3, 'line', /empty line/],
    ['stray CR', 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\rs=-\r\nt=0 0\r\n', 2, 'line', /carriage return/],
    ['t= inside a media section', sdp([...MIN, 'm=audio 9 RTP/AVP 0', 't=0 0']), 6, 't', /not allowed in a media section/],
    ['r= without t=', sdp([...MIN.slice(0, 3), 'r=1 2 3', 't=0 0']), 4, 'r', /follow a t=/],
    ['m= port out of range', sdp([...MIN, 'm=audio 70000 RTP/AVP 0']), 5, 'm', /port/],
    ['m= without formats', sdp([...MIN, 'm=audio 9 RTP/AVP']), 5, 'm', /expects/],
    ['RTP format not a payload type', sdp([...MIN, 'm=audio 9 RTP/AVP opus']), 5, 'm', /payload type/],
    ['b= without a number', sdp([...MIN, 'b=AS:lots']), 5, 'b', /bwtype/],
    ['bad fingerprint length', sdp([...MIN, 'a=fingerprint:sha-256 AB:CD']), 5, 'a=fingerprint', /32 bytes/],
    ['unknown hash function', sdp([...MIN, 'a=fingerprint:sha-3 AB:CD']), 5, 'a=fingerprint', /unknown hash/],
    ['unknown setup role', sdp([...MIN, 'a=setup:server']), 5, 'a=setup', /unknown role/],
    ['rtpmap without clock rate', sdp([...MIN, 'm=audio 9 RTP/AVP 111', 'a=rtpmap:111 opus']), 6, 'a=rtpmap', /clock rate/],
    ['extmap id 0', sdp([...MIN, 'a=extmap:0 urn:x']), 5, 'a=extmap', /1\.\.255/],
    ['extmap bad direction', sdp([...MIN, 'a=extmap:1/both urn:x']), 5, 'a=extmap', /direction/],
    ['ssrc out of range', sdp([...MIN, 'a=ssrc:4294967296 cname:x']), 5, 'a=ssrc', /0\.\.4294967295/],
    ['sctp-port not a number', sdp([...MIN, 'a=sctp-port:five']), 5, 'a=sctp-port', /integer/],
    ['flag attribute with a value', sdp([...MIN, 'a=rtcp-mux:yes']), 5, 'a=rtcp-mux', /no value/],
    ['rid with a bad direction', sdp([...MIN, 'a=rid:1 both']), 5, 'a=rid', /send\|recv/],
    ['candidate with a bad port', sdp([...MIN, 'a=candidate:1 1 udp 1 1.2.3.4 99999 typ host']), 5, 'candidate.port', /port/],
    ['ice-ufrag with a space', sdp([...MIN, 'a=ice-ufrag:ab cd']), 5, 'a=ice-ufrag', /one token/],
  ])('%s', (_name, text, line, field, reason) => {
    const e = error(text);
    expect(e.layer).toBe('sdp');
    expect(e.offset).toBe(line);
    expect(e.field).toBe(field);
    expect(e.reason).toMatch(reason);
  });
});

describe('lenient where browsers need it', () => {
  test('a missing a=setup is not an error (the view leaves setup undefined)', () => {
    const v = webrtcView(parse(sdp([...MIN, 'm=audio 9 UDP/TLS/RTP/SAVPF 0', 'a=mid:0'])));
    expect(v.media[0].setup).toBeUndefined();
  });
  test('attributes in any order: fmtp before rtpmap still gathers into one codec', () => {
    const v = webrtcView(parse(sdp([...MIN, 'm=audio 9 RTP/AVP 111', 'a=fmtp:111 minptime=10', 'a=rtcp-fb:111 nack', 'a=rtpmap:111 opus/48000/2'])));
    expect(v.media[0].codecs[0]).toEqual({
      payloadType: 111,
      name: 'opus',
      clockRate: 48000,
      channels: 2,
      parameters: [{ name: 'minptime', value: '10' }],
      feedback: [{ type: 'nack' }],
    });
  });
  test('trailing whitespace on a known attribute does not change its value', () => {
    const v = webrtcView(parse(sdp([...MIN, 'a=ice-ufrag:abcd ', 'a=setup:actpass\t'])));
    expect(v.iceUfrag).toBe('abcd');
    expect(v.setup).toBe('actpass');
  });
  test("Chrome's 'msid-semantic: WMS' (space after the colon)", () => {
    const v = webrtcView(parse(sdp([...MIN, 'a=msid-semantic: WMS a b'])));
    expect(v.msidSemantic).toEqual({ semantics: 'WMS', streams: ['a', 'b'] });
  });
});

describe('JSEP checks in webrtcView (RFC 8829 §5.8), errors still name the line', () => {
  const view = (lines: string[]) => () => webrtcView(parse(sdp([...MIN, ...lines])));
  test.each([
    ['two mids in a section', ['m=audio 9 RTP/AVP 0', 'a=mid:a', 'a=mid:b'], 7, 'a=mid', /second a=mid .*line 6/],
    ['two directions', ['m=audio 9 RTP/AVP 0', 'a=sendrecv', 'a=inactive'], 7, 'a=inactive', /second direction/],
    ['duplicate mid across sections', ['m=audio 9 RTP/AVP 0', 'a=mid:a', 'm=video 9 RTP/AVP 96', 'a=mid:a'], 8, 'a=mid', /already used on line 6/],
    ['two setup lines', ['a=setup:active', 'a=setup:passive'], 6, 'a=setup', /second a=setup/],
    ['rtpmap twice for one PT', ['m=audio 9 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:0 PCMA/8000'], 7, 'a=rtpmap', /second a=rtpmap 0/],
    ['BUNDLE naming an unknown mid', ['a=group:BUNDLE a b', 'm=audio 9 RTP/AVP 0', 'a=mid:a'], 5, 'a=group', /"b"/],
  ])('%s', (_n, lines, line, field, reason) => {
    let err: unknown;
    try {
      view(lines)();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect(err).toMatchObject({ offset: line, field });
    expect((err as ParseError).reason).toMatch(reason);
  });
});

describe('the WebRTC view', () => {
  const text = sdp([
    ...MIN,
    'a=ice-lite',
    'a=group:BUNDLE a v d',
    'a=ice-ufrag:sess',
    'a=ice-pwd:sessionpasswordsessionpw',
    'a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB',
    'a=setup:passive',
    'm=audio 9 UDP/TLS/RTP/SAVPF 0 8',
    'b=TIAS:64000',
    'a=mid:a',
    'a=ice-ufrag:own',
    'a=rtcp-mux-only',
    'a=rtcp:9',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'b=AS:512',
    'a=mid:v',
    'a=tls-id:abcdefghijklmnopqrstuvwxyz',
    'a=inactive',
    'a=extmap:3/recvonly urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=simulcast:recv 1,~2;3 send 4',
    'a=ssrc-group:SIM 1 2 3',
    'm=application 9 DTLS/SCTP 5000',
    'a=mid:d',
    'a=end-of-candidates',
  ]);
  const v = webrtcView(parse(text));
  test('session: ice-lite, BUNDLE, ICE and DTLS defaults', () => {
    expect(v.iceLite).toBe(true);
    expect(v.bundle).toEqual(['a', 'v', 'd']);
    expect(v.fingerprints[0].algorithm).toBe('sha-1');
  });
  test('media inherit session-level ufrag/pwd/fingerprint/setup unless they set their own (RFC 8839 §5.4)', () => {
    expect(v.media[0].iceUfrag).toBe('own');
    expect(v.media[1].iceUfrag).toBe('sess');
    expect(v.media[1].icePwd).toBe('sessionpasswordsessionpw');
    expect(v.media[2].setup).toBe('passive');
    expect(v.media[1].fingerprints).toHaveLength(1);
  });
  test('bandwidth, rtcp-mux-only, rtcp port, direction, tls-id, extmap direction', () => {
    expect(v.media[0].bandwidths).toEqual([{ type: 'TIAS', bandwidth: 64000 }]);
    expect(v.media[1].bandwidths).toEqual([{ type: 'AS', bandwidth: 512 }]);
    expect(v.media[0].rtcpMuxOnly).toBe(true);
    expect(v.media[0].rtcp).toEqual({ port: 9 });
    expect(v.media[0].direction).toBeUndefined();
    expect(v.media[1].direction).toBe('inactive');
    expect(v.media[1].tlsId).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(v.media[1].extmaps).toEqual([{ id: 3, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', direction: 'recvonly' }]);
  });
  test('simulcast alternatives and paused streams (RFC 8853 §5.1)', () => {
    expect(v.media[1].simulcast).toEqual({
      recv: [[{ rid: '1', paused: false }, { rid: '2', paused: true }], [{ rid: '3', paused: false }]],
      send: [[{ rid: '4', paused: false }]],
    });
    expect(v.media[1].ssrcGroups).toEqual([{ semantics: 'SIM', ssrcs: [1, 2, 3] }]);
  });
  test('legacy data section: the SCTP port is the m= format', () => {
    expect(v.media[2].codecs).toEqual([]);
    expect(v.media[2].endOfCandidates).toBe(true);
  });
});
