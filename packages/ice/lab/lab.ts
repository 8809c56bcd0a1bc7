/**
 * npm run lab:ice [-- --turn host:port --user u --pass p] [--json]
 *
 * Two ICE agents on 127.0.0.1 with real UDP sockets. Shows the first connectivity check and its
 * answer byte by byte, prints the checklist every time a pair changes state, then the selected
 * pair and a few bytes of application data over it. With --turn both agents gather relayed
 * candidates from that TURN server and use only those (iceTransportPolicy "relay"), so every
 * byte goes through the server. --json prints only the outcome. Exits by itself.
 */
import { annotateMessage, decodeMessage, formatAnnotated, getAttribute, longTermKey, shortTermKey } from '@rtcstack/stun';
import { UdpIceAgent } from '../src/node/index.ts';
import type { CandidatePair, IceConnectionState, TurnServerConfig } from '../src/index.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = args.includes('--json');
const turnArg = opt('turn');
let turnServers: TurnServerConfig[] = [];
if (turnArg) {
  const at = turnArg.lastIndexOf(':');
  turnServers = [{ address: { address: turnArg.slice(0, at), port: Number(turnArg.slice(at + 1)) }, username: opt('user') ?? '', password: opt('pass') ?? '' }];
}
const log = (s = ''): void => {
  if (!json) console.log(s);
};
const rule = (title: string): void => log(`\n── ${title} ${'─'.repeat(Math.max(0, 90 - title.length))}`);

log(`ICE (RFC 8445) in one minute.
Each agent lists its candidates (host addresses, plus server-reflexive from STUN and relayed from
TURN), the peers swap them over signaling, and every local candidate is paired with every remote
one. The pairs are sorted by priority and checked one every Ta (50 ms) with STUN Binding requests
that carry USERNAME, PRIORITY, ICE-CONTROLLING/CONTROLLED and MESSAGE-INTEGRITY. The controlling
agent then nominates the best pair that worked (USE-CANDIDATE); that is the selected pair.${turnArg ? `\n\nTURN: ${turnArg}, relay-only.` : ''}`);

const common = { addresses: ['127.0.0.1'], turnServers, transportPolicy: turnArg ? ('relay' as const) : ('all' as const) };
const a = await UdpIceAgent.create({ controlling: true, ...common });
const b = await UdpIceAgent.create({ controlling: false, ...common });
const states: Record<'a' | 'b', IceConnectionState[]> = { a: [], b: [] };
const received: string[] = [];
let shownRequest = false;
let shownResponse = false;
const start = a.now();
const t = (): string => `${(a.now() - start).toFixed(1).padStart(7)} ms`;

const pairText = (p: CandidatePair): string =>
  `    ${p.state.padEnd(11)} ${p.nominated ? 'N' : ' '} ${`${p.local.type} ${p.local.address}:${p.local.port}`.padEnd(28)} → ${`${p.remote.type} ${p.remote.address}:${p.remote.port}`.padEnd(28)} prio ${p.priority}`;
let lastChecklist = '';
const showChecklist = (): void => {
  const text = a.agent.checklist.map(pairText).join('\n');
  if (text === lastChecklist || text === '') return;
  lastChecklist = text;
  log(`\n${t()}  checklist of a (${a.agent.controlling ? 'controlling' : 'controlled'}):\n${text}`);
};

// With --turn: the TURN conversation of agent a, annotated (first of each kind).
const shownTurn = new Set<string>();
let turnRealm: string | undefined;
const showTurn = (dir: 'in' | 'out', data: Uint8Array): void => {
  if (data[0] >= 0x40 && data[0] <= 0x4f) {
    if (shownTurn.has(`cd-${dir}`)) return;
    shownTurn.add(`cd-${dir}`);
    const channel = (data[0] << 8) | data[1];
    const length = (data[2] << 8) | data[3];
    rule(`TURN ChannelData ${dir === 'out' ? 'a → server' : 'server → a'} (RFC 8656 §12.4)`);
    log(`     0  ${hex(data.subarray(0, 2))}        channel number       0x${channel.toString(16)} (bound with ChannelBind; first byte 0x40-0x4f, RFC 7983)`);
    log(`     2  ${hex(data.subarray(2, 4))}        length               ${length} bytes of application data follow: 4 bytes of overhead instead of ~36`);
    log(`     4  ${hex(data.subarray(4, Math.min(16, data.length)))}${data.length > 16 ? ' ...' : ''}  data (here: a STUN check or the app's bytes)`);
    return;
  }
  if (data[0] > 3) return;
  try {
    const m = decodeMessage(data);
    if (m.method < 3 || m.method > 9) return;
    const kind = `${m.method}-${m.class}-${m.attributes.some((x) => x.type === 0x0008)}`;
    if (shownTurn.has(kind) || m.method === 6 || m.method === 7) return; // Send/Data indications: see ChannelData
    shownTurn.add(kind);
    const names: Record<number, string> = { 3: 'Allocate', 4: 'Refresh', 8: 'CreatePermission', 9: 'ChannelBind' };
    rule(`TURN ${names[m.method] ?? m.method} ${m.class} (${dir === 'out' ? 'a → server' : 'server → a'})`);
    // Long-term credentials (RFC 8489 §9.2.2): key = MD5(username:realm:password), realm from the 401.
    const realm = getAttribute(m, 'REALM');
    if (realm !== undefined) turnRealm = realm;
    const key = turnRealm !== undefined ? longTermKey(turnServers[0].username, turnRealm, turnServers[0].password) : undefined;
    log(formatAnnotated(annotateMessage(data, { key })));
  } catch {
    // not for the lab to judge
  }
};
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

