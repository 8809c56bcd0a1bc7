/**
 * An independent check of our STUN/TURN encoders: Wireshark's STUN dissector (tshark) reads every
 * message we build back, attribute by attribute, and must see the values we asked for, a good
 * FINGERPRINT (it recomputes the CRC-32, RFC 8489 §14.7) and raise no expert warning or error.
 * tshark cannot check MESSAGE-INTEGRITY(-SHA256) (it has no key), so the HMACs it shows are
 * compared with ones this test computes itself from the RFC 8489 §14.5/§14.6 recipe with
 * node:crypto. All messages go into one pcap (127.0.0.1, UDP 3478) for one tshark run.
 * Skipped when tshark is missing, unless REQUIRE_REAL_PEERS is set (then it fails).
 */
import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  Method,
  attr,
  buildMessage,
  encodeChannelData,
  longTermKey,
  shortTermKey,
  userHash,
} from '../src/index.ts';
import { dissect, fieldValues, problems, protocols, tsharkPath, type Layers, type PcapPacket } from '../../test-support/src/tshark.ts';

const required = Boolean(process.env.REQUIRE_REAL_PEERS);

/** A fixed transaction id so the XOR-ed values are reproducible (any 12 bytes will do). */
const tid = Uint8Array.from([0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae]);
const client = { address: '127.0.0.1', port: 40000 };
const server = { address: '127.0.0.1', port: 3478 };
const iceKey = shortTermKey('VOkJxbRl1RmTxUk/WvJxBt');
const turnKey = longTermKey('alice', 'example.org', 'secret');

/** Wireshark's textual forms. */
const hx = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;
const colon = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** What tshark must show for one attribute: its type and some of its dissected fields. */
type AttributeExpectation = Readonly<Record<string, string | readonly string[]>>;

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** stun.type as tshark prints it (class and method bits interleaved, RFC 8489 §5). */
  readonly type?: string;
  /** One entry per attribute, in wire order. */
  readonly attributes?: readonly AttributeExpectation[];
  /** For ChannelData: fields of the stun layer. */
  readonly fields?: AttributeExpectation;
  readonly data?: string;
  /** The MESSAGE-INTEGRITY key the message was built with. */
  readonly key?: Uint8Array;
}

const fingerprint = { 'stun.att.type': '0x8028', 'stun.att.crc32.status': '1' } as const;

