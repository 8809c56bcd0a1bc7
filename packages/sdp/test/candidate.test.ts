import { describe, expect, test } from 'vitest';
import { ParseError } from '@rtcstack/common';
import { addressKind, formatCandidate, parseCandidate } from '../src/index.ts';

// Candidate lines below are the shapes RFC 8839 §5.1 allows; the real ones from browsers are
// in test-vectors (libwebrtc-candidates.json, chime-sdp.json and the captured descriptions).
const HOST = 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host';

describe('RFC 8839 §5.1 candidate grammar', () => {
  test.each([
    ['bare value', HOST.slice('candidate:'.length)],
    ['candidate: prefix', HOST],
    ['a=candidate: prefix', `a=${HOST}`],
    ['with CRLF', `a=${HOST}\r\n`],
  ])('accepts the %s form', (_n, text) => {
    const c = parseCandidate(text);
    expect(c).toMatchObject({ foundation: '1', component: 1, transport: 'udp', priority: 2122260223, address: '192.0.2.1', port: 54400, type: 'host' });
    expect(formatCandidate(c)).toBe(HOST);
  });

  test('srflx with raddr/rport, then extension pairs in order', () => {
    const text = 'candidate:842163049 1 udp 1677729535 198.51.100.7 52200 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag gydc network-id 3 network-cost 999';
    const c = parseCandidate(text);
    expect(c).toMatchObject({ type: 'srflx', relatedAddress: '0.0.0.0', relatedPort: 0, generation: 0, ufrag: 'gydc', networkId: 3, networkCost: 999 });
    expect(formatCandidate(c)).toBe(text);
  });

  test('formatCandidate writes convenience fields in Chrome order when no extension list is given', () => {
    const c = { foundation: 'x', component: 1, transport: 'tcp', priority: 1, address: '::1', port: 9, type: 'host' as const, tcpType: 'active' as const, generation: 0, networkCost: 10 };
    expect(formatCandidate(c)).toBe('candidate:x 1 tcp 1 ::1 9 typ host tcptype active generation 0 network-cost 10');
  });

  test.each([
    ['192.0.2.1', 'ipv4'],
    ['2001:db8::1', 'ipv6'],
    ['::1', 'ipv6'],
    ['2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local', 'mdns'],
    ['turn.example.com', 'fqdn'],
    ['256.1.1.1', undefined],
    ['225555.55.555.555', undefined],
    ['2001:db8::1::2', undefined],
    ['-bad-.example', undefined],
  ])('address %s is %s', (a, kind) => {
    expect(addressKind(a)).toBe(kind);
  });

  test.each([
    ['too few fields', 'candidate:1 1 udp 1 192.0.2.1 1 typ', 'candidate'],
    ['double space', 'candidate:1  1 udp 1 192.0.2.1 1 typ host', 'candidate'],
    ['foundation longer than 32', `candidate:${'a'.repeat(33)} 1 udp 1 192.0.2.1 1 typ host`, 'candidate.foundation'],
    ['foundation with a bad character', 'candidate:a-b 1 udp 1 192.0.2.1 1 typ host', 'candidate.foundation'],
    ['component 0', 'candidate:1 0 udp 1 192.0.2.1 1 typ host', 'candidate.component'],
    ['component 257', 'candidate:1 257 udp 1 192.0.2.1 1 typ host', 'candidate.component'],
    ['unknown transport', 'candidate:1 1 sctp 1 192.0.2.1 1 typ host', 'candidate.transport'],
    ['priority above 2^32-1', 'candidate:1 1 udp 4294967296 192.0.2.1 1 typ host', 'candidate.priority'],
    ['bad address', 'candidate:1 1 udp 1 999.0.2.1 1 typ host', 'candidate.address'],
    ['port above 65535', 'candidate:1 1 udp 1 192.0.2.1 65536 typ host', 'candidate.port'],
    ['missing typ', 'candidate:1 1 udp 1 192.0.2.1 1 type host', 'candidate.typ'],
    ['raddr without rport', 'candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 10.0.0.1', 'candidate.raddr'],
    ['extension without value', 'candidate:1 1 udp 1 192.0.2.1 1 typ host generation', 'candidate.extension'],
    ['non-numeric generation', 'candidate:1 1 udp 1 192.0.2.1 1 typ host generation x', 'candidate.generation'],
    ['TCP without tcptype', 'candidate:1 1 tcp 1 192.0.2.1 9 typ host', 'candidate.tcptype'],
  ])('rejects %s', (_n, text, field) => {
    let err: unknown;
    try {
      parseCandidate(text, 7);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).field).toBe(field);
    expect((err as ParseError).offset).toBe(7);
  });
});