for (const [name, me, peer] of [['a', a, b], ['b', b, a]] as const) {
  me.events.candidate = (_c, sdp) => {
    log(`${t()}  ${name} gathered  a=${sdp}`);
    setImmediate(() => peer.addRemoteCandidate(sdp));
  };
  me.events.endOfCandidates = () => setImmediate(() => peer.endOfRemoteCandidates());
  me.events.connectionState = (s) => {
    states[name].push(s);
    log(`${t()}  ${name} connection state → ${s}`);
  };
  me.events.selectedPair = (p) => log(`${t()}  ${name} selected pair: ${p.local.type} ${p.local.address}:${p.local.port} → ${p.remote.type} ${p.remote.address}:${p.remote.port}`);
  me.events.data = (d) => received.push(new TextDecoder().decode(d));
  me.events.error = (e) => log(`${t()}  ${name} error: ${e.message}`);
  me.events.datagram = (dir, data) => {
    if (name === 'a') showChecklist();
    if (name === 'a' && turnArg) showTurn(dir, data);
    if (name !== 'a' || data[0] > 3) return;
    try {
      const m = decodeMessage(data);
      if (!shownRequest && dir === 'out' && m.class === 'request' && m.method === 1 && m.attributes.some((x) => x.type === 0x0024)) {
        shownRequest = true;
        rule('a connectivity check (a → b), keyed with b\'s ice-pwd');
        log(formatAnnotated(annotateMessage(data, { key: shortTermKey(b.agent.localCredentials.pwd) })));
      } else if (!shownResponse && dir === 'in' && m.class === 'success' && m.method === 1 && shownRequest) {
        shownResponse = true;
        rule('its answer (b → a): XOR-MAPPED-ADDRESS is where b saw the check come from');
        log(formatAnnotated(annotateMessage(data, { key: shortTermKey(b.agent.localCredentials.pwd) })));
      }
    } catch {
      // not for the lab to judge
    }
  };
}

rule('gathering and checks');
a.setRemoteCredentials(b.agent.localCredentials.ufrag, b.agent.localCredentials.pwd);
b.setRemoteCredentials(a.agent.localCredentials.ufrag, a.agent.localCredentials.pwd);
a.gather();
b.gather();

const waitFor = async (cond: () => boolean, ms: number): Promise<boolean> => {
  const until = Date.now() + ms;
  while (Date.now() < until && !cond()) await new Promise((r) => setTimeout(r, 10));
  return cond();
};
const connected = await waitFor(() => ['connected', 'completed'].includes(a.agent.state) && b.agent.selectedPair !== undefined, 10_000);
showChecklist();
if (connected) {
  rule('application data over the selected pair');
  a.send(new TextEncoder().encode('\x17hello from a'));
  b.send(new TextEncoder().encode('\x17hello from b'));
  await waitFor(() => received.length >= 2, 2000);
  for (const r of received) log(`  received ${JSON.stringify(r)} (first byte 0x17: DTLS application data would be demultiplexed here, RFC 7983)`);
}
const sel = a.agent.selectedPair;
const outcome = {
  connected,
  states,
  selectedPair: sel && { local: `${sel.local.type} ${sel.local.address}:${sel.local.port}`, remote: `${sel.remote.type} ${sel.remote.address}:${sel.remote.port}` },
  checklist: a.agent.checklist.map((p) => ({ local: `${p.local.type} ${p.local.address}:${p.local.port}`, remote: `${p.remote.type} ${p.remote.address}:${p.remote.port}`, state: p.state, nominated: p.nominated, priority: String(p.priority) })),
  received,
  stats: { a: a.agent.stats, b: b.agent.stats },
  turn: turnArg ? a.agent.turnClients.map((c) => ({ state: c.state, relayed: c.relayed, stats: c.stats })) : undefined,
};
await Promise.all([a.close(), b.close()]);
if (json) console.log(JSON.stringify(outcome, null, 2));
else {
  rule('outcome');
  log(`  a: ${states.a.join(' → ')}\n  b: ${states.b.join(' → ')}\n  checks sent by a: ${a.agent.stats.checksSent}, answered by b: ${b.agent.stats.responsesSent}`);
}
process.exitCode = connected ? 0 : 1;
