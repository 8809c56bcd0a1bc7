import { describe, expect, it } from 'vitest';
import { readU32, writeU32 } from '@rtcstack/common';
import {
  ChunkType,
  SctpAssociation,
  decodePacket,
  encodePacket,
  writeChecksum,
  type InitChunk,
} from '../src/index.ts';
import { drain } from './harness.ts';
import { seededRandom } from '@rtcstack/common';

/** Two associations wired by hand so a test can look at, alter or drop each packet. */
function handPair() {
  const a = new SctpAssociation({ random: seededRandom(11) });
  const b = new SctpAssociation({ random: seededRandom(12) });
  return { a, b };
}
const first = (pkts: Uint8Array[]): Uint8Array => {
  expect(pkts.length).toBeGreaterThan(0);
  return pkts[0];
};
function establish(a: SctpAssociation, b: SctpAssociation, now = 0): void {
  a.connect(now);
  b.handleInput(now, first(drain(a).packets)); // INIT
  a.handleInput(now, first(drain(b).packets)); // INIT ACK
  b.handleInput(now, first(drain(a).packets)); // COOKIE ECHO
  a.handleInput(now, first(drain(b).packets)); // COOKIE ACK
  expect(a.state).toBe('ESTABLISHED');
  expect(b.state).toBe('ESTABLISHED');
}
/** Re-sign a modified packet with a correct CRC32c so only the intended check can fail. */
function resign(p: Uint8Array): Uint8Array {
  const q = p.slice();
  writeChecksum(q);
  return q;
}

describe('state cookie (RFC 9260 §5.1.3, §5.1.5)', () => {
  it('the responder keeps no state after INIT: still CLOSED, nothing but an INIT ACK', () => {
    const { a, b } = handPair();
    a.connect(0);
    b.handleInput(0, first(drain(a).packets));
    const out = drain(b);
    expect(b.state).toBe('CLOSED');
    expect(out.packets.length).toBe(1);
    expect(decodePacket(out.packets[0]).chunks[0].type).toBe(ChunkType.INIT_ACK);
  });

  it('a tampered cookie is rejected and counted; the responder stays CLOSED', () => {
    const { a, b } = handPair();
    a.connect(0);
    b.handleInput(0, first(drain(a).packets));
    a.handleInput(0, first(drain(b).packets));
    const echo = first(drain(a).packets).slice();
    const p = decodePacket(echo);
    expect(p.chunks[0].type).toBe(ChunkType.COOKIE_ECHO);
    echo[16 + 20] ^= 0x01; // a byte inside the cookie body (the peer's tag)
    b.handleInput(1, resign(echo));
    expect(b.stats.badCookie).toBe(1);
    expect(b.state).toBe('CLOSED');
    expect(drain(b).packets.length).toBe(0);
  });

  it('a cookie older than Valid.Cookie.Life gets a Stale Cookie ERROR and no association', () => {
    const a = new SctpAssociation({ random: seededRandom(1) });
    const b = new SctpAssociation({ random: seededRandom(2), cookieLifetimeMs: 1000 });
    a.connect(0);
    b.handleInput(0, first(drain(a).packets));
    a.handleInput(0, first(drain(b).packets));
    b.handleInput(5000, first(drain(a).packets));
    expect(b.stats.staleCookie).toBe(1);
    expect(b.state).toBe('CLOSED');
    const err = decodePacket(first(drain(b).packets));
    const chunk = err.chunks[0];
    expect(chunk.type).toBe(ChunkType.ERROR);
    expect('causes' in chunk && chunk.causes[0].code).toBe(3);
    expect(err.verificationTag).toBe(a.verificationTags.local);
  });
});

