/**
 * `npm run bench -- connect [--runs N] [--pairs N] [--json] [--no-werift]`: how fast a call comes
 * up and what an idle one costs, ours vs werift in the same run, both on 127.0.0.1 only.
 *
 *   connect     createOffer -> connectionState 'connected' on both, and -> data channel 'open' on
 *               both (trickle ICE, in-memory signaling); median and p90 of N runs after a warm-up
 *   concurrent  N pairs started at once: time until every channel is open
 *   idle        N connected pairs held idle in a fresh child process: RSS and heap per peer
 *               connection, CPU per peer connection per second of idling
 *
 * werift needs a LOCAL STUN server (it falls back to a public one otherwise): we run our own
 * @rtcstack/stun binding server on 127.0.0.1 and point it there, plus
 * iceAdditionalHostAddresses ['127.0.0.1'] and a pair filter so it only ever uses loopback.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startUdpStunServer } from '../packages/stun/src/node/index.ts';
import { RTCPeerConnection } from '../packages/webrtc/src/peer-connection.ts';
import { udpTransport } from '../packages/webrtc/src/node/udp-transport.ts';
import type { RTCDataChannel } from '../packages/webrtc/src/data-channel.ts';

const argv = process.argv.slice(2);
const num = (flag: string, d: number): number => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : d);
const runs = num('--runs', 40);
const pairs = num('--pairs', 100);
const asJson = argv.includes('--json');
const withWerift = !argv.includes('--no-werift');
const LOOPBACK = '127.0.0.1';

interface Timing {
  connected: number;
  open: number;
}
interface Pair {
  close(): Promise<void> | void;
}
type Stack = (stunPort: number) => Promise<{ timing: Timing; pair: Pair }>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/**
 * Resolves once cond() holds, re-checked whenever an event handler calls check(). No polling loop:
 * the process's CPU time then measures the stacks, not the benchmark spinning while it waits.
 */
function waiter(cond: () => boolean, ms = 20_000): { check: () => void; done: Promise<void> } {
  let check = (): void => undefined;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    check = () => {
      if (!cond()) return;
      clearTimeout(timer);
      resolve();
    };
  });
  return { check: () => check(), done };
}

// ---- ours ---------------------------------------------------------------------------------------

const oursPair: Stack = async () => {
  const t0 = performance.now();
  const mk = () => new RTCPeerConnection({}, { transport: udpTransport({ hostAddresses: [LOOPBACK] }) });
  const a = mk();
  const b = mk();
  type CE = Event & { candidate: { toJSON(): object } | null };
  a.onicecandidate = (e) => void ((e as CE).candidate && b.addIceCandidate((e as CE).candidate!.toJSON()));
  b.onicecandidate = (e) => void ((e as CE).candidate && a.addIceCandidate((e as CE).candidate!.toJSON()));
  const ch = a.createDataChannel('bench');
  let remote: RTCDataChannel | undefined;
  let connected = 0;
  const w = waiter(() => ch.readyState === 'open' && remote?.readyState === 'open' && connected > 0);
  ch.onopen = w.check;
  b.ondatachannel = (e) => {
    remote = (e as Event & { channel: RTCDataChannel }).channel;
    remote.onopen = w.check;
    w.check();
  };
  const onState = () => {
    if (!connected && a.connectionState === 'connected' && b.connectionState === 'connected') connected = performance.now() - t0;
    w.check();
  };
  a.onconnectionstatechange = onState;
  b.onconnectionstatechange = onState;
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  w.check();
  await w.done;
  const open = performance.now() - t0;
  return {
    timing: { connected, open },
    pair: {
      close: () => {
        a.close();
        b.close();
      },
    },
  };
};

// ---- werift -------------------------------------------------------------------------------------

