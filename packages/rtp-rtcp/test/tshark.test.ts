/**
 * An independent check of our RTP and RTCP encoders: Wireshark's RTP and RTCP dissectors (tshark)
 * read every packet we encode back and must see the fields we asked for, with no expert warning
 * or error (RTCP's "length check" must pass for every compound). The expected values are the
 * inputs written as the RFCs lay them out (e.g. TWCC chunks computed by hand from the bit layout
 * of draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.3/§3.1.4), never our decoder's output.
 * One pcap (127.0.0.1; RTP on UDP 5004, RTCP on 5005, "decode as") and one tshark run.
 * Skipped when tshark is missing, unless REQUIRE_REAL_PEERS is set (then it fails).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SdesItemType,
  cnameSdes,
  encodeAudioLevel,
  encodeRtcp,
  encodeRtp,
  encodeTransportSequenceNumber,
  remb,
  type RtcpPacket,
  type RtpPacket,
} from '../src/index.ts';
import { dissect, fieldValues, problems, protocols, tsharkPath, type Layers, type PcapPacket } from '../../test-support/src/tshark.ts';

const required = Boolean(process.env.REQUIRE_REAL_PEERS);

const RTP_PORT = 5004;
const RTCP_PORT = 5005;
const rtpFrom = { address: '127.0.0.1', port: RTP_PORT };
const rtpTo = { address: '127.0.0.1', port: 6004 };
const rtcpFrom = { address: '127.0.0.1', port: RTCP_PORT };
const rtcpTo = { address: '127.0.0.1', port: 6005 };
const TSHARK_ARGS = ['-d', `udp.port==${RTP_PORT},rtp`, '-d', `udp.port==${RTCP_PORT},rtcp`, '-o', 'udp.check_checksum:TRUE'];

/** Expected values of fields anywhere under one dissected (RTP or RTCP) packet: all of them, in order. */
type Fields = Readonly<Record<string, string | readonly string[]>>;

interface RtpCase {
  readonly name: string;
  readonly packet: RtpPacket;
  readonly fields: Fields;
}

