/**
 * `npm run bench -- dtls [--runs N] [--json]`: DTLS 1.2 handshake time, ours vs werift, same run.
 *
 * Both stacks do a full WebRTC-style handshake (ECDHE, ECDSA P-256 certificates, client
 * certificate requested, extended master secret, use_srtp) between two in-process endpoints.
 * Datagrams cross an in-memory pipe with one setImmediate hop per datagram for both stacks, so
 * the figure is the handshake's own cost (crypto + codecs + state machines), not the kernel's.
 * Median and p90 of N handshakes after a warm-up.
 */
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
async function ours(): Promise<number> {
  const t0 = performance.now();
  const c = new DtlsEndpoint({ role: 'client', certificate: certA, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certB.der, 'sha-256') }] });
  const s = new DtlsEndpoint({ role: 'server', certificate: certB, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certA.der, 'sha-256') }] });
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

async function measure(fn: () => Promise<number>): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < warmup; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await fn());
  return stats(xs);
}

wCertA = (await CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23)) as WeriftCert;
wCertB = (await CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23)) as WeriftCert;

// Interleave the two so neither gets a warmer machine.
const w = await measure(werift);
const o = await measure(ours);
const w2 = await measure(werift);
const werMedian = Math.min(w.median, w2.median);
const result = {
  bench: 'dtls-handshake',
  runs,
  warmup,
  oursMs: { median: +o.median.toFixed(3), p90: +o.p90.toFixed(3) },
  weriftMs: { median: +werMedian.toFixed(3), p90: +Math.min(w.p90, w2.p90).toFixed(3) },
  ratio: +(o.median / werMedian).toFixed(3),
  target: '<= 0.5',
};
if (asJson) console.log(JSON.stringify(result));
else {
  console.log(`DTLS 1.2 handshake (ECDHE X25519 + ECDSA P-256, client cert, EMS, use_srtp), ${runs} runs after ${warmup} warm-up, in-memory pipe`);
  console.log(`  ours    median ${result.oursMs.median} ms   p90 ${result.oursMs.p90} ms`);
  console.log(`  werift  median ${result.weriftMs.median} ms   p90 ${result.weriftMs.p90} ms   (best of two passes)`);
  console.log(`  ratio ours/werift = ${result.ratio}  (target ${result.target})`);
}
process.exit(0);
