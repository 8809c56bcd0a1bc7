/**
 * `npm run bench -- dtls [--runs N] [--json]`: DTLS 1.2 handshake time, ours vs werift, same run.
 *
 * Both stacks do a full WebRTC-style handshake (ECDHE, ECDSA P-256 certificates, client
 * certificate requested, extended master secret, use_srtp) between two endpoints in this process,
 * two ways:
 *   loopback  each side on its own node:dgram socket on 127.0.0.1 (sockets opened and closed
 *             inside the timed region, for both stacks alike)
 *   memory    an in-memory pipe with one setImmediate hop per datagram: the handshake's own cost
 *             (crypto + codecs + state machines), without the kernel
 * Median and p90 of N handshakes each after a warm-up; the two stacks alternate handshake by
 * handshake so that both see the same machine load. Besides wall time, the CPU time of this
 * process during each handshake (process.cpuUsage: both endpoints of a stack run here), which a
 * loaded machine disturbs much less. A third row runs our server with cookieExchange: false
 * (no HelloVerifyRequest round trip, as a peer connection may after ICE; werift unchanged).
 */
import { createSocket, type Socket } from 'node:dgram';
import { DtlsUdpConnection } from '../packages/dtls/src/udp.ts';
import { performance } from 'node:perf_hooks';
import { CipherContext, DtlsClient, DtlsServer } from 'werift';
import { DtlsEndpoint } from '../packages/dtls/src/endpoint.ts';
import { fingerprint, generateCertificate } from '../packages/dtls/src/x509/index.ts';

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 200;
const warmup = Math.max(20, Math.floor(runs / 5));
const asJson = argv.includes('--json');

const hop = (): Promise<void> => new Promise((r) => setImmediate(r));

const certA = generateCertificate({ now: Date.now() });
const certB = generateCertificate({ now: Date.now() });

/** One handshake with our endpoints; resolves when both sides are connected. */
async function ours(cookieExchange = true): Promise<number> {
  const t0 = performance.now();
  const c = new DtlsEndpoint({ role: 'client', certificate: certA, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certB.der, 'sha-256') }] });
  const s = new DtlsEndpoint({ role: 'server', certificate: certB, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certA.der, 'sha-256') }], cookieExchange });
  c.start(0);
  let done = 0;
  for (let guard = 0; done < 2 && guard < 100; guard++) {
    let moved = false;
    for (const [from, to] of [[c, s], [s, c]] as const) {
      for (let o = from.pollOutput(); o; o = from.pollOutput()) {
        if (o.type === 'transmit') {
          await hop();
          to.handleInput(0, o.data);
          moved = true;
        } else if (o.type === 'connected') done++;
        else if (o.type === 'error') throw new Error(o.reason);
      }
    }
    if (!moved && done < 2) throw new Error('our handshake stalled');
  }
  return performance.now() - t0;
}

/** One handshake with our endpoints on two loopback UDP sockets. */
async function oursLoopback(): Promise<number> {
  const t0 = performance.now();
  const server = await DtlsUdpConnection.open({ role: 'server', certificate: certB, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certA.der, 'sha-256') }] });
  const sUp = server.connected();
  const client = await DtlsUdpConnection.open({ role: 'client', certificate: certA, remote: server.localAddress, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certB.der, 'sha-256') }] });
  await Promise.all([sUp, client.connected()]);
  const t = performance.now() - t0;
  client.socket.close();
  server.socket.close();
  return t;
}

/** A werift Transport on a node:dgram socket bound to 127.0.0.1. */
async function udpTransport(): Promise<{ t: { type: string; address: object; closed: boolean; onData: (d: Buffer, a: [string, number]) => void; send: (d: Buffer) => Promise<void>; close: () => Promise<void> }; sock: Socket; remote: { port: number } }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const remote = { port: 0 };
  const t = {
    type: 'udp',
    address: sock.address(),
    closed: false,
    onData: (_d: Buffer, _a: [string, number]) => {},
    send: (d: Buffer) => new Promise<void>((r) => sock.send(d, remote.port, '127.0.0.1', () => r())),
    close: async () => {},
  };
  sock.on('message', (m, ri) => {
    remote.port = ri.port;
    t.onData(m, [ri.address, ri.port]);
  });
  return { t, sock, remote };
}

async function weriftLoopback(): Promise<number> {
  const t0 = performance.now();
  const a = await udpTransport();
  const b = await udpTransport();
  a.remote.port = b.sock.address().port;
  const server = new DtlsServer({ cert: wCertB.certPem, key: wCertB.keyPem, signatureHash: wCertB.signatureHash, transport: b.t as never, srtpProfiles: [1], extendedMasterSecret: true, certificateRequest: true });
  const client = new DtlsClient({ cert: wCertA.certPem, key: wCertA.keyPem, signatureHash: wCertA.signatureHash, transport: a.t as never, srtpProfiles: [1], extendedMasterSecret: true });
  const both = Promise.all([new Promise<void>((r) => server.onConnect.once(() => r())), new Promise<void>((r) => client.onConnect.once(() => r()))]);
  void client.connect();
  await both;
  const t = performance.now() - t0;
  client.close();
  server.close();
  a.sock.close();
  b.sock.close();
  return t;
}

