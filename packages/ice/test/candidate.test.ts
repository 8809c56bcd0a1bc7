import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ParseError } from '@rtcstack/common';
import {
  Foundations,
  TYPE_PREFERENCE,
  candidateFromSdp,
  candidatePriority,
  candidateToSdp,
  pairPriority,
  pruneRedundant,
  splitPriority,
  type IceCandidate,
} from '../src/index.ts';

describe('candidate priority (RFC 8445 §5.1.2.1)', () => {
  // priority = 2^24*(type preference) + 2^8*(local preference) + (256 - component ID)
  test.each([
    ['host, local pref 65535, component 1', TYPE_PREFERENCE.host, 65535, 1, 2130706431],
    ['prflx, 65535, 1', TYPE_PREFERENCE.prflx, 65535, 1, 1862270975],
    ['srflx, 65535, 1', TYPE_PREFERENCE.srflx, 65535, 1, 1694498815],
    ['relay, 65535, 1', TYPE_PREFERENCE.relay, 65535, 1, 16777215],
    ['host, component 2 (RTCP)', 126, 65535, 2, 2130706430],
    ['all zero but component 256', 0, 0, 256, 0],
  ])('%s', (_name, t, l, c, want) => {
    expect(candidatePriority(t, l, c)).toBe(want);
    expect(splitPriority(want)).toEqual({ typePreference: t, localPreference: l, component: c });
  });

  test('type preferences are the RFC 8445 §5.1.2.2 recommendations', () => {
    expect(TYPE_PREFERENCE).toEqual({ host: 126, prflx: 110, srflx: 100, relay: 0 });
  });

  test.each([
    [127, 0, 1],
    [0, 65536, 1],
    [0, 0, 0],
    [0, 0, 257],
    [1.5, 0, 1],
  ])('out of range (%d, %d, %d) is a RangeError', (t, l, c) => {
    expect(() => candidatePriority(t, l, c)).toThrow(RangeError);
  });
});

describe('pair priority (RFC 8445 §6.1.2.3), exact in 64 bits', () => {
  const host = 2130706431;
  const srflx = 1694498815;
  test.each([
    // G (controlling), D (controlled), 2^32*MIN + 2*MAX + (G>D?1:0)
    ['host/host', host, host, (BigInt(host) << 32n) + 2n * BigInt(host)],
    ['G > D adds 1', host, srflx, (BigInt(srflx) << 32n) + 2n * BigInt(host) + 1n],
    ['G < D adds 0', srflx, host, (BigInt(srflx) << 32n) + 2n * BigInt(host)],
    ['maximum', 0xffffffff, 0xffffffff, 0xffffffffn * 2n ** 32n + 2n * 0xffffffffn],
  ])('%s', (_n, g, d, want) => {
    expect(pairPriority(g, d)).toBe(want);
  });

  test('the two agents compute the same priority for the same pair', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), (g, d) => {
        // Agent L (controlling) sees (local=g, remote=d); agent R (controlled) sees the same G, D.
        expect(pairPriority(g, d)).toBe(pairPriority(g, d));
        expect(pairPriority(g, d) < 2n ** 64n).toBe(true);
      }),
    );
  });

  test('a double would lose the tie-breaking bit', () => {
    const p = pairPriority(host, host - 1);
    expect(BigInt(Number(p)) === p).toBe(false);
  });
});

describe('foundations (§5.1.1.3) and redundancy (§5.1.3)', () => {
  test('same type, base IP, server and transport → same foundation', () => {
    const f = new Foundations();
    const a = f.get('host', '10.0.0.1', undefined);
    expect(f.get('host', '10.0.0.1', undefined)).toBe(a);
    expect(f.get('host', '10.0.0.2', undefined)).not.toBe(a);
    expect(f.get('srflx', '10.0.0.1', '198.51.100.1')).not.toBe(a);
    expect(f.get('srflx', '10.0.0.1', '198.51.100.2')).not.toBe(f.get('srflx', '10.0.0.1', '198.51.100.1'));
    expect(f.get('srflx', '10.0.0.1', '198.51.100.1')).toMatch(/^[A-Za-z0-9+/]{1,32}$/);
  });

  test('a srflx candidate equal to its host base is pruned, the higher priority kept', () => {
    const base = { address: '10.0.0.1', port: 5000 };
    const host: IceCandidate = { type: 'host', foundation: '1', component: 1, transport: 'udp', priority: candidatePriority(126, 65535, 1), address: '10.0.0.1', port: 5000, base };
    const srflx: IceCandidate = { ...host, type: 'srflx', foundation: '2', priority: candidatePriority(100, 65535, 1) };
    const other: IceCandidate = { ...srflx, address: '203.0.113.1' };
    expect(pruneRedundant([srflx, host, other])).toEqual([host, other]);
  });
});

describe('candidate lines via @rtcstack/sdp (RFC 8839 §5.1)', () => {
  test('round trip of a relay candidate', () => {
    const c: IceCandidate = {
      type: 'relay', foundation: '4', component: 1, transport: 'udp', priority: 16777215,
      address: '198.51.100.7', port: 49170, relatedAddress: '203.0.113.1', relatedPort: 31568,
    };
    const line = candidateToSdp(c);
    expect(line).toBe('candidate:4 1 udp 16777215 198.51.100.7 49170 typ relay raddr 203.0.113.1 rport 31568');
    expect(candidateFromSdp(line)).toMatchObject(c);
  });

  test('Chromium mDNS and TCP candidates are marked unsupported', () => {
    expect(candidateFromSdp('candidate:1 1 udp 2122260223 6b1f3d8e-0d32-4b8c-9a5e-1b2c3d4e5f60.local 54400 typ host generation 0').unsupported).toBe('hostname');
    expect(candidateFromSdp('candidate:2 1 tcp 1518280447 10.0.0.1 9 typ host tcptype active').unsupported).toBe('tcp');
  });

  test('bad text is a ParseError', () => {
    expect(() => candidateFromSdp('candidate:1 1 udp x 10.0.0.1 1 typ host')).toThrow(ParseError);
  });
});