describe('COOKIE ECHO checks in the order of RFC 9260 §5.1.5', () => {
  // Step 2: MAC, step 3: verification tag, step 4: lifetime. Each row breaks one thing and names
  // the one counter that must move; nothing else may be answered or created.
  const cases = [
    { name: 'step 2: tampered cookie', tamper: true, wrongTag: false, late: false, counter: 'badCookie', reply: [] as number[] },
    { name: 'step 2: tampered and late: still only a bad MAC', tamper: true, wrongTag: false, late: true, counter: 'badCookie', reply: [] },
    { name: 'step 3: wrong verification tag', tamper: false, wrongTag: true, late: false, counter: 'badVerificationTag', reply: [] },
    { name: 'step 3 before 4: wrong tag on an expired cookie gets no Stale Cookie ERROR', tamper: false, wrongTag: true, late: true, counter: 'badVerificationTag', reply: [] },
    { name: 'step 4: expired cookie, right tag: Stale Cookie ERROR', tamper: false, wrongTag: false, late: true, counter: 'staleCookie', reply: [ChunkType.ERROR] },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const a = new SctpAssociation({ random: seededRandom(31) });
      const b = new SctpAssociation({ random: seededRandom(32), cookieLifetimeMs: 1000 });
      a.connect(0);
      b.handleInput(0, first(drain(a).packets));
      a.handleInput(0, first(drain(b).packets));
      const echo = first(drain(a).packets).slice();
      if (c.tamper) echo[16 + 20] ^= 0x01;
      if (c.wrongTag) writeU32(echo, 4, (readU32(echo, 4) ^ 0x00ff00ff) >>> 0);
      b.handleInput(c.late ? 5000 : 1, resign(echo));
      const counters = { badCookie: b.stats.badCookie, badVerificationTag: b.stats.badVerificationTag, staleCookie: b.stats.staleCookie };
      expect(counters).toEqual({ badCookie: 0, badVerificationTag: 0, staleCookie: 0, [c.counter]: 1 });
      expect(b.state).toBe('CLOSED');
      expect(drain(b).packets.map((p) => decodePacket(p).chunks[0].type)).toEqual(c.reply);
    });
  }
});

describe('stale cookies and live associations (§5.2.4 step 3, §5.2.6)', () => {
  it('a stale COOKIE ECHO whose tags match the live association is still answered with COOKIE ACK', () => {
    const a = new SctpAssociation({ random: seededRandom(21) });
    const b = new SctpAssociation({ random: seededRandom(22), cookieLifetimeMs: 1000 });
    a.connect(0);
    b.handleInput(0, first(drain(a).packets));
    a.handleInput(0, first(drain(b).packets));
    const echo = first(drain(a).packets);
    b.handleInput(10, echo);
    expect(b.state).toBe('ESTABLISHED');
    drain(b); // the COOKIE ACK is lost
    b.handleInput(90_000, echo); // a's retransmission, long after the cookie's lifetime
    const reply = drain(b).packets.map((p) => decodePacket(p).chunks[0].type);
    expect(reply).toEqual([ChunkType.COOKIE_ACK]);
    expect(b.stats.staleCookie).toBe(0);
    a.handleInput(90_001, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: a.verificationTags.local, chunks: [{ type: ChunkType.COOKIE_ACK, tBit: false }] }));
    expect(a.state).toBe('ESTABLISHED');
  });

  it('a Stale Cookie ERROR in COOKIE-ECHOED sends the initiator back to COOKIE-WAIT with a new INIT', () => {
    const a = new SctpAssociation({ random: seededRandom(23) });
    const b = new SctpAssociation({ random: seededRandom(24), cookieLifetimeMs: 1000 });
    a.connect(0);
    b.handleInput(0, first(drain(a).packets));
    a.handleInput(0, first(drain(b).packets));
    b.handleInput(5000, first(drain(a).packets)); // arrives stale: b answers ERROR(Stale Cookie)
    a.handleInput(5001, first(drain(b).packets));
    expect(a.state).toBe('COOKIE-WAIT');
    const again = drain(a).packets.map((p) => decodePacket(p).chunks[0].type);
    expect(again).toEqual([ChunkType.INIT]);
  });
});