const weriftPair: Stack = async (stunPort) => {
  const w = await import('werift');
  const t0 = performance.now();
  const loopbackOnly = (c: { host?: string }): boolean => c.host === LOOPBACK;
  const mk = () =>
    new w.RTCPeerConnection({
      iceServers: [{ urls: `stun:${LOOPBACK}:${stunPort}` }],
      iceAdditionalHostAddresses: [LOOPBACK],
      iceUseIpv6: false,
      iceFilterCandidatePair: (p: { localCandidate: { host?: string }; remoteCandidate: { host?: string } }) => loopbackOnly(p.localCandidate) && loopbackOnly(p.remoteCandidate),
    } as ConstructorParameters<typeof w.RTCPeerConnection>[0]);
  const a = mk();
  const b = mk();
  const isLoop = (c: { candidate?: string } | undefined): boolean => !!c?.candidate && c.candidate.split(' ')[4] === LOOPBACK;
  a.onIceCandidate.subscribe((c) => void (isLoop(c) && b.addIceCandidate(c!).catch(() => undefined)));
  b.onIceCandidate.subscribe((c) => void (isLoop(c) && a.addIceCandidate(c!).catch(() => undefined)));
  const ch = a.createDataChannel('bench');
  let remoteOpen = false;
  let localOpen = false;
  let connected = 0;
  const wait = waiter(() => localOpen && remoteOpen && connected > 0, 30_000);
  ch.stateChanged.subscribe((s) => {
    if (s === 'open') localOpen = true;
    wait.check();
  });
  b.onDataChannel.subscribe((rc) => {
    if (rc.readyState === 'open') remoteOpen = true;
    rc.stateChanged.subscribe((s) => {
      if (s === 'open') remoteOpen = true;
      wait.check();
    });
    wait.check();
  });
  const onState = () => {
    if (!connected && a.connectionState === 'connected' && b.connectionState === 'connected') connected = performance.now() - t0;
    wait.check();
  };
  a.connectionStateChange.subscribe(onState);
  b.connectionStateChange.subscribe(onState);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  wait.check();
  await wait.done;
  const open = performance.now() - t0;
  return { timing: { connected, open }, pair: { close: async () => void (await Promise.all([a.close(), b.close()])) } };
};

// ---- measurements ----------------------------------------------------------------------------------

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const p90 = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))];
};

interface Sequential {
  connected: number;
  open: number;
  connectedP90: number;
  openP90: number;
  /** Process CPU time (user + system) per call set-up, both peers: steadier than wall time on a busy machine. */
  cpuMsPerConnect: number;
}

async function sequential(stack: Stack, stunPort: number, n: number): Promise<Sequential> {
  const warm = Math.max(5, Math.floor(n / 4));
  const c: number[] = [];
  const o: number[] = [];
  let cpuMicros = 0;
  for (let i = 0; i < warm + n; i++) {
    const cpu0 = process.cpuUsage();
    const { timing, pair } = await stack(stunPort);
    const cpu = process.cpuUsage(cpu0);
    await pair.close();
    if (i >= warm) {
      c.push(timing.connected);
      o.push(timing.open);
      cpuMicros += cpu.user + cpu.system;
    }
    await sleep(2);
  }
  return { connected: median(c), open: median(o), connectedP90: p90(c), openP90: p90(o), cpuMsPerConnect: cpuMicros / n / 1000 };
}

async function concurrent(stack: Stack, stunPort: number, n: number): Promise<number> {
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: n }, () => stack(stunPort)));
  const t = performance.now() - t0;
  await Promise.all(results.map((r) => r.pair.close()));
  return t;
}

interface IdleResult {
  rssPerPcKiB: number;
  heapPerPcKiB: number;
  /** V8 heap reserved (heapTotal), which RSS pays for even when heapUsed is smaller. */
  heapTotalPerPcKiB: number;
  /** ArrayBuffer backing stores (outside the V8 heap): packet buffers, slabs. */
  arrayBuffersPerPcKiB: number;
  cpuPerPcMicrosPerSec: number;
}

/** In a fresh child: baseline memory, then N connected pairs, settle, measure memory and idle CPU. */
async function idleChild(which: 'ours' | 'werift', n: number): Promise<IdleResult> {
  const stun = await startUdpStunServer({ host: LOOPBACK, port: 0 });
  const stack = which === 'ours' ? oursPair : weriftPair;
  // Warm the code paths so the baseline includes loaded modules.
  const w = await stack(stun.address.port);
  await w.pair.close();
  await sleep(200);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const live: Pair[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => stack(stun.address.port)));
    live.push(...batch.map((b) => b.pair));
  }
  await sleep(1000);
  gc?.();
  const after = process.memoryUsage();
  const cpu0 = process.cpuUsage();
  const idleMs = 3000;
  await sleep(idleMs);
  const cpu = process.cpuUsage(cpu0);
  const pcs = 2 * n;
  const res: IdleResult = {
    rssPerPcKiB: Math.round((after.rss - before.rss) / 1024 / pcs),
    heapPerPcKiB: Math.round((after.heapUsed - before.heapUsed) / 1024 / pcs),
    heapTotalPerPcKiB: Math.round((after.heapTotal - before.heapTotal) / 1024 / pcs),
    arrayBuffersPerPcKiB: Math.round((after.arrayBuffers - before.arrayBuffers) / 1024 / pcs),
    cpuPerPcMicrosPerSec: Math.round((cpu.user + cpu.system) / pcs / (idleMs / 1000)),
  };
  for (const p of live) await p.close();
  await stun.close();
  return res;
}

