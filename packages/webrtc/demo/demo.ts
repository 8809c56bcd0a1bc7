/**
 * The demo call: two of our peers over real UDP on 127.0.0.1, a whole WebRTC call from offer to
 * hangup, printed as a sequence diagram of what actually went over the wire.
 *
 *   npm run demo                       # both peers in this process, in-memory signaling
 *   npm run demo -- --loss 10          # drop 10% of datagrams (each side, on send)
 *   npm run demo -- --trace            # annotated bytes of each packet shown
 *   npm run demo -- --pcap call.pcap   # capture (+ call.pcap.keys, an NSS key log for Wireshark)
 *   npm run demo -- --json             # machine-readable summary (fields in the README)
 *   npm run demo -- --two-process      # each peer in its own process, a TCP signaling relay between
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Address } from '@rtcstack/common';
import { toPcap, type TraceEvent } from '@rtcstack/test-support';
import { epochMs, other, runPeer, type PeerResult, type Role, type SignalMessage, type Signaling, type TimelineEntry } from './peer.ts';

interface Args {
  loss: number;
  trace: boolean;
  pcap: string | undefined;
  json: boolean;
  twoProcess: boolean;
  role: Role | undefined;
  signalPort: number | undefined;
  messages: number;
  audioMs: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { loss: 0, trace: false, pcap: undefined, json: false, twoProcess: false, role: undefined, signalPort: undefined, messages: 3, audioMs: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--loss') a.loss = Number(v()) / 100;
    else if (k === '--trace') a.trace = true;
    else if (k === '--pcap') a.pcap = v();
    else if (k === '--json') a.json = true;
    else if (k === '--two-process') a.twoProcess = true;
    else if (k === '--role') a.role = v() as Role;
    else if (k === '--signal-port') a.signalPort = Number(v());
    else if (k === '--messages') a.messages = Number(v());
    else if (k === '--audio-ms') a.audioMs = Number(v());
    else if (k === '--help' || k === '-h') {
      console.log('usage: demo [--loss N] [--trace] [--pcap FILE] [--json] [--two-process] [--messages N] [--audio-ms MS]');
      process.exit(0);
    } else throw new Error(`unknown flag ${k}`);
  }
  if (!(a.loss >= 0 && a.loss < 1)) throw new Error('--loss is a percentage 0..99');
  return a;
}

// ---- capture ----------------------------------------------------------------------------------

interface Captured {
  readonly t: number;
  readonly from: Address;
  readonly to: Address;
  readonly data: Uint8Array;
}

function writePcap(file: string, packets: Captured[], keys: string[]): void {
  // Timestamps: wall-clock ms (toPcap writes seconds + microseconds).
  const events: TraceEvent[] = packets
    .sort((x, y) => x.t - y.t)
    .map((p, i) => ({ time: p.t, kind: 'send', id: i + 1, link: '', from: p.from, to: p.to, size: p.data.length, data: p.data }));
  writeFileSync(file, toPcap(events, 'send'));
  writeFileSync(`${file}.keys`, keys.join('\n') + '\n');
}

// ---- rendering ----------------------------------------------------------------------------------

const W = 58;
/** Longest label kept whole: a bundled packet (e.g. COOKIE_ACK + DATA[DCEP ...]) stretches its arrow. */
const MAX_LABEL = W + 20;
function arrow(from: Role, text: string): string {
  const body = text.length > MAX_LABEL ? text.slice(0, MAX_LABEL - 3) + '...' : text;
  if (from === 'alice') return `──${body}${'─'.repeat(Math.max(2, W - 2 - body.length - 2))}─>`;
  return `<─${'─'.repeat(Math.max(2, W - 2 - body.length - 2))}${body}──`;
}

function render(results: PeerResult[], t0: number, args: Args): string {
  const [a, b] = results;
  const lines: string[] = [];
  lines.push(`  ${'time'.padStart(9)}   ${('alice ' + a.address).padEnd(W / 2)}${('bob ' + b.address).padStart(W / 2 + 2)}`);
  const all: TimelineEntry[] = [...a.timeline, ...b.timeline].sort((x, y) => x.t - y.t);
  for (const e of all) {
    const t = `${(e.t - t0).toFixed(1)} ms`.padStart(10);
    if (e.kind === 'state' || e.kind === 'summary') {
      const who = e.from === 'alice' ? 'alice' : '  bob';
      lines.push(`${t}   ${e.from === 'alice' ? '' : ' '.repeat(W - 22)}· ${who}: ${e.text}`);
      continue;
    }
    lines.push(`${t}   ${arrow(e.from, e.text)}`);
    if (e.trace && args.trace) lines.push(e.trace);
  }
  return lines.join('\n');
}