const cases: Case[] = [
  {
    name: 'ICE Binding request: USERNAME, PRIORITY, USE-CANDIDATE, ICE-CONTROLLING, MESSAGE-INTEGRITY(-SHA256), FINGERPRINT (RFC 8445 §7.1.1)',
    bytes: buildMessage({
      class: 'request', method: Method.Binding, transactionId: tid,
      attributes: [
        attr('USERNAME', 'evtj:h6vY'),
        attr('PRIORITY', 1853824767),
        attr('USE_CANDIDATE', true),
        attr('ICE_CONTROLLING', 0x932ff9b151263b36n),
        attr('SOFTWARE', 'rtcstack test'),
      ],
      integrity: iceKey, integritySha256: iceKey, fingerprint: true,
    }),
    key: iceKey,
    type: '0x0001',
    attributes: [
      { 'stun.att.type': '0x0006', 'stun.att.length': '9', 'stun.att.username': 'evtj:h6vY', 'stun.att.padding': '3' },
      { 'stun.att.type': '0x0024', 'stun.att.priority': '1853824767' },
      { 'stun.att.type': '0x0025', 'stun.att.length': '0' },
      { 'stun.att.type': '0x802a', 'stun.att.tie-breaker': '93:2f:f9:b1:51:26:3b:36' },
      { 'stun.att.type': '0x8022', 'stun.att.software': 'rtcstack test', 'stun.att.padding': '3' },
      { 'stun.att.type': '0x0008', 'stun.att.length': '20' },
      { 'stun.att.type': '0x001c', 'stun.att.length': '32' },
      fingerprint,
    ],
  },
  {
    name: 'Binding success: XOR-MAPPED-ADDRESS IPv4 and IPv6, MESSAGE-INTEGRITY, FINGERPRINT (RFC 8489 §14.2)',
    bytes: buildMessage({
      class: 'success', method: Method.Binding, transactionId: tid,
      attributes: [
        attr('XOR_MAPPED_ADDRESS', { address: '192.0.2.1', port: 32853 }),
        attr('XOR_MAPPED_ADDRESS', { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }),
        attr('MAPPED_ADDRESS', { address: '198.51.100.7', port: 1 }),
        attr('ICE_CONTROLLED', 5n),
      ],
      integrity: iceKey, fingerprint: true,
    }),
    key: iceKey,
    type: '0x0101',
    attributes: [
      { 'stun.att.type': '0x0020', 'stun.att.family': '0x01', 'stun.att.port': '32853', 'stun.att.ipv4': '192.0.2.1' },
      { 'stun.att.type': '0x0020', 'stun.att.family': '0x02', 'stun.att.port': '32853', 'stun.att.ipv6': '2001:db8:1234:5678:11:2233:4455:6677' },
      { 'stun.att.type': '0x0001', 'stun.att.family': '0x01', 'stun.att.port': '1', 'stun.att.ipv4': '198.51.100.7' },
      { 'stun.att.type': '0x8029', 'stun.att.tie-breaker': '00:00:00:00:00:00:00:05' },
      { 'stun.att.type': '0x0008' },
      fingerprint,
    ],
  },
  {
    name: 'Binding error response: ERROR-CODE 487 Role Conflict, UNKNOWN-ATTRIBUTES (RFC 8489 §14.8, §14.9)',
    bytes: buildMessage({
      class: 'error', method: Method.Binding, transactionId: tid,
      attributes: [
        attr('ERROR_CODE', { code: ErrorCode.RoleConflict, reason: 'Role Conflict' }),
        attr('UNKNOWN_ATTRIBUTES', [0x7f01, 0x0031, 0x0777]),
      ],
      integrity: iceKey, fingerprint: true,
    }),
    key: iceKey,
    type: '0x0111',
    attributes: [
      { 'stun.att.type': '0x0009', 'stun.att.error.class': '4', 'stun.att.error': '87', 'stun.att.error.reason': 'Role Conflict' },
      // Three types (6 bytes) padded to 8 (RFC 8489 §14.9, §14).
      { 'stun.att.type': '0x000a', 'stun.att.length': '6', 'stun.att.unknown': ['0x7f01', '0x0031', '0x0777'] },
      { 'stun.att.type': '0x0008' },
      fingerprint,
    ],
  },
  {
    name: 'TURN Allocate request: long-term credentials, REQUESTED-TRANSPORT, LIFETIME, DONT-FRAGMENT, EVEN-PORT, REQUESTED-ADDRESS-FAMILY (RFC 8656 §7.1)',
    bytes: buildMessage({
      class: 'request', method: Method.Allocate, transactionId: tid,
      attributes: [
        attr('REQUESTED_TRANSPORT', 17),
        attr('LIFETIME', 600),
        attr('DONT_FRAGMENT', true),
        attr('EVEN_PORT', { reserveNext: true }),
        attr('REQUESTED_ADDRESS_FAMILY', 6),
        attr('USERNAME', 'alice'),
        attr('USERHASH', userHash('alice', 'example.org')),
        attr('REALM', 'example.org'),
        attr('NONCE', 'obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA'),
        attr('PASSWORD_ALGORITHM', { algorithm: 2, parameters: new Uint8Array(0) }),
        attr('PASSWORD_ALGORITHMS', [
          { algorithm: 2, parameters: new Uint8Array(0) },
          { algorithm: 1, parameters: new Uint8Array(0) },
        ]),
      ],
      integrity: turnKey, fingerprint: true,
    }),
    key: turnKey,
    type: '0x0003',
    attributes: [
      { 'stun.att.type': '0x0019', 'stun.att.transp': '0x11', 'stun.att.reserved': '00:00:00' },
      { 'stun.att.type': '0x000d', 'stun.att.lifetime': '600' },
      { 'stun.att.type': '0x001a', 'stun.att.length': '0' },
      { 'stun.att.type': '0x0018', 'stun.att.length': '1', 'stun.att.even-port.reserve-next': '1', 'stun.att.padding': '3' },
      { 'stun.att.type': '0x0017', 'stun.att.family': '0x02', 'stun.att.reserved': '00:00:00' },
      { 'stun.att.type': '0x0006', 'stun.att.username': 'alice' },
      // RFC 8489 §14.4: USERHASH = SHA-256(OpaqueString(username) ":" OpaqueString(realm)).
      { 'stun.att.type': '0x001e', 'stun.att.length': '32', 'stun.value': colon(createHash('sha256').update('alice:example.org').digest()) },
      { 'stun.att.type': '0x0014', 'stun.att.realm': 'example.org' },
      { 'stun.att.type': '0x0015', 'stun.att.nonce': 'obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA' },
      { 'stun.att.type': '0x001d', 'stun.att.pw_alg': '2', 'stun.att.pw_alg_len': '0' },
      { 'stun.att.type': '0x8002', 'stun.att.pw_alg': ['2', '1'], 'stun.att.pw_alg_len': ['0', '0'] },
      { 'stun.att.type': '0x0008' },
      fingerprint,
    ],
  },
  {
    name: 'TURN Allocate success: XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS, LIFETIME, RESERVATION-TOKEN (RFC 8656 §7.3)',
    bytes: buildMessage({
      class: 'success', method: Method.Allocate, transactionId: tid,
      attributes: [
        attr('XOR_RELAYED_ADDRESS', { address: '203.0.113.9', port: 50000 }),
        attr('XOR_MAPPED_ADDRESS', { address: '198.51.100.20', port: 61000 }),
        attr('LIFETIME', 1200),
        attr('RESERVATION_TOKEN', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])),
        attr('ALTERNATE_SERVER', { address: '192.0.2.99', port: 3479 }),
        attr('ALTERNATE_DOMAIN', 'turn.example.net'),
      ],
      integrity: turnKey, fingerprint: true,
    }),
    key: turnKey,
    type: '0x0103',
    attributes: [
      { 'stun.att.type': '0x0016', 'stun.att.family': '0x01', 'stun.att.port': '50000', 'stun.att.ipv4': '203.0.113.9' },
      { 'stun.att.type': '0x0020', 'stun.att.family': '0x01', 'stun.att.port': '61000', 'stun.att.ipv4': '198.51.100.20' },
      { 'stun.att.type': '0x000d', 'stun.att.lifetime': '1200' },
      { 'stun.att.type': '0x0022', 'stun.att.token': '01:02:03:04:05:06:07:08' },
      { 'stun.att.type': '0x8023', 'stun.att.family': '0x01', 'stun.att.port': '3479', 'stun.att.ipv4': '192.0.2.99' },
      { 'stun.att.type': '0x8003', 'stun.att.length': '16', 'stun.value': colon(utf8('turn.example.net')) },
      { 'stun.att.type': '0x0008' },
      fingerprint,
    ],
  },
  {
    name: 'TURN ChannelBind request: CHANNEL-NUMBER, XOR-PEER-ADDRESS IPv6 (RFC 8656 §11.1)',
    bytes: buildMessage({
      class: 'request', method: Method.ChannelBind, transactionId: tid,
      attributes: [attr('CHANNEL_NUMBER', 0x4001), attr('XOR_PEER_ADDRESS', { address: '2001:db8::1', port: 9 })],
      integrity: turnKey, fingerprint: true,
    }),
    key: turnKey,
    type: '0x0009',
    attributes: [
      { 'stun.att.type': '0x000c', 'stun.att.channelnum': '0x4001', 'stun.att.reserved': '00:00' },
      { 'stun.att.type': '0x0012', 'stun.att.family': '0x02', 'stun.att.port': '9', 'stun.att.ipv6': '2001:db8::1' },
      { 'stun.att.type': '0x0008' },
      fingerprint,
    ],
  },
  {
    name: 'TURN Send indication: XOR-PEER-ADDRESS, DATA with padding (RFC 8656 §10.1)',
    bytes: buildMessage({
      class: 'indication', method: Method.Send, transactionId: tid,
      attributes: [attr('XOR_PEER_ADDRESS', { address: '192.0.2.2', port: 5000 }), attr('DATA', Uint8Array.from([9, 8, 7, 6, 5]))],
      fingerprint: true,
    }),
    type: '0x0016',
    attributes: [
      { 'stun.att.type': '0x0012', 'stun.att.family': '0x01', 'stun.att.port': '5000', 'stun.att.ipv4': '192.0.2.2' },
      { 'stun.att.type': '0x0013', 'stun.att.length': '5', 'stun.value': '09:08:07:06:05', 'stun.att.padding': '3' },
      fingerprint,
    ],
  },
  {
    name: 'RFC 5780 CHANGE-REQUEST in a Binding request',
    bytes: buildMessage({
      class: 'request', method: Method.Binding, transactionId: Uint8Array.from({ length: 12 }, (_, i) => i),
      attributes: [attr('CHANGE_REQUEST', { changeIp: true, changePort: false })],
    }),
    type: '0x0001',
    attributes: [{ 'stun.att.type': '0x0003', 'stun.att.change-ip': '1', 'stun.att.change-port': '0' }],
  },
  {
    name: 'ChannelData over UDP, no padding (RFC 8656 §12.4)',
    bytes: encodeChannelData({ channel: 0x4001, data: Uint8Array.from([1, 2, 3, 4, 5]) }),
    fields: { 'stun.channel': '0x4001', 'stun.length': '5' },
    data: '01:02:03:04:05',
  },
  {
    name: 'ChannelData padded to 4 bytes (as over TCP, RFC 8656 §12.5)',
    bytes: encodeChannelData({ channel: 0x4fff, data: Uint8Array.from([0xaa, 0xbb, 0xcc]) }, true),
    fields: { 'stun.channel': '0x4fff', 'stun.length': '3' },
    data: 'aa:bb:cc',
  },
];

