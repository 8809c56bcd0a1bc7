/**
 * npm run lab:rtcp [-- HEX] [--json]
 *
 * Decodes a compound RTCP packet given as hex (whitespace allowed) and explains every field.
 * Without an argument it decodes a real compound from a packet dump (pion/rtcp's packet_test.go
 * realPacket): RR, SDES, BYE, PLI, an RTPFB it keeps raw, and APP.
 */
import { fromHex, hexDump, isParseError, toHex } from '@rtcstack/common';
import {
  compactNtpToMs,
  decodeRtcp,
  encodeRtcp,
  nackSequenceNumbers,
  NTP_UNIX_OFFSET_SECONDS,
  twccPacketResults,
  twccSymbols,
  type ReportBlock,
  type RtcpPacket,
} from '../src/index.ts';

const EXAMPLE =
  '81c90007 902f9e2e bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79' + // RR
  '81ca000c 902f9e2e 0126 7b39633030656239322d316166622d396434392d613437642d3931663634656565363966357d 00000000' + // SDES
  '81cb0001 902f9e2e' + // BYE
  '81ce0002 902f9e2e 902f9e2e' + // PLI
  '85cd0002 902f9e2e 902f9e2e' + // RTPFB FMT 5
  '80cc0003 4baae1ab 4e414d45 41424344'; // APP

const PT_NAMES: Record<number, string> = {
  200: 'SR sender report (RFC 3550 §6.4.1)',
  201: 'RR receiver report (RFC 3550 §6.4.2)',
  202: 'SDES source description (RFC 3550 §6.5)',
  203: 'BYE goodbye (RFC 3550 §6.6)',
  204: 'APP application-defined (RFC 3550 §6.7)',
  205: 'RTPFB transport-layer feedback (RFC 4585 §6.2)',
  206: 'PSFB payload-specific feedback (RFC 4585 §6.3)',
  207: 'XR extended report (RFC 3611, not interpreted here)',
};
const RTPFB_FMT: Record<number, string> = { 1: 'generic NACK', 3: 'TMMBR (RFC 5104)', 4: 'TMMBN (RFC 5104)', 5: 'RRR rapid resynchronisation request (RFC 6051)', 15: 'transport-wide CC' };
const PSFB_FMT: Record<number, string> = { 1: 'PLI', 2: 'SLI', 3: 'RPSI', 4: 'FIR (RFC 5104)', 15: 'application layer feedback (REMB)' };
const SDES_NAMES = ['END', 'CNAME', 'NAME', 'EMAIL', 'PHONE', 'LOC', 'TOOL', 'NOTE', 'PRIV'];

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const json = process.argv.includes('--json');
const hex = args.length ? args.join('') : EXAMPLE;

let packets: RtcpPacket[];
let bytes: Uint8Array;
try {
  bytes = fromHex(hex);
  packets = decodeRtcp(bytes);
} catch (e) {
  if (isParseError(e)) {
    console.error(`rejected: ${e.message}\n  layer ${e.layer}, field ${e.field}, byte offset ${e.offset}`);
    process.exit(1);
  }
  throw e;
}

if (json) {
  const plain = (v: unknown): unknown =>
    v instanceof Uint8Array ? toHex(v) : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
  console.log(JSON.stringify(plain(packets), null, 2));
  process.exit(0);
}

const hx = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const say = (s: string) => console.log(`    ${s}`);