interface Phases {
  signaling: number | null;
  gathering: number | null;
  checks: number | null;
  dtls: number | null;
  sctpAndDataChannel: number | null;
  firstAudio: number | null;
  total: number | null;
}

function phases(results: PeerResult[]): Phases {
  const [a, b] = results;
  const all = [...a.timeline, ...b.timeline].sort((x, y) => x.t - y.t);
  const first = (re: RegExp): number | undefined => all.find((e) => e.kind === 'wire' && re.test(e.text))?.t;
  const max = (...xs: (number | undefined)[]): number | undefined => (xs.every((x) => x !== undefined) ? Math.max(...(xs as number[])) : undefined);
  const min = (...xs: (number | undefined)[]): number | undefined => {
    const ys = xs.filter((x): x is number => x !== undefined);
    return ys.length ? Math.min(...ys) : undefined;
  };
  const d = (from: number | undefined, to: number | undefined): number | null => (from !== undefined && to !== undefined ? Math.round((to - from) * 10) / 10 : null);
  const start = a.marks.offerStart;
  const answered = all.find((e) => e.kind === 'state' && e.from === 'alice' && e.text === 'signalingState stable')?.t;
  const iceUp = max(a.marks.iceConnected, b.marks.iceConnected);
  const dtlsUp = max(a.marks.dtlsConnected, b.marks.dtlsConnected);
  const open = max(a.marks.channelOpen, b.marks.channelOpen);
  const audio = min(a.marks.firstRtp, b.marks.firstRtp);
  return {
    signaling: d(start, answered),
    gathering: d(min(a.marks.gatherStart, b.marks.gatherStart), max(a.marks.gatherEnd, b.marks.gatherEnd)),
    checks: d(first(/STUN Binding request/), iceUp),
    dtls: d(first(/ClientHello/), dtlsUp),
    sctpAndDataChannel: d(dtlsUp, open),
    firstAudio: d(dtlsUp, audio),
    total: d(start, max(open, audio)),
  };
}

