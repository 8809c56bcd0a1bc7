/**
 * An independent check of our SCTP packet encoder: Wireshark's SCTP dissector (tshark) reads
 * every packet back and must find a good CRC32c (`-o sctp.checksum:CRC-32C`, RFC 9260 §6.8 and
 * Appendix A), the chunk fields we asked for, correct chunk/parameter lengths and padding (it
 * raises expert infos otherwise), and the DCEP messages inside DATA (its "rtcdc" dissector).
 *
 * On the wire WebRTC's SCTP rides inside DTLS, which tshark cannot open without keys; the SCTP
 * packet itself is the same bytes, so here each one goes into the pcap as a raw IPv4 packet of
 * protocol 132 (RFC 9260 §1.1) from 127.0.0.1 to 127.0.0.1. One pcap, one tshark run.
 * TSN analysis is off: the batch is a catalogue of chunks, not one coherent association.
 * Skipped when tshark is missing, unless REQUIRE_REAL_PEERS is set (then it fails).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelType,
  ChunkType,
  DataFlag,
  DcepType,
  Ppid,
  encodeDcep,
  encodePacket,
  protocolViolation,
  staleCookie,
  unrecognizedChunk,
  userInitiatedAbort,
  type AnyChunk,
} from '../src/index.ts';
import { dissect, fieldValues, problems, protocols, tsharkPath, type Layers, type PcapPacket } from '../../test-support/src/tshark.ts';

const required = Boolean(process.env.REQUIRE_REAL_PEERS);
const TSHARK_ARGS = ['-o', 'sctp.checksum:CRC-32C', '-o', 'sctp.tsn_analysis:FALSE'];

const TAG_A = 0x11223344;
const TAG_B = 0x55667788;
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Expected values of fields anywhere in the frame's SCTP layer (all of them, in order). */
type Fields = Readonly<Record<string, string | readonly string[]>>;

interface Case {
  readonly name: string;
  readonly verificationTag: number;
  readonly chunks: readonly AnyChunk[];
  /** sctp.chunk_type of each chunk, in order. */
  readonly chunkTypes: readonly number[];
  readonly fields: Fields;
  /** Fields of the DCEP message in the frame (tshark's "rtcdc" layer). */
  readonly dcep?: Fields;
  /** The reassembled user message tshark hands to the "data" dissector. */
  readonly data?: string;
}