function block(b: ReportBlock, i: number): void {
  say(`report block ${i} about SSRC ${hx(b.ssrc)}:`);
  say(`  fraction lost ${b.fractionLost}/256 = ${((b.fractionLost / 256) * 100).toFixed(1)}% of packets expected since the previous report (A.3)`);
  say(`  cumulative lost ${b.cumulativeLost} packets since the start (expected - received; negative with duplicates)`);
  say(`  extended highest sequence ${b.highestSequence} = ${b.highestSequence >>> 16} wrap(s) × 65536 + seq ${b.highestSequence & 0xffff} (A.1)`);
  say(`  interarrival jitter ${b.jitter} timestamp units (A.8; ${((b.jitter / 8000) * 1000).toFixed(2)} ms at 8 kHz, ${((b.jitter / 90000) * 1000).toFixed(2)} ms at 90 kHz)`);
  if (b.lastSr === 0) say('  LSR 0: no sender report received from that source yet, so no RTT');
  else {
    say(`  LSR ${hx(b.lastSr)}: middle 32 bits of the NTP time of the last SR seen (${(b.lastSr / 65536).toFixed(3)} s mod 65536)`);
    say(`  DLSR ${b.delaySinceLastSr} = ${compactNtpToMs(b.delaySinceLastSr).toFixed(1)} ms held between that SR and this report`);
    say('  the SR sender computes RTT = arrival time - LSR - DLSR (§6.4.1)');
  }
}

function explain(p: RtcpPacket): void {
  switch (p.type) {
    case 'sr': {
      const unix = p.ntpSeconds - NTP_UNIX_OFFSET_SECONDS + p.ntpFraction / 2 ** 32;
      say(`sender SSRC ${hx(p.ssrc)}`);
      say(`NTP timestamp ${hx(p.ntpSeconds)}.${hx(p.ntpFraction).slice(2)} = ${new Date(unix * 1000).toISOString()} (wall clock when sent)`);
      say(`RTP timestamp ${p.rtpTimestamp}: the same instant on the media clock (lets receivers sync audio and video)`);
      say(`sender's packet count ${p.packetCount}, octet count ${p.octetCount} (payload octets)`);
      p.reports.forEach(block);
      if (p.profileExtension) say(`profile-specific extension: ${toHex(p.profileExtension)}`);
      return;
    }
    case 'rr':
      say(`SSRC of the reporter ${hx(p.ssrc)}`);
      if (p.reports.length === 0) say('no report blocks (nothing received yet)');
      p.reports.forEach(block);
      if (p.profileExtension) say(`profile-specific extension: ${toHex(p.profileExtension)}`);
      return;
    case 'sdes':
      for (const c of p.chunks) {
        say(`chunk for SSRC ${hx(c.ssrc)}:`);
        for (const it of c.items) say(`  ${SDES_NAMES[it.type] ?? `type ${it.type}`}: ${JSON.stringify(it.text)}${it.prefix !== undefined ? ` (prefix ${JSON.stringify(it.prefix)})` : ''}`);
        say('  END, then null octets to the next 32-bit boundary');
      }
      return;
    case 'bye':
      say(`leaving: ${p.ssrcs.map(hx).join(', ') || '(no SSRC)'}`);
      say(p.reason !== undefined ? `reason: ${JSON.stringify(p.reason)}` : 'no reason given');
      return;
    case 'app':
      say(`subtype ${p.subtype}, SSRC ${hx(p.ssrc)}, name ${JSON.stringify(p.name)}, ${p.data.length} data octet(s): ${toHex(p.data)}`);
      return;
    case 'nack':
      say(`from ${hx(p.senderSsrc)} about media SSRC ${hx(p.mediaSsrc)}`);
      for (const x of p.pairs) say(`PID ${x.pid}, BLP ${x.blp.toString(2).padStart(16, '0')} -> lost: ${nackSequenceNumbers([x]).join(', ')}`);
      say('the sender should retransmit those packets (RTX, RFC 4588) if it still has them');
      return;
    case 'pli':
      say(`from ${hx(p.senderSsrc)}: picture lost for media SSRC ${hx(p.mediaSsrc)}; please send a key frame`);
      return;
    case 'fir':
      say(`from ${hx(p.senderSsrc)}; media SSRC field ${hx(p.mediaSsrc)} (RFC 5104: unused, 0)`);
      for (const e of p.entries) say(`FIR for SSRC ${hx(e.ssrc)}, command sequence ${e.sequenceNumber}: send a decoder refresh point now`);
      return;
    case 'remb':
      say(`from ${hx(p.senderSsrc)}: estimated maximum bitrate ${p.mantissa} × 2^${p.exponent} = ${(p.bitrate / 1e6).toFixed(3)} Mb/s`);
      say(`applies to SSRC(s): ${p.ssrcs.map(hx).join(', ') || '(none)'}`);
      return;
    case 'twcc': {
      say(`from ${hx(p.senderSsrc)} about media SSRC ${hx(p.mediaSsrc)}; feedback packet #${p.feedbackPacketCount}`);
      say(`transport-wide sequence numbers ${p.baseSequence}..${(p.baseSequence + p.packetStatusCount - 1) & 0xffff} (${p.packetStatusCount} packets)`);
      say(`reference time ${p.referenceTime} × 64 ms = ${p.referenceTime * 64} ms`);
      for (const c of p.chunks) {
        say(c.kind === 'run' ? `run-length chunk: status ${c.symbol} × ${c.runLength}` : `status vector chunk (${c.symbolSize}-bit): ${c.symbols.join('')}`);
      }
      const syms = twccSymbols(p.chunks, p.packetStatusCount);
      say(`statuses (0 lost, 1 small delta, 2 large delta): ${syms.join('')}`);
      for (const r of twccPacketResults(p)) say(`  seq ${r.sequenceNumber}: ${r.received ? `arrived at ${(r.arrivalUs! / 1000).toFixed(2)} ms` : 'not received'}`);
      return;
    }
    case 'rtpfb':
      say(`FMT ${p.fmt} (${RTPFB_FMT[p.fmt] ?? 'unknown'}), from ${hx(p.senderSsrc)} about ${hx(p.mediaSsrc)}, FCI ${toHex(p.fci) || '(empty)'} (kept raw)`);
      return;
    case 'psfb':
      say(`FMT ${p.fmt} (${PSFB_FMT[p.fmt] ?? 'unknown'}), from ${hx(p.senderSsrc)} about ${hx(p.mediaSsrc)}, FCI ${toHex(p.fci) || '(empty)'} (kept raw)`);
      return;
    case 'raw':
      say(`not interpreted; skipped by its length word. body: ${toHex(p.body)}`);
      return;
  }
}