type WeriftCert = { certPem: string; keyPem: string; signatureHash: { hash: 4; signature: 3 } };
let wCertA: WeriftCert;
let wCertB: WeriftCert;

/** An in-memory werift Transport pair: send() delivers to the other side after one setImmediate. */
function pipe(): [unknown, unknown] {
  const mk = (): { type: string; address: object; closed: boolean; onData: (d: Buffer) => void; send: (d: Buffer) => Promise<void>; close: () => Promise<void>; peer?: { onData: (d: Buffer) => void } } => ({
    type: 'memory',
    address: {},
    closed: false,
    onData: () => {},
    send: async function (this: { peer?: { onData: (d: Buffer) => void } }, d: Buffer) {
      const peer = this.peer!;
      setImmediate(() => peer.onData(d));
    },
    close: async () => {},
  });
  const a = mk();
  const b = mk();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

async function werift(): Promise<number> {
  const [ta, tb] = pipe();
  const t0 = performance.now();
  const server = new DtlsServer({ cert: wCertB.certPem, key: wCertB.keyPem, signatureHash: wCertB.signatureHash, transport: tb as never, srtpProfiles: [1], extendedMasterSecret: true, certificateRequest: true });
  const client = new DtlsClient({ cert: wCertA.certPem, key: wCertA.keyPem, signatureHash: wCertA.signatureHash, transport: ta as never, srtpProfiles: [1], extendedMasterSecret: true });
  const both = Promise.all([new Promise<void>((r) => server.onConnect.once(() => r())), new Promise<void>((r) => client.onConnect.once(() => r()))]);
  void client.connect();
  await both;
  const t = performance.now() - t0;
  client.close();
  server.close();
  return t;
}

function stats(xs: number[]): { median: number; p90: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

wCertA = (await CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23)) as WeriftCert;
wCertB = (await CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23)) as WeriftCert;

/** Wall time of one handshake and the CPU time this process spent during it, ms. */
async function timed(fn: () => Promise<number>, ms: number[], cpu: number[]): Promise<void> {
  const c0 = process.cpuUsage();
  ms.push(await fn());
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}

/** Alternates the two stacks handshake by handshake, so both see the same machine load. */
async function compare(name: string, oursFn: () => Promise<number>, weriftFn: () => Promise<number>) {
  for (let i = 0; i < warmup; i++) {
    await oursFn();
    await weriftFn();
  }
  const o: number[] = [];
  const w: number[] = [];
  const oc: number[] = [];
  const wc: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2) {
      await timed(oursFn, o, oc);
      await timed(weriftFn, w, wc);
    } else {
      await timed(weriftFn, w, wc);
      await timed(oursFn, o, oc);
    }
  }
  const so = stats(o);
  const sw = stats(w);
  const co = stats(oc).median;
  const cw = stats(wc).median;
  return {
    mode: name,
    oursMs: { median: +so.median.toFixed(3), p90: +so.p90.toFixed(3) },
    weriftMs: { median: +sw.median.toFixed(3), p90: +sw.p90.toFixed(3) },
    ratio: +(so.median / sw.median).toFixed(3),
    cpuMs: { ours: +co.toFixed(3), werift: +cw.toFixed(3), ratio: +(co / cw).toFixed(3) },
  };
}

const results = [await compare('loopback', oursLoopback, weriftLoopback), await compare('memory', () => ours(), werift), await compare('memory, our server without cookie exchange', () => ours(false), werift)];
if (asJson) console.log(JSON.stringify({ bench: 'dtls-handshake', runs, warmup, target: 'ratio <= 0.5', results }));
else {
  console.log(`DTLS 1.2 handshake (ECDHE + ECDSA P-256, client certificate, EMS, use_srtp): median of ${runs} after ${warmup} warm-up`);
  for (const r of results) {
    console.log(`  ${r.mode}`);
    console.log(`    wall  ours ${String(r.oursMs.median).padStart(7)} ms (p90 ${r.oursMs.p90})   werift ${String(r.weriftMs.median).padStart(7)} ms (p90 ${r.weriftMs.p90})   ratio ours/werift ${r.ratio}  (target <= 0.5)`);
    console.log(`    CPU   ours ${String(r.cpuMs.ours).padStart(7)} ms              werift ${String(r.cpuMs.werift).padStart(7)} ms              ratio ours/werift ${r.cpuMs.ratio}`);
  }
}
process.exit(0);