describe('verification tag rules (RFC 9260 §8.5) and checksum', () => {
  it('a packet with the wrong verification tag is dropped and counted', () => {
    const { a, b } = handPair();
    establish(a, b);
    a.send(1, 0, 51, new Uint8Array([1, 2, 3]));
    const pkt = first(drain(a).packets).slice();
    writeU32(pkt, 4, (b.verificationTags.local ^ 0x5a5a5a5a) >>> 0);
    b.handleInput(2, resign(pkt));
    expect(b.stats.badVerificationTag).toBe(1);
    expect(drain(b).events.some((e) => e.type === 'message')).toBe(false);
  });

  it('a packet with a bad CRC32c is dropped and counted', () => {
    const { a, b } = handPair();
    establish(a, b);
    a.send(1, 0, 51, new Uint8Array([1, 2, 3]));
    const pkt = first(drain(a).packets).slice();
    pkt[pkt.length - 2] ^= 0xff;
    b.handleInput(2, pkt);
    expect(b.stats.badChecksum).toBe(1);
    expect(drain(b).events.some((e) => e.type === 'message')).toBe(false);
  });

  it('truncated and garbage packets count as parse errors and never throw', () => {
    const { a, b } = handPair();
    establish(a, b);
    b.handleInput(1, new Uint8Array(5));
    const junk = resign(new Uint8Array([0x13, 0x88, 0x13, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]));
    b.handleInput(1, junk);
    expect(b.stats.parseErrors).toBe(2);
    expect(b.state).toBe('ESTABLISHED');
  });

  it('INIT must carry verification tag 0 (§8.5.1 A)', () => {
    const { a, b } = handPair();
    a.connect(0);
    const init = first(drain(a).packets).slice();
    writeU32(init, 4, 1234);
    b.handleInput(0, resign(init));
    expect(b.stats.badVerificationTag).toBe(1);
    expect(drain(b).packets.length).toBe(0);
  });

  it('ABORT: own tag with T=0 or the peer tag with T=1 is accepted, anything else dropped (§8.5.1 B)', () => {
    for (const [tBit, useOwn, accepted] of [
      [false, true, true],
      [true, false, true],
      [false, false, false],
      [true, true, false],
    ] as const) {
      const { a, b } = handPair();
      establish(a, b);
      const tags = b.verificationTags;
      const vtag = useOwn ? tags.local : tags.peer;
      b.handleInput(1, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: vtag, chunks: [{ type: ChunkType.ABORT, tBit, causes: [] }] }));
      expect(b.state === 'CLOSED').toBe(accepted);
      if (!accepted) expect(b.stats.badVerificationTag).toBe(1);
    }
  });

  it('SHUTDOWN COMPLETE follows the same T-bit rule (§8.5.1 C)', () => {
    const { a, b } = handPair();
    establish(a, b);
    b.shutdown(1);
    // Move b to SHUTDOWN-SENT and a to SHUTDOWN-ACK-SENT by hand.
    a.handleInput(1, first(drain(b).packets));
    expect(a.state).toBe('SHUTDOWN-ACK-SENT');
    const wrong = encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 77, chunks: [{ type: ChunkType.SHUTDOWN_COMPLETE, tBit: false }] });
    a.handleInput(2, wrong);
    expect(a.state).toBe('SHUTDOWN-ACK-SENT');
    const right = encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: a.verificationTags.peer, chunks: [{ type: ChunkType.SHUTDOWN_COMPLETE, tBit: true }] });
    a.handleInput(3, right);
    expect(a.state).toBe('CLOSED');
  });

  it('out of the blue (§8.4): an endpoint without an association answers with ABORT, T bit set, tag reflected', () => {
    const b = new SctpAssociation({ random: seededRandom(3) });
    b.handleInput(0, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0xabcdef01, chunks: [{ type: ChunkType.COOKIE_ACK, tBit: false }] }));
    expect(drain(b).packets.length).toBe(0); // rule 7: COOKIE ACK is discarded
    b.handleInput(0, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0xabcdef01, chunks: [{ type: ChunkType.SHUTDOWN, cumulativeTsnAck: 1 }] }));
    const abort = decodePacket(first(drain(b).packets));
    expect(abort.verificationTag).toBe(0xabcdef01);
    expect(abort.chunks[0]).toMatchObject({ type: ChunkType.ABORT, tBit: true });
    b.handleInput(0, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0x01020304, chunks: [{ type: ChunkType.SHUTDOWN_ACK, tBit: false }] }));
    const complete = decodePacket(first(drain(b).packets));
    expect(complete.verificationTag).toBe(0x01020304);
    expect(complete.chunks[0]).toMatchObject({ type: ChunkType.SHUTDOWN_COMPLETE, tBit: true });
    expect(b.stats.outOfTheBlue).toBe(3);
  });

  it('SHUTDOWN ACK in COOKIE-WAIT is answered with SHUTDOWN COMPLETE, T bit set (§8.5.1 E)', () => {
    const a = new SctpAssociation({ random: seededRandom(4) });
    a.connect(0);
    drain(a);
    a.handleInput(0, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0x0a0b0c0d, chunks: [{ type: ChunkType.SHUTDOWN_ACK, tBit: false }] }));
    const p = decodePacket(first(drain(a).packets));
    expect(p.verificationTag).toBe(0x0a0b0c0d);
    expect(p.chunks[0]).toMatchObject({ type: ChunkType.SHUTDOWN_COMPLETE, tBit: true });
    expect(a.state).toBe('COOKIE-WAIT');
  });
});