interface RtcpCase {
  readonly name: string;
  readonly packets: readonly RtcpPacket[];
  /** One entry per RTCP packet in the compound, in order. */
  readonly fields: readonly Fields[];
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

const rtpCases: RtpCase[] = [
  {
    name: 'RTP fixed header, marker, two CSRCs, 5 bytes of padding (RFC 3550 §5.1)',
    packet: {
      marker: true, payloadType: 111, sequenceNumber: 4660, timestamp: 0xdeadbeef, ssrc: 0x11223344,
      csrcs: [0x01020304, 0xcafef00d], payload: bytes(1, 2, 3), padding: 5,
    },
    fields: {
      'rtp.version': '2', 'rtp.padding': '1', 'rtp.ext': '0', 'rtp.cc': '2', 'rtp.marker': '1', 'rtp.p_type': '111',
      'rtp.seq': '4660', 'rtp.timestamp': String(0xdeadbeef), 'rtp.ssrc': '0x11223344',
      'rtp.csrc.item': ['0x01020304', '0xcafef00d'],
      'rtp.payload': '01:02:03', 'rtp.padding.data': '00:00:00:00', 'rtp.padding.count': '5',
    },
  },
  {
    name: 'RFC 8285 §4.2 one-byte header extensions: audio level (RFC 6464), transport-wide seq, 16-byte element',
    packet: {
      marker: false, payloadType: 0, sequenceNumber: 65535, timestamp: 160, ssrc: 0xffffffff, csrcs: [],
      extension: {
        kind: 'one-byte',
        elements: [
          { id: 1, data: encodeAudioLevel({ voiceActivity: true, level: 40 }) },
          { id: 3, data: encodeTransportSequenceNumber(0x1234) },
          { id: 14, data: Uint8Array.from({ length: 16 }, (_, i) => i) },
        ],
      },
      payload: new Uint8Array(160).fill(0xd5), padding: 0,
    },
    fields: {
      'rtp.ext': '1', 'rtp.padding': '0', 'rtp.seq': '65535', 'rtp.ssrc': '0xffffffff', 'rtp.ext.profile': '0xbede',
      // 1+1 + 1+2 + 1+16 = 22 bytes, padded to 24: 6 words (RFC 8285 §4.2).
      'rtp.ext.len': '6',
      'rtp.ext.rfc5285.id': ['1', '3', '14'],
      'rtp.ext.rfc5285.len': ['1', '2', '16'],
      // RFC 6464 §3: V bit set, level 40 -> 0x80 | 40.
      'rtp.ext.rfc5285.data': ['a8', '12:34', '00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f'],
    },
  },
  {
    name: 'RFC 8285 §4.3 two-byte header extensions: empty element, 18-byte element, id 255, appbits',
    packet: {
      marker: false, payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 1, csrcs: [0xabcdef01],
      extension: {
        kind: 'two-byte', appBits: 5,
        elements: [
          { id: 1, data: new Uint8Array(0) },
          { id: 20, data: Uint8Array.from({ length: 18 }, (_, i) => i + 1) },
          { id: 255, data: bytes(0x42) },
        ],
      },
      payload: bytes(9), padding: 2,
    },
    fields: {
      'rtp.ext': '1', 'rtp.cc': '1', 'rtp.csrc.item': '0xabcdef01', 'rtp.ext.profile': '0x1005',
      // 2+0 + 2+18 + 2+1 = 25 bytes, padded to 28: 7 words (RFC 8285 §4.3).
      'rtp.ext.len': '7',
      'rtp.ext.rfc5285.appbits': ['5', '5', '5'],
      'rtp.ext.rfc5285.id': ['1', '20', '255'],
      'rtp.ext.rfc5285.len': ['0', '18', '1'],
      'rtp.ext.rfc5285.data': ['01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12', '42'],
      'rtp.payload': '09', 'rtp.padding.count': '2',
    },
  },
  {
    name: 'RFC 3550 §5.3.1 header extension with another profile, kept opaque',
    packet: {
      marker: false, payloadType: 8, sequenceNumber: 7, timestamp: 8, ssrc: 9, csrcs: [],
      extension: { kind: 'opaque', profile: 0xabac, data: bytes(1, 2, 3, 4, 5, 6, 7, 8) },
      payload: bytes(0xaa, 0xbb), padding: 0,
    },
    fields: {
      // tshark shows an unknown profile's extension as 32-bit words.
      'rtp.ext': '1', 'rtp.ext.profile': '0xabac', 'rtp.ext.len': '2', 'rtp.hdr_ext': ['0x01020304', '0x05060708'], 'rtp.payload': 'aa:bb',
    },
  },
];

const report = {
  ssrc: 0x55667788, fractionLost: 25, cumulativeLost: -3, highestSequence: 0x00011234, jitter: 77,
  lastSr: 0x12345678, delaySinceLastSr: 65536,
};

const rtcpCases: RtcpCase[] = [
  {
    name: 'compound SR + SDES CNAME (RFC 3550 §6.4.1, §6.5.1)',
    packets: [
      { type: 'sr', ssrc: 0x11223344, ntpSeconds: 3900000000, ntpFraction: 0x80000000, rtpTimestamp: 12345, packetCount: 100, octetCount: 16000, reports: [report] },
      cnameSdes(0x11223344, 'user@host.example'),
    ],
    fields: [
      {
        'rtcp.pt': '200', 'rtcp.rc': '1', 'rtcp.padding': '0', 'rtcp.length': '12', 'rtcp.senderssrc': '0x11223344',
        'rtcp.timestamp.ntp.msw': '3900000000', 'rtcp.timestamp.ntp.lsw': String(0x80000000), 'rtcp.timestamp.rtp': '12345',
        'rtcp.sender.packetcount': '100', 'rtcp.sender.octetcount': '16000',
        'rtcp.ssrc.identifier': '0x55667788', 'rtcp.ssrc.fraction': '25', 'rtcp.ssrc.cum_nr': '-3',
        'rtcp.ssrc.high_cycles': '1', 'rtcp.ssrc.high_seq': '4660', 'rtcp.ssrc.jitter': '77',
        'rtcp.ssrc.lsr': String(0x12345678), 'rtcp.ssrc.dlsr': '65536',
      },
      // SSRC + CNAME item (2 + 17) + END, padded: 4 + 4 + 20 = 28 bytes = length 6.
      { 'rtcp.pt': '202', 'rtcp.sc': '1', 'rtcp.length': '6', 'rtcp.ssrc.identifier': '0x11223344', 'rtcp.sdes.type': ['1', '0'], 'rtcp.sdes.text': 'user@host.example', 'rtcp.length_check': '1' },
    ],
  },
  {
    name: 'compound RR (24-bit cumulative-lost limits) + SDES two chunks with NAME, TOOL, PRIV + APP + BYE two sources, padding on the last packet (RFC 3550 §6.4.2-§6.7)',
    packets: [
      { type: 'rr', ssrc: 9, reports: [{ ...report, fractionLost: 255, cumulativeLost: 8388607, highestSequence: 0xffffffff, jitter: 0xffffffff }, { ...report, ssrc: 10, cumulativeLost: -8388608 }] },
      {
        type: 'sdes',
        chunks: [
          { ssrc: 9, items: [{ type: SdesItemType.CNAME, text: 'c' }, { type: SdesItemType.NAME, text: 'Zoe' }, { type: SdesItemType.TOOL, text: 'rtcstack' }, { type: SdesItemType.PRIV, prefix: 'px', text: 'val' }] },
          { ssrc: 10, items: [{ type: SdesItemType.CNAME, text: 'other' }] },
        ],
      },
      { type: 'app', subtype: 3, ssrc: 9, name: 'ABCD', data: bytes(1, 2, 3, 4) },
      { type: 'bye', ssrcs: [9, 10], reason: 'bye now', padding: bytes(0, 0, 0, 4) },
    ],
    fields: [
      {
        'rtcp.pt': '201', 'rtcp.rc': '2', 'rtcp.senderssrc': '0x00000009', 'rtcp.length': '13',
        'rtcp.ssrc.identifier': ['0x55667788', '0x0000000a'], 'rtcp.ssrc.fraction': ['255', '25'],
        'rtcp.ssrc.cum_nr': ['8388607', '-8388608'], 'rtcp.ssrc.ext_high': [String(0xffffffff), String(0x11234)],
        'rtcp.ssrc.jitter': [String(0xffffffff), '77'],
      },
      {
        'rtcp.pt': '202', 'rtcp.sc': '2', 'rtcp.ssrc.identifier': ['0x00000009', '0x0000000a'],
        'rtcp.sdes.type': ['1', '2', '6', '8', '0', '1', '0'],
        // The PRIV item's length is prefix length + prefix + value (§6.5.8). (ASCII text only:
        // tshark 4.0 shows SDES text as ASCII although RFC 3550 §6.5 says UTF-8.)
        'rtcp.sdes.length': ['1', '3', '8', '6', '5'],
        'rtcp.sdes.text': ['c', 'Zoe', 'rtcstack', 'val', 'other'],
        'rtcp.sdes.prefix.length': '2', 'rtcp.sdes.prefix.string': 'px',
      },
      { 'rtcp.pt': '204', 'rtcp.app.subtype': '3', 'rtcp.ssrc.identifier': '0x00000009', 'rtcp.app.name': 'ABCD', 'rtcp.app.data': '01:02:03:04' },
      // 4 + 8 (SSRCs) + 1 + 7 (reason) + 4 padding = 24 bytes: length 5.
      { 'rtcp.pt': '203', 'rtcp.sc': '2', 'rtcp.padding': '1', 'rtcp.length': '5', 'rtcp.ssrc.identifier': ['0x00000009', '0x0000000a'], 'rtcp.sdes.length': '7', 'rtcp.sdes.text': 'bye now', 'rtcp.length_check': '1' },
    ],
  },
  {
    name: 'RR + generic NACK (RFC 4585 §6.2.1) + PLI (§6.3.1) + FIR (RFC 5104 §4.3.1) + REMB (draft-alvestrand-rmcat-remb-03 §2.2)',
    packets: [
      { type: 'rr', ssrc: 1, reports: [] },
      { type: 'nack', senderSsrc: 1, mediaSsrc: 2, pairs: [{ pid: 100, blp: 0x8001 }, { pid: 65535, blp: 0 }] },
      { type: 'pli', senderSsrc: 1, mediaSsrc: 2 },
      { type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 2, sequenceNumber: 7 }, { ssrc: 3, sequenceNumber: 255 }] },
      remb(1, 1_500_000, [2, 3]),
    ],
    fields: [
      { 'rtcp.pt': '201', 'rtcp.rc': '0', 'rtcp.length': '1', 'rtcp.senderssrc': '0x00000001' },
      // The two PIDs, then those BLP 0x8001 adds: bit 0 -> pid+1, bit 15 -> pid+16 (tshark lists
      // repeated fields of one level together, before the BLP subtree).
      { 'rtcp.pt': '205', 'rtcp.rtpfb.fmt': '1', 'rtcp.length': '4', 'rtcp.senderssrc': '0x00000001', 'rtcp.mediassrc': '0x00000002', 'rtcp.rtpfb.nack_pid': ['100', '65535', '101', '116'], 'rtcp.rtpfb.nack_blp': ['0x8001', '0x0000'] },
      { 'rtcp.pt': '206', 'rtcp.psfb.fmt': '1', 'rtcp.length': '2', 'rtcp.senderssrc': '0x00000001', 'rtcp.mediassrc': '0x00000002' },
      { 'rtcp.pt': '206', 'rtcp.psfb.fmt': '4', 'rtcp.length': '6', 'rtcp.mediassrc': '0x00000000', 'rtcp.psfb.fir.fci.ssrc': ['0x00000002', '0x00000003'], 'rtcp.psfb.fir.fci.csn': ['7', '255'], 'rtcp.psfb.fir.fci.reserved': ['0', '0'] },
      // 1 500 000 = 187 500 * 2^3 (the smallest exponent with an 18-bit mantissa).
      { 'rtcp.pt': '206', 'rtcp.psfb.fmt': '15', 'rtcp.length': '6', 'rtcp.mediassrc': '0x00000000', 'rtcp.psfb.remb.identifier': 'REMB', 'rtcp.psfb.remb.fci.number_ssrcs': '2', 'rtcp.psfb.remb.fci.br_exp': '3', 'rtcp.psfb.remb.fci.br_mantissa': '187500', 'rtcp.psfb.remb.fci.ssrc': ['0x00000002', '0x00000003'], 'rtcp.length_check': '1' },
    ],
  },
  {
    name: 'transport-wide CC feedback: run-length chunk, small deltas, padding (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1)',
    packets: [
      { type: 'twcc', senderSsrc: 1, mediaSsrc: 2, baseSequence: 100, packetStatusCount: 3, referenceTime: 1000, feedbackPacketCount: 5, chunks: [{ kind: 'run', symbol: 1, runLength: 3 }], deltas: [4, 8, 12], padding: bytes(0, 0, 3) },
    ],
    fields: [
      {
        'rtcp.pt': '205', 'rtcp.rtpfb.fmt': '15', 'rtcp.padding': '1', 'rtcp.length': '6', 'rtcp.senderssrc': '0x00000001', 'rtcp.mediassrc': '0x00000002',
        'rtcp.rtpfb.transportcc.baseseq': '100', 'rtcp.rtpfb.transportcc.statuscount': '3', 'rtcp.rtpfb.transportcc.reftime': '1000', 'rtcp.rtpfb.transportcc.pktcount': '5',
        // T=0 | S=01 | run length 3 = 0x2003.
        'rtcp.rtpfb.transportcc.pktchunk': String(0x2003),
        'rtcp.rtpfb.transportcc.recv_delta': ['0x04', '0x08', '0x0c'],
        'rtcp.length_check': '1',
      },
    ],
  },
  {
    name: 'transport-wide CC feedback: 1-bit and 2-bit status vectors, large (signed) deltas, negative reference time, wrapping base sequence',
    packets: [
      {
        type: 'twcc', senderSsrc: 0xdeadbeef, mediaSsrc: 0x01020304, baseSequence: 65534, packetStatusCount: 22, referenceTime: -2, feedbackPacketCount: 255,
        chunks: [
          { kind: 'vector', symbolSize: 1, symbols: [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] },
          { kind: 'vector', symbolSize: 2, symbols: [2, 1, 0, 2, 0, 0, 1] },
          { kind: 'run', symbol: 0, runLength: 1 },
        ],
        deltas: [4, 8, 12, 255, -40, 3, 500, 7],
      },
    ],
    fields: [
      {
        'rtcp.pt': '205', 'rtcp.rtpfb.fmt': '15', 'rtcp.padding': '0', 'rtcp.length': '8',
        'rtcp.rtpfb.transportcc.baseseq': '65534', 'rtcp.rtpfb.transportcc.statuscount': '22', 'rtcp.rtpfb.transportcc.reftime': '-2', 'rtcp.rtpfb.transportcc.pktcount': '255',
        // §3.1.4: T=1 S=0 then 14 one-bit symbols = 0xac01; T=1 S=1 then 7 two-bit symbols = 0xe481; §3.1.3 run of 1 "not received" = 0x0001.
        'rtcp.rtpfb.transportcc.pktchunk': [String(0xac01), String(0xe481), '1'],
        // Small deltas are one unsigned byte, large ones two bytes signed (§3.1.5): -40 = 0xffd8.
        'rtcp.rtpfb.transportcc.recv_delta': ['0x04', '0x08', '0x0c', '0xff', '0xffd8', '0x03', '0x01f4', '0x07'],
        'rtcp.length_check': '1',
      },
    ],
  },
];

