/**
 * An independent check that SRTP protection leaves the RTP header readable (RFC 3711 §3.1: the
 * header is authenticated but not encrypted; RFC 7714 §8.1 likewise for AES-GCM): Wireshark's RTP
 * dissector (tshark) must read the same version, marker, payload type, sequence number,
 * timestamp, SSRC, CSRCs and header extension from each protected packet as from the plain one,
 * see a payload exactly one authentication tag longer, and raise no expert warning or error.
 * SRTCP keeps only the first 8 bytes in the clear (RFC 3711 §3.4); tshark cannot know the rest is
 * encrypted, so for it we check just those 8 bytes.
 * One pcap (127.0.0.1; UDP 5004 decoded as RTP, 5005 as RTCP), one tshark run.
 * Skipped when tshark is missing, unless REQUIRE_REAL_PEERS is set (then it fails).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROFILES, SrtpSession, type SrtpProfile } from '../src/index.ts';
import { rtcpRr, rtp as buildRtp, type RtpFields } from './helpers.ts';
import { dissect, fieldValues, problems, protocols, tsharkPath, type Layers, type PcapPacket } from '../../test-support/src/tshark.ts';

const required = Boolean(process.env.REQUIRE_REAL_PEERS);
const RTP_PORT = 5004;
const RTCP_PORT = 5005;
const TSHARK_ARGS = ['-d', `udp.port==${RTP_PORT},rtp`, '-d', `udp.port==${RTCP_PORT},rtcp`];

/** Test key material (arbitrary bytes; the dissector never sees keys). */
function session(p: SrtpProfile): SrtpSession {
  const key = { key: new Uint8Array(p.keyLength).map((_, i) => i + 1), salt: new Uint8Array(p.saltLength).map((_, i) => 0xa0 + i) };
  return new SrtpSession({ profile: p, local: key, remote: key });
}

/** Plain RTP packets, built by hand (RFC 3550 §5.1) in helpers.ts. */
const plain: (RtpFields & { ssrc: number; ts: number; csrcs: number[]; payload: Uint8Array })[] = [
  { seq: 4660, ts: 0xdeadbeef, ssrc: 0x11223344, pt: 111, csrcs: [], payload: new Uint8Array(160).fill(0xd5) },
  {
    seq: 65535, ts: 90000, ssrc: 0xcafef00d, pt: 96, csrcs: [0x01020304, 0x05060708],
    // RFC 8285 §4.2 one-byte elements: id 1 len 1 (0xa8), id 3 len 2 (0x1234), then zero padding.
    extension: Uint8Array.of(0x10, 0xa8, 0x31, 0x12, 0x34, 0, 0, 0),
    payload: Uint8Array.from({ length: 33 }, (_, i) => i),
  },
];

interface Sample {
  readonly profile: SrtpProfile;
  readonly packet: (typeof plain)[number];
  readonly plainBytes: Uint8Array;
  readonly protectedBytes: Uint8Array;
}

const hx8 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

