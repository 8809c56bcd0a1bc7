/**
 * `npm run lab:sctp` — two SCTP endpoints (data channel transports) in one process, joined by a
 * simulated link with 20 ms delay and 15% loss. Every packet is printed as its chunks; lost and
 * duplicated datagrams are marked. Watch: the four-way handshake and its state cookie, DCEP
 * opening a channel, a 5 000-byte message fragmented into DATA chunks, SACKs with gap blocks when
 * a packet is lost, retransmissions, a stream reset closing the channel, and the SHUTDOWN exchange.
 *
 * Options: --loss 0.15  --seed 5
 */
import { Network, driveCore, type TraceEvent } from '@rtcstack/test-support';
import { hexDump, seededRandom } from '@rtcstack/common';
import { SctpTransport, decodePacket, describeChunk } from '../src/index.ts';

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const loss = arg('loss', 0.15);
const seed = arg('seed', 5);

const net = new Network({ seed, defaultLink: { delayMs: 20, loss } });
const sa = net.addHost('alice', ['10.0.0.1']).bind(5000);
const sb = net.addHost('bob', ['10.0.0.2']).bind(5000);
const clock = (): number => net.now;
const alice = new SctpTransport({ role: 'client', random: seededRandom(seed), heartbeatIntervalMs: 0, clock });
const bob = new SctpTransport({ role: 'server', random: seededRandom(seed + 1), heartbeatIntervalMs: 0, clock });

let shownInit = false;
const say = (s: string): void => console.log(s);
net.onTrace = (e: TraceEvent) => {
  const t = `${e.time.toFixed(0).padStart(6)} ms`;
  const dir = e.link.startsWith('alice') ? 'alice → bob  ' : 'bob   → alice';
  if (e.kind === 'send' && e.data) {
    const p = decodePacket(e.data);
    const chunks = p.chunks.map(describeChunk);
    say(`${t}  ${dir}  #${e.id} vtag=0x${p.verificationTag.toString(16).padStart(8, '0')}  ${chunks[0] ?? '(no chunks)'}`);
    for (const c of chunks.slice(1)) say(`${' '.repeat(40)}+ ${c}`);
    if (!shownInit && p.chunks[0]?.type === 1) {
      shownInit = true;
      say('\n  The INIT packet, byte by byte (RFC 9260 §3.1 common header, §3.3.2 INIT):');
      say('   0-1 source port, 2-3 destination port, 4-7 verification tag (0 in INIT), 8-11 CRC32c (little-endian)');
      say('   12 chunk type 1, 13 flags, 14-15 length, then initiate tag, a_rwnd, OS, MIS, initial TSN, parameters');
      say(hexDump(e.data, '   ') + '\n');
    }
  } else if (e.kind === 'drop') say(`${t}  ${dir}  #${e.id} ✗ lost (${e.reason})`);
  else if (e.kind === 'deliver' && e.note) say(`${t}  ${dir}  #${e.id} delivered [${e.note}]`);
};

for (const [tr, s, peer] of [
  [alice, sa, sb],
  [bob, sb, sa],
] as const) {
  driveCore(net, s, {
    onDatagram: (now, data) => tr.handleInput(now, data),
    flush: (send) => {
      for (let p; (p = tr.pollOutput()); ) send(p, peer.local);
    },
    nextTimeout: () => tr.nextTimeout(),
    handleTimeout: (now) => tr.handleTimeout(now),
  });
}
alice.onassociationstate = (s) => say(`${' '.repeat(10)}  [alice is now ${s}]`);
bob.onassociationstate = (s) => say(`${' '.repeat(10)}  [bob is now ${s}]`);

say(`SCTP lab: 20 ms one way, ${loss * 100}% loss, seed ${seed}\n`);
say('── 1. association: INIT, INIT ACK (with the state cookie), COOKIE ECHO, COOKIE ACK (RFC 9260 §5.1)');
alice.start(net.now);
net.runUntil(() => alice.state === 'connected' && bob.state === 'connected', 120_000);

say('\n── 2. a data channel: DCEP DATA_CHANNEL_OPEN (PPID 50) and the one-byte ACK (RFC 8832)');
bob.ondatachannel = (ch) => {
  say(`${' '.repeat(10)}  [bob: new channel "${ch.label}" id=${ch.id}]`);
  ch.onmessage = (e) => say(`${' '.repeat(10)}  [bob received ${typeof e.data === 'string' ? `"${e.data}"` : `${e.data.length} bytes`}]`);
  ch.onclose = () => say(`${' '.repeat(10)}  [bob: channel closed]`);
};
const ch = alice.createDataChannel('chat');
ch.onclose = () => say(`${' '.repeat(10)}  [alice: channel closed]`);
net.runFor(500);

say('\n── 3. messages: small ones bundle, a 5 000-byte one is fragmented (B ... E); losses show up as SACK gap blocks');
ch.send('hello');
ch.send('bob');
ch.send(new Uint8Array(5000).fill(7));
for (let i = 0; i < 6; i++) ch.send(`message ${i}`);
net.runFor(10_000);

say('\n── 4. closing the channel resets its stream (RE-CONFIG, RFC 6525) in both directions');
ch.close();
net.runFor(10_000);

say('\n── 5. shutdown: SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE (RFC 9260 §9.2)');
alice.close(net.now);
net.runUntil(() => alice.state === 'closed' && bob.state === 'closed', 120_000);
const s = alice.association.stats;
say(`\nalice sent ${s.packetsSent} packets, ${s.dataChunksSent} DATA chunks, ${s.retransmissions} retransmissions (${s.fastRetransmits} fast, ${s.t3Expirations} T3 timeouts)`);
