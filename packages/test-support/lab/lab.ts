/**
 * netsim lab: a few datagrams through a lossy link and a NAT, with the annotated trace.
 *
 *   npm run lab:netsim                       (seed 7)
 *   npm run lab:netsim -- 8                  (another seed: another loss pattern, same shape)
 *   npm run lab:netsim -- 7 --pcap run.pcap  (also write what the receivers saw, for Wireshark)
 *
 * Everything runs on a virtual clock: no sockets, no timers, no real network.
 */
import { addressKey } from '@rtcstack/common';
import { writeFileSync } from 'node:fs';
import { Network, formatTrace, toPcap, type TraceEvent } from '../src/index.ts';

const args = process.argv.slice(2);
const pcapAt = args.indexOf('--pcap');
const pcapFile = pcapAt >= 0 ? args[pcapAt + 1] : undefined;
const seed = Number(args.find((a, i) => /^\d+$/.test(a) && (pcapAt < 0 || i !== pcapAt + 1)) ?? 7);
const text = new TextDecoder();
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

const EXPLAIN: Record<string, string> = {
  send: 'a socket hands the datagram to the network (addresses as the sender sees them)',
  'nat-map': 'the NAT creates a mapping: internal address -> external port (RFC 4787 §4.1)',
  'nat-expire': 'the NAT forgot an idle mapping (RFC 4787 §4.3)',
  deliver: 'the datagram reaches a socket (addresses as the receiver sees them)',
  drop: 'the datagram is gone; the reason is counted in the statistics',
};

const lines: TraceEvent[] = [];
const net = new Network({ seed, trace: (e) => lines.push(e) });

// The topology: alice on the public Internet; bob at home behind a typical NAT.
const alice = net.addHost('alice', '198.51.100.10');
const mallory = net.addHost('mallory', '198.51.100.66');
const home = net.addNat('home', {
  publicAddress: '203.0.113.1',
  mapping: 'endpoint-independent', // §4.1: one external port for all destinations
  filtering: 'address-and-port-dependent', // §5: only who bob has written to may answer
  mappingTimeoutMs: 30_000,
});
const bob = home.addHost('bob', '192.168.1.20');
net.setLink('bob', 'alice', { delayMs: 20, jitterMs: 10, loss: 0.3 });

const sa = alice.bind(4000);
const sb = bob.bind(); // an ephemeral port, like the OS would pick
const sm = mallory.bind(6666);

// alice echoes everything back to where it came from: bob's external (mapped) address.
let bobsExternal = '';
sa.onReceive = (data, from) => {
  bobsExternal = addressKey(from);
  sa.send(bytes(`echo: ${text.decode(data)}`), from);
};

// bob sends five datagrams, 50 ms apart.
for (let i = 1; i <= 5; i++) net.at(i * 50, () => sb.send(bytes(`hello #${i}`), sa.local));
// mallory guesses bob's external address and port: the NAT's filtering stops her.
net.at(400, () => {
  const [address, port] = bobsExternal.split(':');
  sm.send(bytes('let me in'), { address, port: Number(port) });
});
// 40 s later the mapping has expired (30 s timeout): alice's late datagram finds no mapping.
net.at(40_400, () => {
  const [address, port] = bobsExternal.split(':');
  sa.send(bytes('are you still there?'), { address, port: Number(port) });
});
net.run(41_000);

console.log(`netsim lab, seed ${seed}`);
console.log(`  alice   198.51.100.10 (public)`);
console.log(`  mallory 198.51.100.66 (public)`);
console.log(`  bob     192.168.1.20 behind NAT "home" 203.0.113.1 (EIM mapping, APDF filtering, 30 s timeout)`);
console.log(`  link bob<->alice: 20 ms delay + up to 10 ms jitter, 30% loss\n`);
console.log('What each kind of line means:');
for (const [k, v] of Object.entries(EXPLAIN)) console.log(`  ${k.padEnd(11)} ${v}`);
console.log('\n      time    id   event                link           from -> to, size  [notes]');
for (const e of lines) {
  const payload = e.data ? `  "${text.decode(e.data)}"` : '';
  console.log(formatTrace(e) + payload);
}

const st = net.stats();
console.log('\nStatistics per directed link:');
console.log(`  ${'link'.padEnd(16)} sent  delivered  dropped (reasons)`);
for (const [link, c] of Object.entries(st.links)) {
  const reasons = Object.entries(c.dropped)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r}=${n}`)
    .join(' ');
  console.log(`  ${link.padEnd(16)} ${String(c.sent).padStart(4)}  ${String(c.delivered).padStart(9)}  ${String(c.droppedTotal).padStart(7)} ${reasons}`);
}
console.log(`\n${(net.now / 1000).toFixed(1)} s of virtual time simulated.`);
if (pcapFile) {
  writeFileSync(pcapFile, toPcap(lines));
  console.log(`Wrote the delivered datagrams to ${pcapFile} (open with Wireshark or tshark -r).`);
}