function report(results: PeerResult[], args: Args, t0: number): boolean {
  const p = phases(results);
  const success = results.every((r) => r.success);
  const [a, b] = results;
  if (args.json) {
    const summary = {
      success,
      phasesMs: p,
      loss: args.loss,
      peers: Object.fromEntries(
        results.map((r) => [
          r.role,
          {
            address: r.address,
            finalStates: r.finalStates,
            messages: { sent: r.messagesSent, received: r.messagesReceived },
            audio: r.audio,
            wire: r.wire,
            droppedByLoss: r.droppedByLoss,
            selectedPair: r.selectedPair,
            srtpProfile: r.srtpProfile,
            dtlsCipher: r.dtlsCipher,
          },
        ]),
      ),
    };
    console.log(JSON.stringify(summary, null, 2));
    return success;
  }
  console.log('The call, as it went over the wire (alice offers; each arrow is one datagram or signaling message):\n');
  console.log(render(results, t0, args));
  console.log('\nAfter the call');
  for (const r of results) {
    console.log(`  ${r.role.padEnd(5)}  states at hangup: ${Object.entries(r.finalStates).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    console.log(`         selected pair ${r.selectedPair}, DTLS ${r.dtlsCipher}, SRTP ${r.srtpProfile}`);
    console.log(`         data channel: ${r.messagesSent} sent, ${r.messagesReceived} received; audio: ${r.audio.packetsSent} RTP sent, ${r.audio.packetsReceived} received, ${r.audio.packetsLost} lost, jitter ${r.audio.jitterMs} ms, RTT ${r.audio.roundTripTimeMs ?? '-'} ms, level ${r.audio.audioLevel}; RTCP ${r.audio.rtcpSent} sent / ${r.audio.rtcpReceived} received`);
    console.log(`         datagrams sent: STUN ${r.wire.stun}, DTLS ${r.wire.dtls} (SCTP ${r.wire.sctp}, DCEP ${r.wire.dcep}), SRTP ${r.wire.rtp}, SRTCP ${r.wire.rtcp}${args.loss ? `; ${r.droppedByLoss} dropped by --loss` : ''}`);
  }
  const row = (name: string, v: number | null, what: string): string => `  ${name.padEnd(24)} ${(v === null ? '-' : v.toFixed(1)).padStart(8)} ms   ${what}`;
  console.log('\nTime per phase (measured)');
  console.log(row('signaling', p.signaling, 'createOffer -> answer applied at alice'));
  console.log(row('gathering', p.gathering, 'first gathering start -> both complete'));
  console.log(row('connectivity checks', p.checks, 'first STUN Binding request -> both ICE connected'));
  console.log(row('DTLS handshake', p.dtls, 'ClientHello -> both DTLS connected (SRTP keys exported)'));
  console.log(row('SCTP + data channel', p.sctpAndDataChannel, 'DTLS up -> data channel open on both'));
  console.log(row('first audio', p.firstAudio, 'DTLS up -> first SRTP packet received'));
  console.log(row('total', p.total, 'createOffer -> call up (channel open and audio flowing)'));
  console.log(`\n${success ? 'OK: the call succeeded' : 'FAILED: the call did not complete'} (alice ${a.success ? 'ok' : 'failed'}, bob ${b.success ? 'ok' : 'failed'})`);
  return success;
}

// ---- modes --------------------------------------------------------------------------------------

async function oneProcess(args: Args): Promise<boolean> {
  const captured: Captured[] = [];
  const keys: string[] = [];
  const inbox: Record<Role, ((m: SignalMessage) => void) | undefined> = { alice: undefined, bob: undefined };
  const signaling = (role: Role): Signaling => ({
    send: (m) => setImmediate(() => inbox[other(role)]?.(m)),
    onMessage: (cb) => void (inbox[role] = cb),
  });
  const common = {
    loss: args.loss,
    trace: args.trace,
    messages: args.messages,
    audioMs: args.audioMs,
    ...(args.pcap ? { keyLog: (l: string) => void keys.push(l), capture: (data: Uint8Array, from: Address, to: Address, t: number) => void captured.push({ t, from, to, data: data.slice() }) } : {}),
  };
  const t0 = epochMs();
  const results = await Promise.all([runPeer({ ...common, role: 'alice' }, signaling('alice')), runPeer({ ...common, role: 'bob' }, signaling('bob'))]);
  if (args.pcap) writePcap(args.pcap, captured, keys);
  const ok = report(results, args, t0);
  if (args.pcap && !args.json) {
    console.log(`capture written to ${args.pcap} (NSS key log: ${args.pcap}.keys)`);
    console.log(`  decrypt the DTLS: tshark -r ${args.pcap} -o tls.keylog_file:${args.pcap}.keys -Y dtls -x`);
  }
  return ok;
}

/** --two-process: this process relays signaling over TCP on 127.0.0.1 and runs each peer as a child. */
async function twoProcess(args: Args): Promise<boolean> {
  const conns: Partial<Record<Role, Socket>> = {};
  const pending: Record<Role, string[]> = { alice: [], bob: [] };
  const server = createServer((sock) => {
    let buf = '';
    let role: Role | undefined;
    sock.on('data', (d) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!role) {
          role = line as Role;
          conns[role] = sock;
          for (const l of pending[role]) sock.write(l + '\n');
          pending[role] = [];
          continue;
        }
        const to = other(role);
        const peer = conns[to];
        if (peer) peer.write(line + '\n');
        else pending[to].push(line);
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const self = fileURLToPath(import.meta.url);
  const t0 = epochMs();
  const run = (role: Role): Promise<PeerResult> =>
    new Promise((resolve, reject) => {
      const extra = [...(args.loss ? ['--loss', String(args.loss * 100)] : []), ...(args.trace ? ['--trace'] : []), '--messages', String(args.messages), '--audio-ms', String(args.audioMs)];
      const child = spawn(process.execPath, [...process.execArgv, self, '--role', role, '--signal-port', String(port), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out) as PeerResult);
        } catch {
          reject(new Error(`${role} exited with ${code}: ${out}`));
        }
      });
    });
  try {
    const results = await Promise.all([run('alice'), run('bob')]);
    return report(results, args, t0);
  } finally {
    for (const s of Object.values(conns)) s?.destroy();
    server.close();
  }
}

/** A child of --two-process: one peer, signaling over TCP, result as JSON on stdout. */
async function child(args: Args, role: Role): Promise<void> {
  const sock = createConnection({ host: '127.0.0.1', port: args.signalPort! });
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write(role + '\n');
  let cb: ((m: SignalMessage) => void) | undefined;
  let buf = '';
  sock.on('data', (d) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      cb?.(JSON.parse(line) as SignalMessage);
    }
  });
  const result = await runPeer(
    { role, loss: args.loss, trace: args.trace, messages: args.messages, audioMs: args.audioMs },
    { send: (m) => void sock.write(JSON.stringify(m) + '\n'), onMessage: (f) => void (cb = f) },
  );
  sock.end();
  process.stdout.write(JSON.stringify(result));
}

const args = parseArgs(process.argv.slice(2));
if (args.role) {
  await child(args, args.role);
} else {
  const ok = args.twoProcess ? await twoProcess(args) : await oneProcess(args);
  process.exitCode = ok ? 0 : 1;
}