/** Negative control: the first length word of a compound bumped by one; tshark must call it malformed. */
const badCompound = (() => {
  const b = encodeRtcp(rtcpCases[1].packets);
  b[3] += 1;
  return b;
})();

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function expectFields(tree: unknown, want: Fields, what: string): void {
  for (const [k, v] of Object.entries(want)) expect(fieldValues(tree, k), `${what} ${k}`).toEqual(typeof v === 'string' ? [v] : v);
}

if (!tsharkPath && !required) {
  describe.skip('RTP/RTCP encoders vs Wireshark (skipped: tshark not installed; apt-get install tshark)', () => {
    it('needs tshark', () => {});
  });
} else {
  describe('RTP and RTCP encoders read back by Wireshark’s RTP and RTCP dissectors', () => {
    let frames: Layers[] = [];
    const rtpBytes = rtpCases.map((c) => encodeRtp(c.packet));
    const rtcpBytes = rtcpCases.map((c) => encodeRtcp(c.packets));

    beforeAll(async () => {
      if (!tsharkPath) throw new Error('REQUIRE_REAL_PEERS is set but tshark is not installed (apt-get install tshark)');
      const packets: PcapPacket[] = [
        ...rtpBytes.map((data) => ({ from: rtpFrom, to: rtpTo, data })),
        ...rtcpBytes.map((data) => ({ from: rtcpFrom, to: rtcpTo, data })),
        { from: rtcpFrom, to: rtcpTo, data: badCompound },
      ];
      frames = await dissect(packets, { args: TSHARK_ARGS });
      expect(frames).toHaveLength(packets.length);
    });

    rtpCases.forEach((c, i) => {
      it(c.name, () => {
        const frame = frames[i];
        expect(protocols(frame)).toContain('rtp');
        expect(problems(frame)).toEqual([]);
        expectFields(frame.rtp, { 'rtp.version': '2', ...c.fields }, 'rtp');
      });
    });

    rtcpCases.forEach((c, i) => {
      it(c.name, () => {
        const frame = frames[rtpCases.length + i];
        expect(protocols(frame)).toContain('rtcp');
        expect(problems(frame)).toEqual([]);
        const packets = asArray(frame.rtcp as Record<string, unknown> | Record<string, unknown>[]);
        expect(packets).toHaveLength(c.packets.length);
        packets.forEach((p, j) => expectFields(p, { 'rtcp.version': '2', ...c.fields[j] }, `packet ${j}`));
        // RFC 3550 §6.4.1: length in 32-bit words minus one, covering the whole datagram.
        const words = packets.reduce((n, p) => n + Number(p['rtcp.length']) + 1, 0);
        expect(words * 4).toBe(rtcpBytes[i].length);
      });
    });

    it('a compound with a wrong length word is flagged malformed by tshark (the checks above can fail)', () => {
      const found = problems(frames[frames.length - 1]);
      expect(found.some((p) => p.group === 'malformed')).toBe(true);
    });

    it('the pcap writer’s IPv4/UDP checksums verify', () => {
      for (const f of frames) expect(fieldValues(f.udp, 'udp.checksum.status')).toEqual(['1']);
    });

    // Found by this cross-check: tshark warned "Padding flag set on not final packet". RFC 3550
    // §6.4.1: padding MUST only be on the last packet of a compound; encodeRtcp now refuses it
    // and decodeRtcp rejects it (tested in rtcp.test.ts).
  });
}