function runIdleChild(which: 'ours' | 'werift', n: number): Promise<IdleResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--idle-child', which, '--pairs', String(n)], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('message', (m) => resolve(m as IdleResult));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`idle child ${which} exited with ${code}`));
    });
  });
}

if (argv.includes('--idle-child')) {
  const which = argv[argv.indexOf('--idle-child') + 1] as 'ours' | 'werift';
  const r = await idleChild(which, pairs);
  process.send?.(r);
  process.disconnect?.();
  setTimeout(() => process.exit(0), 100).unref();
} else {
  const stun = await startUdpStunServer({ host: LOOPBACK, port: 0 });
  const port = stun.address.port;
  const out: Record<string, unknown> = { runs, pairs };
  const say = (s: string): void => void (!asJson && console.log(s));
  say(`connect: createOffer -> connected / data channel open on 127.0.0.1 (median of ${runs} after warm-up)`);
  const ours = await sequential(oursPair, port, runs);
  out.ours = { ...ours };
  say(`  rtcstack   connected ${ours.connected.toFixed(1)} ms (p90 ${ours.connectedP90.toFixed(1)})   open ${ours.open.toFixed(1)} ms (p90 ${ours.openP90.toFixed(1)})   CPU ${ours.cpuMsPerConnect.toFixed(1)} ms per call`);
  let wr: Sequential | undefined;
  if (withWerift) {
    wr = await sequential(weriftPair, port, Math.min(runs, 20));
    out.werift = { ...wr };
    say(`  werift     connected ${wr.connected.toFixed(1)} ms (p90 ${wr.connectedP90.toFixed(1)})   open ${wr.open.toFixed(1)} ms (p90 ${wr.openP90.toFixed(1)})   CPU ${wr.cpuMsPerConnect.toFixed(1)} ms per call`);
    say(`  ratio      connected ${(wr.connected / ours.connected).toFixed(1)}x faster, open ${(wr.open / ours.open).toFixed(1)}x faster, CPU ${(wr.cpuMsPerConnect / ours.cpuMsPerConnect).toFixed(1)}x less`);
  }
  say(`concurrent: ${pairs} pairs started at once, until every channel is open`);
  const cOurs = await concurrent(oursPair, port, pairs);
  (out.ours as Record<string, unknown>).concurrentMs = cOurs;
  say(`  rtcstack   ${cOurs.toFixed(0)} ms`);
  if (withWerift) {
    const cW = await concurrent(weriftPair, port, pairs);
    (out.werift as Record<string, unknown>).concurrentMs = cW;
    say(`  werift     ${cW.toFixed(0)} ms   (ratio ${(cW / cOurs).toFixed(1)}x)`);
  }
  await stun.close();
  say(`idle: ${pairs} connected pairs (${2 * pairs} peer connections) in a fresh process`);
  const iOurs = await runIdleChild('ours', pairs);
  (out.ours as Record<string, unknown>).idle = iOurs;
  const mem = (r: IdleResult): string => `RSS ${r.rssPerPcKiB} KiB (V8 heap used ${r.heapPerPcKiB}, reserved ${r.heapTotalPerPcKiB}; ArrayBuffers ${r.arrayBuffersPerPcKiB}) per peer connection`;
  say(`  rtcstack   ${mem(iOurs)}; idle CPU ${iOurs.cpuPerPcMicrosPerSec} µs/s each`);
  if (withWerift) {
    const iW = await runIdleChild('werift', pairs);
    (out.werift as Record<string, unknown>).idle = iW;
    say(`  werift     ${mem(iW)}; idle CPU ${iW.cpuPerPcMicrosPerSec} µs/s each`);
    say(`  ratio      RSS ${(iW.rssPerPcKiB / Math.max(1, iOurs.rssPerPcKiB)).toFixed(1)}x less, CPU ${(iW.cpuPerPcMicrosPerSec / Math.max(1, iOurs.cpuPerPcMicrosPerSec)).toFixed(1)}x less`);
  }
  if (asJson) console.log(JSON.stringify(out, null, 2));
}