const cases: Case[] = [
  {
    name: 'INIT alone with verification tag 0, Forward-TSN-Supported and Supported Extensions (RFC 9260 §3.3.2, RFC 3758 §3.1, RFC 5061 §4.2.7)',
    verificationTag: 0,
    chunks: [
      {
        type: ChunkType.INIT, initiateTag: TAG_A, aRwnd: 131072, outboundStreams: 1024, inboundStreams: 65535, initialTsn: 0xfffffff0,
        params: [{ kind: 'forwardTsnSupported' }, { kind: 'supportedExtensions', chunkTypes: [ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN] }],
      },
    ],
    chunkTypes: [1],
    fields: {
      'sctp.verification_tag': '0x00000000',
      // 20 fixed + 4 (Forward-TSN-Supported) + 6 (two chunk types): the last parameter's
      // padding is not counted (§3.2), but it is sent.
      'sctp.chunk_length': '30', 'sctp.chunk_padding': '00:00',
      'sctp.init_initiate_tag': '0x11223344', 'sctp.init_credit': '131072', 'sctp.init_nr_out_streams': '1024',
      'sctp.init_nr_in_streams': '65535', 'sctp.init_initial_tsn': String(0xfffffff0),
      'sctp.parameter_type': ['0xc000', '0x8008'], 'sctp.parameter_length': ['4', '6'], 'sctp.supported_chunk_type': ['130', '192'],
    },
  },
  {
    name: 'INIT ACK with a 5-byte State Cookie (padded inside the chunk), Forward-TSN-Supported, a raw ECN parameter (§3.3.3)',
    verificationTag: TAG_A,
    chunks: [
      {
        type: ChunkType.INIT_ACK, initiateTag: TAG_B, aRwnd: 65536, outboundStreams: 10, inboundStreams: 20, initialTsn: 7,
        params: [{ kind: 'stateCookie', cookie: bytes(1, 2, 3, 4, 5) }, { kind: 'forwardTsnSupported' }, { kind: 'raw', type: 0x8000, value: new Uint8Array(0) }],
      },
    ],
    chunkTypes: [2],
    fields: {
      'sctp.verification_tag': '0x11223344',
      // 20 + (9 + 3 padding: not the last parameter, so counted) + 4 + 4 = 40.
      'sctp.chunk_length': '40',
      'sctp.initack_initiate_tag': '0x55667788', 'sctp.initack_credit': '65536', 'sctp.initack_nr_out_streams': '10',
      'sctp.initack_nr_in_streams': '20', 'sctp.initack_initial_tsn': '7',
      'sctp.parameter_type': ['0x0007', '0xc000', '0x8000'], 'sctp.parameter_length': ['9', '4', '4'],
      'sctp.parameter_state_cookie': '01:02:03:04:05', 'sctp.parameter_padding': '00:00:00',
    },
  },
  {
    name: 'COOKIE ECHO bundled with DATA carrying DCEP DATA_CHANNEL_OPEN (RFC 9260 §5.1 D, RFC 8832 §5.1)',
    verificationTag: TAG_B,
    chunks: [
      { type: ChunkType.COOKIE_ECHO, cookie: bytes(1, 2, 3, 4, 5) },
      {
        type: ChunkType.DATA, flags: DataFlag.BEGINNING | DataFlag.END, tsn: 0xfffffff0, streamId: 1, ssn: 0, ppid: Ppid.DCEP,
        userData: encodeDcep({ type: DcepType.OPEN, channelType: ChannelType.PARTIAL_RELIABLE_REXMIT_UNORDERED, priority: 256, reliabilityParameter: 3, label: 'chat', protocol: 'x-proto' }),
      },
    ],
    chunkTypes: [10, 0],
    fields: {
      'sctp.chunk_length': ['9', String(16 + 12 + 4 + 7)], 'sctp.cookie': '01:02:03:04:05',
      'sctp.data_b_bit': '1', 'sctp.data_e_bit': '1', 'sctp.data_u_bit': '0', 'sctp.data_i_bit': '0',
      'sctp.data_tsn_raw': String(0xfffffff0), 'sctp.data_sid': '0x0001', 'sctp.data_ssn': '0', 'sctp.data_payload_proto_id': '50',
    },
    dcep: {
      'rtcdc.message_type': '3', 'rtcdc.channel_type': String(0x81), 'rtcdc.priority': '256', 'rtcdc.reliability_parameter': '3',
      'rtcdc.label_length': '4', 'rtcdc.protocol_length': '7', 'rtcdc.label': 'chat', 'rtcdc.protocol': 'x-proto',
    },
  },
  {
    name: 'COOKIE ACK, DATA carrying DCEP DATA_CHANNEL_ACK, SACK (RFC 8832 §5.2, RFC 9260 §3.3.4)',
    verificationTag: TAG_A,
    chunks: [
      { type: ChunkType.COOKIE_ACK, tBit: false },
      { type: ChunkType.DATA, flags: DataFlag.BEGINNING | DataFlag.END, tsn: 7, streamId: 1, ssn: 0, ppid: Ppid.DCEP, userData: encodeDcep({ type: DcepType.ACK }) },
      { type: ChunkType.SACK, cumulativeTsnAck: 0xfffffff0, aRwnd: 131072, gapBlocks: [], duplicateTsns: [] },
    ],
    chunkTypes: [11, 0, 3],
    fields: {
      'sctp.chunk_length': ['4', '17', '16'], 'sctp.data_tsn_raw': '7',
      'sctp.sack_cumulative_tsn_ack_raw': String(0xfffffff0), 'sctp.sack_a_rwnd': '131072',
      'sctp.sack_number_of_gap_blocks': '0', 'sctp.sack_number_of_duplicated_tsns': '0',
    },
    dcep: { 'rtcdc.message_type': '2' },
  },
  {
    name: 'SACK with two gap ack blocks and a duplicate TSN, across the TSN wrap (§3.3.4)',
    verificationTag: TAG_A,
    chunks: [{ type: ChunkType.SACK, cumulativeTsnAck: 0xffffffff, aRwnd: 100000, gapBlocks: [{ start: 2, end: 3 }, { start: 5, end: 5 }], duplicateTsns: [0xfffffff0] }],
    chunkTypes: [3],
    fields: {
      'sctp.chunk_length': '28', 'sctp.sack_cumulative_tsn_ack_raw': String(0xffffffff), 'sctp.sack_a_rwnd': '100000',
      'sctp.sack_number_of_gap_blocks': '2', 'sctp.sack_number_of_duplicated_tsns': '1',
      'sctp.sack_gap_block_start': ['2', '5'], 'sctp.sack_gap_block_end': ['3', '5'],
      // Offsets from the cumulative TSN ack 0xffffffff wrap: +2 is TSN 1, +3 is 2, +5 is 4.
      'sctp.sack_gap_block_start_tsn': ['1', '4'], 'sctp.sack_gap_block_end_tsn': ['2', '4'],
      'sctp.sack_number_of_tsns_gap_acked': '3', 'sctp.sack_duplicate_tsn': String(0xfffffff0),
    },
  },
  {
    name: 'DATA: one fragmented binary message (B, middle, E with the I bit) that tshark reassembles (§3.3.1, RFC 7053)',
    verificationTag: TAG_B,
    chunks: [
      { type: ChunkType.DATA, flags: DataFlag.BEGINNING, tsn: 2000, streamId: 3, ssn: 7, ppid: Ppid.BINARY, userData: bytes(1, 2, 3, 4) },
      { type: ChunkType.DATA, flags: 0, tsn: 2001, streamId: 3, ssn: 7, ppid: Ppid.BINARY, userData: bytes(5) },
      { type: ChunkType.DATA, flags: DataFlag.END | DataFlag.IMMEDIATE, tsn: 2002, streamId: 3, ssn: 7, ppid: Ppid.BINARY, userData: bytes(6, 7) },
    ],
    chunkTypes: [0, 0, 0],
    fields: {
      'sctp.chunk_flags': ['0x02', '0x00', '0x09'], 'sctp.chunk_length': ['20', '17', '18'],
      'sctp.data_b_bit': ['1', '0', '0'], 'sctp.data_e_bit': ['0', '0', '1'], 'sctp.data_i_bit': ['0', '0', '1'],
      'sctp.data_tsn_raw': ['2000', '2001', '2002'], 'sctp.data_sid': ['0x0003', '0x0003', '0x0003'],
      'sctp.data_ssn': ['7', '7', '7'], 'sctp.data_payload_proto_id': ['53', '53', '53'],
    },
    data: '01:02:03:04:05:06:07',
  },
  {
    name: 'DATA: an unordered string message (U bit, PPID 51, RFC 8831 §6.6)',
    verificationTag: TAG_B,
    chunks: [{ type: ChunkType.DATA, flags: DataFlag.BEGINNING | DataFlag.END | DataFlag.UNORDERED, tsn: 2003, streamId: 65534, ssn: 0, ppid: Ppid.STRING, userData: utf8('hello') }],
    chunkTypes: [0],
    fields: { 'sctp.chunk_flags': '0x07', 'sctp.data_u_bit': '1', 'sctp.chunk_length': '21', 'sctp.data_sid': '0xfffe', 'sctp.data_payload_proto_id': '51', 'sctp.chunk_padding': '00:00:00' },
    data: '68:65:6c:6c:6f',
  },
  {
    name: 'HEARTBEAT and HEARTBEAT ACK with a 3-byte Heartbeat Info (§3.3.5, §3.3.6)',
    verificationTag: TAG_A,
    chunks: [
      { type: ChunkType.HEARTBEAT, info: bytes(9, 8, 7) },
      { type: ChunkType.HEARTBEAT_ACK, info: bytes(9, 8, 7) },
    ],
    chunkTypes: [4, 5],
    fields: {
      'sctp.chunk_length': ['11', '11'], 'sctp.parameter_type': ['0x0001', '0x0001'], 'sctp.parameter_length': ['7', '7'],
      'sctp.parameter_heartbeat_information': ['09:08:07', '09:08:07'], 'sctp.chunk_padding': ['00', '00'],
    },
  },
  {
    name: 'FORWARD TSN (RFC 3758 §3.2) and RE-CONFIG with an Outgoing SSN Reset Request and a Response (RFC 6525 §4.1, §4.4)',
    verificationTag: TAG_A,
    chunks: [
      { type: ChunkType.FORWARD_TSN, newCumulativeTsn: 1005, streams: [{ streamId: 1, ssn: 3 }, { streamId: 2, ssn: 4 }] },
      {
        type: ChunkType.RE_CONFIG,
        params: [
          { kind: 'outgoingSsnReset', requestSeq: 1, responseSeq: 2, senderLastTsn: 1004, streamIds: [1, 3, 5] },
          { kind: 'response', responseSeq: 9, result: 1, senderNextTsn: 2000, receiverNextTsn: 3000 },
        ],
      },
    ],
    chunkTypes: [192, 130],
    fields: {
      'sctp.forward_tsn_tsn': '1005', 'sctp.forward_tsn_sid': ['1', '2'], 'sctp.forward_tsn_ssn': ['3', '4'],
      // 4 + (22 + 2 padding, counted: not last) + 20 = 48.
      'sctp.chunk_length': ['16', '48'],
      'sctp.parameter_type': ['0x000d', '0x0010'], 'sctp.parameter_length': ['22', '20'],
      'sctp.parameter_reconfig_request_sequence_number': '1', 'sctp.parameter_senders_last_assigned_tsn': '1004',
      'sctp.parameter_reconfig_sid': ['1', '3', '5'], 'sctp.parameter_padding': '00:00',
      'sctp.parameter_reconfig_response_sequence_number': ['2', '9'], 'sctp.parameter_reconfig_response_result': '1',
      'sctp.parameter_senders_next_tsn': '2000', 'sctp.parameter_receivers_next_tsn': '3000',
    },
  },
  {
    name: 'RE-CONFIG with an Incoming SSN Reset Request and an Add Outgoing Streams Request (RFC 6525 §4.2, §4.5)',
    verificationTag: TAG_B,
    chunks: [
      {
        type: ChunkType.RE_CONFIG,
        params: [
          { kind: 'incomingSsnReset', requestSeq: 5, streamIds: [7] },
          { kind: 'addOutgoingStreams', requestSeq: 6, newStreams: 16 },
        ],
      },
    ],
    chunkTypes: [130],
    fields: {
      // 4 + (10 + 2 padding) + 12 = 28.
      'sctp.chunk_length': '28', 'sctp.parameter_type': ['0x000e', '0x0011'], 'sctp.parameter_length': ['10', '12'],
      'sctp.parameter_reconfig_request_sequence_number': ['5', '6'], 'sctp.parameter_reconfig_sid': '7',
      'sctp.parameter_add_outgoing_streams_number': '16', 'sctp.parameter_add_outgoing_streams_reserved': '0',
    },
  },
  {
    name: 'ERROR with Stale Cookie, Protocol Violation and Unrecognized Chunk Type causes; SHUTDOWN; SHUTDOWN ACK (§3.3.8-§3.3.10)',
    verificationTag: TAG_A,
    chunks: [
      { type: ChunkType.ERROR, causes: [staleCookie(1234), protocolViolation('bad!'), unrecognizedChunk(bytes(0x7e, 0, 0, 5, 0xaa))] },
      { type: ChunkType.SHUTDOWN, cumulativeTsnAck: 1010 },
      { type: ChunkType.SHUTDOWN_ACK, tBit: false },
    ],
    // tshark also dissects the chunk quoted inside the Unrecognized Chunk Type cause (0x7e).
    chunkTypes: [9, 0x7e, 7, 8],
    fields: {
      // 4 + 8 + 8 + 9: the last cause's padding is not counted (§3.2). The quoted chunk is 5.
      'sctp.chunk_length': ['29', '5', '8', '4'],
      'sctp.cause_code': ['0x0003', '0x000d', '0x0006'], 'sctp.cause_length': ['8', '8', '9'],
      'sctp.cause_measure_of_staleness': '1234', 'sctp.cause_information': colonOf(utf8('bad!')),
      'sctp.shutdown_cumulative_tsn_ack': '1010',
    },
  },
  {
    name: 'ABORT with the T bit and a User-Initiated Abort reason (§3.3.7, §3.3.10.12)',
    verificationTag: TAG_B,
    chunks: [{ type: ChunkType.ABORT, tBit: true, causes: [userInitiatedAbort('bye')] }],
    chunkTypes: [6],
    fields: {
      'sctp.chunk_flags': '0x01', 'sctp.abort_t_bit': '1', 'sctp.chunk_length': '11',
      'sctp.cause_code': '0x000c', 'sctp.cause_length': '7', 'sctp.cause_information': '62:79:65', 'sctp.chunk_padding': '00',
    },
  },
  {
    name: 'SHUTDOWN COMPLETE with the T bit (§3.3.13)',
    verificationTag: TAG_B,
    chunks: [{ type: ChunkType.SHUTDOWN_COMPLETE, tBit: true }],
    chunkTypes: [14],
    fields: { 'sctp.chunk_flags': '0x01', 'sctp.shutdown_complete_t_bit': '1', 'sctp.chunk_length': '4' },
  },
];

function colonOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

const encoded = cases.map((c) => encodePacket({ sourcePort: 5000, destinationPort: 5000, verificationTag: c.verificationTag, chunks: c.chunks }));

/** Negative control: one bit of a packet flipped after the checksum; tshark must call the CRC32c bad. */
const corrupted = (() => {
  const b = encoded[cases.length - 1].slice();
  b[4] ^= 0x80;
  return b;
})();

function expectFields(tree: unknown, want: Fields, what: string): void {
  for (const [k, v] of Object.entries(want)) expect(fieldValues(tree, k), `${what} ${k}`).toEqual(typeof v === 'string' ? [v] : v);
}

if (!tsharkPath && !required) {
  describe.skip('SCTP encoder vs Wireshark (skipped: tshark not installed; apt-get install tshark)', () => {
    it('needs tshark', () => {});
  });
} else {
  describe('SCTP packet encoder read back by Wireshark’s SCTP dissector', () => {
    let frames: Layers[] = [];

    beforeAll(async () => {
      if (!tsharkPath) throw new Error('REQUIRE_REAL_PEERS is set but tshark is not installed (apt-get install tshark)');
      const packets: PcapPacket[] = [...encoded, corrupted].map((data) => ({ kind: 'ip', protocol: 132, from: '127.0.0.1', to: '127.0.0.1', data }));
      frames = await dissect(packets, { args: TSHARK_ARGS });
      expect(frames).toHaveLength(packets.length);
    });

    cases.forEach((c, i) => {
      it(c.name, () => {
        const frame = frames[i];
        expect(protocols(frame)).toContain('sctp');
        expect(problems(frame)).toEqual([]);
        const sctp = frame.sctp;
        // RFC 9260 §6.8: tshark recomputes the CRC32c over the packet and finds ours.
        expect(fieldValues(sctp, 'sctp.checksum.status')).toEqual(['1']);
        expect(fieldValues(sctp, 'sctp.checksum')).toEqual([`0x${colonOf(encoded[i].subarray(8, 12)).replace(/:/g, '')}`]);
        expectFields(sctp, { 'sctp.srcport': '5000', 'sctp.dstport': '5000' }, 'header');
        expect(fieldValues(sctp, 'sctp.verification_tag')).toEqual([`0x${c.verificationTag.toString(16).padStart(8, '0')}`]);
        expect(fieldValues(sctp, 'sctp.chunk_type')).toEqual(c.chunkTypes.map(String));
        expectFields(sctp, c.fields, 'sctp');
        if (c.dcep) {
          expect(protocols(frame)).toContain('rtcdc');
          expectFields(frame.rtcdc, c.dcep, 'dcep');
        }
        if (c.data) expect(fieldValues(frame.data, 'data.data')).toEqual([c.data]);
      });
    });

    it('a packet changed after its CRC32c was computed is flagged bad by tshark (the checks above can fail)', () => {
      const frame = frames[cases.length];
      expect(fieldValues(frame.sctp, 'sctp.checksum.status')).toEqual(['0']);
      expect(problems(frame).map((p) => p.message).join('\n')).toMatch(/Bad SCTP checksum/);
    });
  });
}