describe('DATA with no user data (RFC 9260 §6.2)', () => {
  /** A DATA chunk of length 16 (header only) with TSN 0x01020304, in a packet from b to a. */
  const emptyData = (vtag: number, srcPort = 5000): Uint8Array => {
    const p = new Uint8Array(12 + 16);
    p[0] = srcPort >> 8;
    p[1] = srcPort & 0xff;
    p[2] = 0x13;
    p[3] = 0x88;
    writeU32(p, 4, vtag);
    p.set([0, 3, 0, 16, 1, 2, 3, 4], 12); // DATA, B+E, length 16, TSN
    writeChecksum(p);
    return p;
  };
  const cases = [
    { name: 'from the peer (our tag): ABORT "No User Data" with the TSN, association closed', tag: 'own', port: 5000, aborts: true },
    { name: 'with a wrong verification tag: dropped and counted, association kept', tag: 'wrong', port: 5000, aborts: false },
    { name: 'from another port: dropped and counted, association kept', tag: 'own', port: 5001, aborts: false },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const { a, b } = handPair();
      establish(a, b);
      const tag = c.tag === 'own' ? a.verificationTags.local : (a.verificationTags.local ^ 1) >>> 0;
      a.handleInput(1, emptyData(tag, c.port));
      expect(a.stats.parseErrors).toBe(1);
      const out = drain(a);
      expect(a.state).toBe(c.aborts ? 'CLOSED' : 'ESTABLISHED');
      if (!c.aborts) {
        expect(out.packets.length).toBe(0);
        return;
      }
      const abort = decodePacket(first(out.packets));
      expect(abort.verificationTag).toBe(b.verificationTags.local);
      const chunk = abort.chunks[0];
      expect(chunk).toMatchObject({ type: ChunkType.ABORT, tBit: false });
      expect('causes' in chunk && chunk.causes.map((x) => [x.code, readU32(x.value, 0)])).toEqual([[9, 0x01020304]]);
      b.handleInput(2, first(out.packets));
      expect(b.state).toBe('CLOSED');
    });
  }
});

describe('unknown chunks and parameters by their upper two bits (§3.2, §3.2.1)', () => {
  const cases = [
    { type: 0x3f, bits: '00', delivered: false, reported: false },
    { type: 0x7f, bits: '01', delivered: false, reported: true },
    { type: 0xbf, bits: '10', delivered: true, reported: false },
    { type: 0xff, bits: '11', delivered: true, reported: true },
  ];
  for (const c of cases) {
    it(`chunk type 0x${c.type.toString(16)} (${c.bits}): ${c.delivered ? 'skip' : 'stop'}${c.reported ? ' and report' : ''}`, () => {
      const { a, b } = handPair();
      establish(a, b);
      a.send(1, 0, 51, new Uint8Array([7]));
      const data = decodePacket(first(drain(a).packets));
      const unknown = { type: c.type, unknown: true as const, flags: 0, value: new Uint8Array([1, 2, 3, 4]), raw: new Uint8Array(0) };
      b.handleInput(2, encodePacket({ ...data, chunks: [unknown, ...data.chunks] }));
      const out = drain(b);
      expect(out.events.some((e) => e.type === 'message')).toBe(c.delivered);
      const errors = out.packets.flatMap((p) => decodePacket(p).chunks).filter((x) => x.type === ChunkType.ERROR);
      expect(errors.length > 0).toBe(c.reported);
      if (c.reported) expect('causes' in errors[0] && errors[0].causes[0].code).toBe(6);
    });
  }

  it('unknown INIT parameters: 0x8xxx/0xCxxx skipped, 0x4xxx/0xCxxx reported in the INIT ACK', () => {
    const a = new SctpAssociation({ random: seededRandom(5) });
    const init: InitChunk = {
      type: ChunkType.INIT,
      initiateTag: 1,
      aRwnd: 65536,
      outboundStreams: 10,
      inboundStreams: 10,
      initialTsn: 100,
      params: [
        { kind: 'raw', type: 0xc123, value: new Uint8Array([1]) }, // 11: skip, report
        { kind: 'raw', type: 0x8123, value: new Uint8Array([2]) }, // 10: skip silently
        { kind: 'raw', type: 0x4123, value: new Uint8Array([3]) }, // 01: stop, report
        { kind: 'raw', type: 0xc124, value: new Uint8Array([4]) }, // never looked at
      ],
    };
    a.handleInput(0, encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: 0, chunks: [init] }));
    const ack = decodePacket(first(drain(a).packets)).chunks[0] as InitChunk;
    const reported = ack.params.filter((p) => p.kind === 'unrecognizedParameter').map((p) => (p.kind === 'unrecognizedParameter' ? (p.parameter[0] << 8) | p.parameter[1] : 0));
    expect(reported).toEqual([0xc123, 0x4123]);
  });
});