if (!tsharkPath && !required) {
  describe.skip('SRTP headers vs Wireshark (skipped: tshark not installed; apt-get install tshark)', () => {
    it('needs tshark', () => {});
  });
} else {
  describe('SRTP/SRTCP packets still dissect as the same RTP/RTCP headers in Wireshark', () => {
    const samples: Sample[] = [];
    for (const profile of ALL_PROFILES) {
      const s = session(profile);
      for (const packet of plain) {
        const plainBytes = buildRtp(packet);
        samples.push({ profile, packet, plainBytes, protectedBytes: s.protectRtp(plainBytes) });
      }
    }
    // RR from SSRC 0x55667788 with one report block (RFC 3550 §6.4.2), built by hand in helpers.ts.
    const rtcpPlain = rtcpRr(0x55667788);
    const srtcp = ALL_PROFILES.map((p) => ({ profile: p, bytes: session(p).protectRtcp(rtcpPlain) }));
    let frames: Layers[] = [];

    beforeAll(async () => {
      if (!tsharkPath) throw new Error('REQUIRE_REAL_PEERS is set but tshark is not installed (apt-get install tshark)');
      const rtp = (data: Uint8Array): PcapPacket => ({ from: { address: '127.0.0.1', port: RTP_PORT }, to: { address: '127.0.0.1', port: 6004 }, data });
      const rtcp = (data: Uint8Array): PcapPacket => ({ from: { address: '127.0.0.1', port: RTCP_PORT }, to: { address: '127.0.0.1', port: 6005 }, data });
      const packets = [
        ...samples.flatMap((s) => [rtp(s.plainBytes), rtp(s.protectedBytes)]),
        ...srtcp.map((s) => rtcp(s.bytes)),
      ];
      frames = await dissect(packets, { args: TSHARK_ARGS });
      expect(frames).toHaveLength(packets.length);
    });

    const HEADER_FIELDS = ['rtp.version', 'rtp.padding', 'rtp.ext', 'rtp.cc', 'rtp.marker', 'rtp.p_type', 'rtp.seq', 'rtp.timestamp', 'rtp.ssrc', 'rtp.csrc.item', 'rtp.ext.profile', 'rtp.ext.len', 'rtp.ext.rfc5285.id', 'rtp.ext.rfc5285.len', 'rtp.ext.rfc5285.data'];

    samples.forEach((s, i) => {
      it(`${s.profile.name}: seq ${s.packet.seq}, ssrc ${hx8(s.packet.ssrc)} — same header, payload + ${s.profile.rtpTagLength}-byte tag`, () => {
        const clear = frames[2 * i];
        const prot = frames[2 * i + 1];
        for (const f of [clear, prot]) {
          expect(protocols(f)).toContain('rtp');
          expect(problems(f)).toEqual([]);
        }
        // The values we encoded, as tshark reads them from the protected packet.
        expect(fieldValues(prot.rtp, 'rtp.seq')).toEqual([String(s.packet.seq)]);
        expect(fieldValues(prot.rtp, 'rtp.timestamp')).toEqual([String(s.packet.ts)]);
        expect(fieldValues(prot.rtp, 'rtp.ssrc')).toEqual([hx8(s.packet.ssrc)]);
        expect(fieldValues(prot.rtp, 'rtp.csrc.item')).toEqual(s.packet.csrcs.map(hx8));
        // ... and every header field the same as in the plain packet.
        for (const name of HEADER_FIELDS) expect(fieldValues(prot.rtp, name), name).toEqual(fieldValues(clear.rtp, name));
        // RFC 3711 §3.1 / RFC 7714 §8.1: the encrypted payload keeps its length; the tag follows.
        const payload = fieldValues(prot.rtp, 'rtp.payload')[0] ?? '';
        expect(payload.split(':').length).toBe(s.packet.payload.length + s.profile.rtpTagLength);
        expect(payload).not.toBe(fieldValues(clear.rtp, 'rtp.payload')[0]);
      });
    });

    srtcp.forEach((s, i) => {
      it(`${s.profile.name}: SRTCP keeps the first RTCP header and sender SSRC in the clear (RFC 3711 §3.4)`, () => {
        const f = frames[2 * samples.length + i];
        expect(protocols(f)).toContain('rtcp');
        const first = (Array.isArray(f.rtcp) ? f.rtcp[0] : f.rtcp) as Record<string, unknown>;
        expect(first['rtcp.version']).toBe('2');
        expect(first['rtcp.pt']).toBe('201');
        expect(first['rtcp.rc']).toBe('1');
        expect(first['rtcp.length']).toBe('7');
        expect(first['rtcp.senderssrc']).toBe('0x55667788');
        // Past those 8 bytes tshark reads ciphertext: the rest must not be our plaintext.
        expect(Buffer.from(s.bytes.subarray(8, rtcpPlain.length)).equals(Buffer.from(rtcpPlain.subarray(8)))).toBe(false);
      });
    });
  });
}