/** Negative control: the last byte of a FINGERPRINT flipped; tshark must call it bad. */
const tampered = (() => {
  const b = cases[6].bytes.slice();
  b[b.length - 1] ^= 0x01;
  return b;
})();

/**
 * RFC 8489 §14.5 (§14.6 for SHA-256): HMAC over the message up to the attribute, with the header
 * length counting up to the end of that attribute. Independent of integrity.ts on purpose.
 */
function expectedHmac(msg: Uint8Array, type: 0x0008 | 0x001c, key: Uint8Array): string {
  let at = 20;
  while (at < msg.length) {
    const t = (msg[at] << 8) | msg[at + 1];
    const len = (msg[at + 2] << 8) | msg[at + 3];
    if (t === type) {
      const prefix = msg.slice(0, at);
      const lengthField = at + 4 + len - 20;
      prefix[2] = lengthField >> 8;
      prefix[3] = lengthField & 0xff;
      return colon(createHmac(type === 0x0008 ? 'sha1' : 'sha256', key).update(prefix).digest().subarray(0, len));
    }
    at += 4 + ((len + 3) & ~3);
  }
  throw new Error(`attribute ${hx(type, 4)} not found`);
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function stunLayer(frame: Layers): Record<string, unknown> {
  expect(protocols(frame)).toContain('stun');
  return frame.stun as Record<string, unknown>;
}

function attributeTrees(stun: Record<string, unknown>): Record<string, unknown>[] {
  const attrs = stun['stun.attributes'] as Record<string, unknown> | undefined;
  return asArray(attrs?.['stun.attribute_tree'] as Record<string, unknown> | Record<string, unknown>[] | undefined);
}

if (!tsharkPath && !required) {
  describe.skip('STUN encoders vs Wireshark (skipped: tshark not installed; apt-get install tshark)', () => {
    it('needs tshark', () => {});
  });
} else {
  describe('STUN/TURN encoders read back by Wireshark’s STUN dissector', () => {
    let frames: Layers[] = [];

    beforeAll(async () => {
      if (!tsharkPath) throw new Error('REQUIRE_REAL_PEERS is set but tshark is not installed (apt-get install tshark)');
      const packets: PcapPacket[] = [...cases.map((c) => c.bytes), tampered].map((data, i) =>
        i % 2 === 0 ? { from: client, to: server, data } : { from: server, to: client, data },
      );
      frames = await dissect(packets, { args: ['-o', 'udp.check_checksum:TRUE'] });
      expect(frames).toHaveLength(cases.length + 1);
    });

    cases.forEach((c, i) => {
      it(c.name, () => {
        const frame = frames[i];
        expect(problems(frame)).toEqual([]);
        const stun = stunLayer(frame);
        if (c.fields) {
          for (const [k, v] of Object.entries(c.fields)) expect(stun[k], k).toEqual(v);
        }
        if (c.data) expect(fieldValues(frame.data, 'data.data')).toEqual([c.data]);
        if (!c.attributes) return;

        expect(stun['stun.type']).toBe(c.type);
        expect(stun['stun.length']).toBe(String(c.bytes.length - 20));
        expect(stun['stun.cookie']).toBe('21:12:a4:42');
        const trees = attributeTrees(stun);
        expect(trees.map((t) => t['stun.att.type'])).toEqual(c.attributes.map((a) => a['stun.att.type']));
        c.attributes.forEach((want, j) => {
          for (const [k, v] of Object.entries(want)) expect(trees[j][k], `attribute ${j} ${k}`).toEqual(v);
        });

        // MESSAGE-INTEGRITY(-SHA256): tshark shows the bytes; they must be the RFC's HMAC.
        for (const t of trees) {
          if (t['stun.att.type'] === '0x0008') expect(t['stun.att.hmac']).toBe(expectedHmac(c.bytes, 0x0008, c.key ?? new Uint8Array(0)));
          if (t['stun.att.type'] === '0x001c') expect(t['stun.value']).toBe(expectedHmac(c.bytes, 0x001c, c.key ?? new Uint8Array(0)));
          // tshark's recomputed CRC agrees with ours, and with the value we wrote.
          if (t['stun.att.type'] === '0x8028') expect(t['stun.att.crc32']).toBe(hx(new DataView(c.bytes.buffer, c.bytes.byteOffset).getUint32(c.bytes.length - 4), 8));
        }
      });
    });

    it('a tampered FINGERPRINT is flagged bad by tshark (the check above can fail)', () => {
      const frame = frames[cases.length];
      const fp = attributeTrees(stunLayer(frame)).find((t) => t['stun.att.type'] === '0x8028');
      expect(fp?.['stun.att.crc32.status']).toBe('0');
      expect(problems(frame).map((p) => p.message).join('\n')).toMatch(/Bad Fingerprint/);
    });

    it('the pcap writer’s IPv4/UDP checksums verify', () => {
      for (const f of frames) expect(fieldValues(f.udp, 'udp.checksum.status')).toEqual(['1']);
    });
  });
}