console.log(`${args.length ? 'Your' : 'Example (pion/rtcp realPacket, from a packet dump):'} compound RTCP packet, ${bytes.length} bytes, ${packets.length} packet(s) (RFC 3550 §6.1)\n`);
let at = 0;
packets.forEach((p, i) => {
  const size = 4 * (((bytes[at + 2] << 8) | bytes[at + 3]) + 1);
  const b0 = bytes[at];
  const pt = bytes[at + 1];
  const countMeaning = pt === 205 || pt === 206 ? 'FMT' : pt === 204 ? 'subtype' : pt === 202 ? 'chunk count' : pt === 203 ? 'source count' : 'report count';
  console.log(`#${i + 1} at offset ${at}: ${PT_NAMES[pt] ?? `packet type ${pt} (unknown)`}`);
  console.log(`    header ${toHex(bytes.subarray(at, at + 4))}: V=${b0 >> 6} P=${(b0 >> 5) & 1} ${countMeaning}=${b0 & 31} PT=${pt} length=${size / 4 - 1} -> ${size} bytes`);
  if (p.padding) say(`padding: ${p.padding.length} octet(s) at the end (${toHex(p.padding)}); the last one is the count`);
  explain(p);
  console.log(hexDump(bytes.subarray(at, at + size), '      '));
  console.log();
  at += size;
});
const again = encodeRtcp(packets);
console.log(toHex(again) === toHex(bytes) ? 'Re-encoding gives the same bytes.' : `Re-encoding gives canonical bytes that differ: ${toHex(again)}`);
