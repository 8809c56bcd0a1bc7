/**
 * npm run lab:rtp [-- --law ulaw|alaw] [--freq 440] [--seq N] [--ts N] [--ssrc HEX] [--audio-level ID]
 *
 * --audio-level ID adds the RFC 6464 audio level header extension (one-byte form, RFC 8285) with
 * that extmap id, as browsers send it.
 *
 * Builds one 20 ms G.711 frame (a sine tone at 8 kHz, 160 samples), packetizes it into RTP the
 * way the demo call does, and prints the RTP header field by field, the first samples next to
 * their G.711 codes, and what changes in the next packet.
 */
import { hexDump, toHex } from '@rtcstack/common';
import {
  audioLevel,
  decodeRtp,
  encodeAudioLevel,
  encodeRtp,
  G711_CLOCK_RATE,
  G711_FRAME_SAMPLES,
  G711Packetizer,
  G711PayloadType,
  g711Decode,
  ToneGenerator,
  type RtpPacket,
} from '../src/index.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const law = arg('law') === 'alaw' ? 'alaw' : 'ulaw';
const pt = law === 'ulaw' ? G711PayloadType.PCMU : G711PayloadType.PCMA;
const freq = Number(arg('freq') ?? 440);
// Random in a real call (RFC 3550 §5.1); fixed here so the lab prints the same bytes each run.
const packetizer = new G711Packetizer({
  ssrc: parseInt(arg('ssrc') ?? '5eed1234', 16),
  payloadType: pt,
  initialSequence: Number(arg('seq') ?? 4660),
  initialTimestamp: Number(arg('ts') ?? 3_000_000_000),
});
const tone = new ToneGenerator(freq, G711_CLOCK_RATE, 0.5);

const levelId = arg('audio-level') === undefined ? undefined : Number(arg('audio-level'));
const frame = tone.next(G711_FRAME_SAMPLES);
const plain = packetizer.packetize(frame);
const packet: RtpPacket =
  levelId === undefined
    ? plain
    : { ...plain, extension: { kind: 'one-byte', elements: [{ id: levelId, data: encodeAudioLevel({ voiceActivity: true, level: audioLevel(frame) }) }] } };
const wire = encodeRtp(packet);
const h = (b: Uint8Array, from: number, to: number) => toHex(b.subarray(from, to)).replace(/(..)/g, '$1 ').trim();

console.log(`One 20 ms frame of a ${freq} Hz tone: ${G711_FRAME_SAMPLES} samples at ${G711_CLOCK_RATE} Hz, ` +
  `encoded as G.711 ${law === 'ulaw' ? 'µ-law (PCMU)' : 'A-law (PCMA)'}, audio level ${audioLevel(frame)} (-dBov, RFC 6464).\n`);
console.log(`RTP packet: ${wire.length} bytes = ${wire.length - packet.payload.length} header + ${packet.payload.length} payload (RFC 3550 §5.1)\n`);
console.log(' 0                   1                   2                   3');
console.log(' 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1');
console.log('+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+');
console.log('|V=2|P|X|  CC   |M|     PT      |       sequence number         |');
console.log('|                           timestamp                           |');
console.log('|           synchronization source (SSRC) identifier            |');
console.log('+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+\n');

function annotate(p: RtpPacket, b: Uint8Array): void {
  const rows: [string, string, string][] = [
    ['0', h(b, 0, 1), `V=${b[0] >> 6} P=${(b[0] >> 5) & 1} X=${(b[0] >> 4) & 1} CC=${b[0] & 15}: version 2, ${p.padding ? 'padding' : 'no padding'}, ${p.extension ? 'a header extension follows' : 'no header extension'}, ${p.csrcs.length} CSRCs`],
    ['1', h(b, 1, 2), `M=${p.marker ? 1 : 0} PT=${p.payloadType}: ${p.marker ? 'marker set, first packet of a talkspurt (RFC 3551 §4.1); ' : ''}PT ${p.payloadType} = ${p.payloadType === 0 ? 'PCMU' : 'PCMA'}/8000 (RFC 3551 Table 4)`],
    ['2-3', h(b, 2, 4), `sequence number ${p.sequenceNumber}: +1 per packet, lets the receiver see loss and reordering`],
    ['4-7', h(b, 4, 8), `timestamp ${p.timestamp}: sampling instant of the first octet, in 1/8000 s; +160 per 20 ms`],
    ['8-11', h(b, 8, 12), `SSRC 0x${p.ssrc.toString(16).padStart(8, '0')}: this stream's random identifier`],
  ];
  let at = 12 + 4 * p.csrcs.length;
  if (p.extension) {
    const words = (b[at + 2] << 8) | b[at + 3];
    rows.push([`${at}-${at + 3}`, h(b, at, at + 4), `extension profile 0x${h(b, at, at + 2).replace(' ', '')} (${p.extension.kind}, RFC 8285), length ${words} word(s)`]);
    let i = at + 4;
    if (p.extension.kind === 'one-byte') {
      for (const e of p.extension.elements) {
        const lv = e.data[0];
        rows.push([`${i}-${i + e.data.length}`, h(b, i, i + 1 + e.data.length), `element ID=${b[i] >> 4} L=${b[i] & 15} (${e.data.length} byte): audio level V=${lv >> 7} level ${lv & 0x7f} = -${lv & 0x7f} dBov (RFC 6464)`]);
        i += 1 + e.data.length;
      }
    }
    const end = at + 4 + 4 * words;
    if (i < end) rows.push([`${i}-${end - 1}`, h(b, i, end), 'padding to a 32-bit boundary']);
    at = end;
  }
  rows.push([`${at}-${b.length - 1}`, `${h(b, at, at + 4)} ...`, `payload: ${p.payload.length} G.711 octets, one per sample (20 ms)`]);
  for (const [o, bytes, what] of rows) console.log(`  ${o.padEnd(7)} ${bytes.padEnd(13)} ${what}`);
}
annotate(decodeRtp(wire), wire);

console.log('\nFirst 8 samples -> G.711 code -> decoded sample (the quantisation error is what G.711 costs):');
const decoded = g711Decode(law, packet.payload);
for (let i = 0; i < 8; i++) {
  const code = packet.payload[i];
  // On the wire µ-law is sent with all bits inverted, A-law with the even bits inverted (XOR 0x55).
  const raw = law === 'ulaw' ? ~code & 0xff : code ^ 0x55;
  console.log(`  sample ${String(i).padStart(2)}: ${String(frame[i]).padStart(6)} -> 0x${code.toString(16).padStart(2, '0')} ` +
    `(${code & 0x80 ? '+' : '-'}, segment ${(raw >> 4) & 7}, step ${raw & 15}) -> ${String(decoded[i]).padStart(6)}`);
}

const next = packetizer.packetize(tone.next(G711_FRAME_SAMPLES));
const nextWire = encodeRtp(next);
console.log('\nThe next packet, 20 ms later:');
console.log(`  byte 1     ${h(nextWire, 1, 2)}  marker now ${next.marker ? 1 : 0} (same talkspurt)`);
console.log(`  bytes 2-3  ${h(nextWire, 2, 4)}  sequence ${packet.sequenceNumber} -> ${next.sequenceNumber}`);
console.log(`  bytes 4-7  ${h(nextWire, 4, 8)}  timestamp ${packet.timestamp} -> ${next.timestamp} (+${(next.timestamp - packet.timestamp) >>> 0})`);

console.log('\nThe whole first packet:');
console.log(hexDump(wire, '  '));
