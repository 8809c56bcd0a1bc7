/**
 * Interop with OpenSSL 3 (`openssl s_server` / `s_client -dtls1_2`) on 127.0.0.1: both
 * directions, ECDSA and RSA certificates made by `openssl req`, each cipher suite, default MTU
 * and -mtu 256, and -Verify 1 -verify_return_error. The keying material OpenSSL prints for
 * EXTRACTOR-dtls_srtp must equal ours.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import type { CipherSuiteName, SrtpProfileName } from '../src/constants.ts';
import { DtlsUdpConnection } from '../src/udp.ts';
import { derToPem, fingerprint, generateCertificate, loadPemCertificate, type LocalCertificate } from '../src/x509/index.ts';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!haveOpenssl && process.env.REQUIRE_REAL_PEERS) throw new Error('openssl is required (REQUIRE_REAL_PEERS is set) but was not found');
const d = haveOpenssl ? describe : describe.skip;
if (!haveOpenssl) console.warn('SKIP openssl interop: the openssl binary is not installed');

const OPENSSL_NAMES: Record<CipherSuiteName, string> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
};
const ECDSA_SUITES = Object.keys(OPENSSL_NAMES).filter((n) => n.includes('ECDSA')) as CipherSuiteName[];
const RSA_SUITES = Object.keys(OPENSSL_NAMES).filter((n) => n.includes('_RSA_')) as CipherSuiteName[];
const SRTP_ARGS = ['-use_srtp', 'SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60'];
const OURS: SrtpProfileName[] = ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AEAD_AES_128_GCM'];

let dir = '';
const procs: ChildProcess[] = [];
const files = { ecCrt: '', ecKey: '', rsaCrt: '', rsaKey: '', oursCrt: '', oursKey: '' };
let ours: LocalCertificate;
let ecCert: LocalCertificate;
let rsaCert: LocalCertificate;

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

interface Run {
  keyingMaterial: string | undefined;
  output: string;
  code: number | null;
}

/** Starts openssl with args; resolves when it prints "Keying material:" (or exits / times out). */
function openssl(args: string[], stdinOpen: boolean, timeoutMs = 12_000): { ready: Promise<void>; done: Promise<Run>; proc: ChildProcess } {
  const proc = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  procs.push(proc);
  if (!stdinOpen) proc.stdin!.end();
  let output = '';
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => (readyResolve = r));
  const onData = (b: Buffer): void => {
    output += b.toString();
    if (/ACCEPT|CONNECTED/.test(output)) readyResolve();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const done = new Promise<Run>((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const check = setInterval(() => {
      if (/Keying material: [0-9A-F]+/.test(output)) {
        clearInterval(check);
        clearTimeout(t);
        proc.kill('SIGTERM');
      }
    }, 20);
    proc.on('exit', (code) => {
      clearInterval(check);
      clearTimeout(t);
      readyResolve();
      const m = /Keying material: ([0-9A-F]+)/.exec(output);
      resolve({ keyingMaterial: m?.[1].toLowerCase(), output, code });
    });
  });
  return { ready, done, proc };
}

beforeAll(() => {
  if (!haveOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'dtls-openssl-'));
  const req = (name: string, newkey: string[]): void => {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', ...newkey, '-nodes', '-subj', `/CN=${name}`, '-days', '2', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`)]);
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  };
  req('ec', ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
  req('rsa', ['rsa:2048']);
  files.ecCrt = join(dir, 'ec.crt');
  files.ecKey = join(dir, 'ec.key');
  files.rsaCrt = join(dir, 'rsa.crt');
  files.rsaKey = join(dir, 'rsa.key');
  ecCert = loadPemCertificate(readFileSync(files.ecCrt, 'utf8'), readFileSync(files.ecKey, 'utf8'));
  rsaCert = loadPemCertificate(readFileSync(files.rsaCrt, 'utf8'), readFileSync(files.rsaKey, 'utf8'));
  ours = generateCertificate({ now: Date.now() });
  files.oursCrt = join(dir, 'ours.crt');
  files.oursKey = join(dir, 'ours.key');
  writeFileSync(files.oursCrt, derToPem(ours.der, 'CERTIFICATE'));
  writeFileSync(files.oursKey, ours.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
});

afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Case {
  name: string;
  suite: CipherSuiteName;
  cert: 'ec' | 'rsa';
  mtu?: number;
  group?: 'x25519' | 'secp256r1';
  verify?: boolean;
  profile?: SrtpProfileName;
  /** OpenSSL -sigalgs (forces the signature scheme OpenSSL signs with / accepts). */
  sigalgs?: string;
  /** Our server skips the HelloVerifyRequest (cookieExchange: false). */
  noCookie?: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const suite of ECDSA_SUITES) out.push({ name: suite, suite, cert: 'ec' });
  for (const suite of RSA_SUITES) out.push({ name: suite, suite, cert: 'rsa' });
  out.push({ name: 'P-256 ECDHE', suite: ECDSA_SUITES[0], cert: 'ec', group: 'secp256r1' });
  out.push({ name: '-mtu 256 (ECDSA)', suite: ECDSA_SUITES[0], cert: 'ec', mtu: 256 });
  out.push({ name: '-mtu 256 (RSA)', suite: RSA_SUITES[0], cert: 'rsa', mtu: 256 });
  out.push({ name: 'SRTP_AEAD_AES_128_GCM only', suite: ECDSA_SUITES[0], cert: 'ec', profile: 'SRTP_AEAD_AES_128_GCM' });
  out.push({ name: 'rsa_pkcs1_sha256 signatures (-sigalgs RSA+SHA256)', suite: RSA_SUITES[0], cert: 'rsa', sigalgs: 'RSA+SHA256:ECDSA+SHA256' });
  out.push({ name: 'rsa_pss_rsae_sha256 signatures (-sigalgs RSA-PSS+SHA256)', suite: RSA_SUITES[0], cert: 'rsa', sigalgs: 'RSA-PSS+SHA256:ECDSA+SHA256' });
  return out;
}

d('OpenSSL s_server <- our client', () => {
  for (const c of [...cases(), { name: '-Verify 1 -verify_return_error', suite: ECDSA_SUITES[0], cert: 'ec', verify: true } as Case]) {
    it(`${c.name}: keying material matches`, async () => {
      const port = await freePort();
      const crt = c.cert === 'ec' ? files.ecCrt : files.rsaCrt;
      const key = c.cert === 'ec' ? files.ecKey : files.rsaKey;
      const args = ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-naccept', '1', '-cert', crt, '-key', key, '-cipher', OPENSSL_NAMES[c.suite], ...SRTP_ARGS];
      if (c.group) args.push('-groups', 'P-256');
      if (c.mtu) args.push('-mtu', String(c.mtu));
      if (c.verify) args.push('-Verify', '1', '-verify_return_error', '-CAfile', files.oursCrt);
      if (c.profile) args.splice(args.indexOf('-use_srtp') + 1, 1, 'SRTP_AEAD_AES_128_GCM');
      if (c.sigalgs) args.push('-sigalgs', c.sigalgs);
      const srv = openssl(args, true);
      await srv.ready;
      const peer = c.cert === 'ec' ? ecCert : rsaCert;
      const conn = await DtlsUdpConnection.open({
        role: 'client',
        certificate: ours,
        remote: { address: '127.0.0.1', port },
        cipherSuites: [c.suite],
        groups: c.group ? [c.group] : undefined,
        mtu: c.mtu,
        srtpProfiles: c.profile ? [c.profile] : OURS,
        expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(peer.der, 'sha-256') }],
      });
      try {
        const ev = await conn.connected();
        expect(ev.cipherSuite).toBe(c.suite);
        expect(ev.srtpProfile).toBe(c.profile ?? 'SRTP_AES128_CM_HMAC_SHA1_80');
        const km = toHex(conn.endpoint.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60));
        const run = await srv.done;
        expect(run.keyingMaterial, run.output).toBe(km);
        if (c.profile === 'SRTP_AEAD_AES_128_GCM') expect(toHex(ev.keyingMaterial)).toBe(km.slice(0, 112));
        else expect(toHex(ev.keyingMaterial)).toBe(km);
      } finally {
        conn.close();
      }
    });
  }
});

d('OpenSSL s_client -> our server', () => {
  for (const c of [...cases(), { name: 'cookieExchange: false (ServerHello answers the first ClientHello)', suite: ECDSA_SUITES[0], cert: 'ec', noCookie: true } as Case]) {
    it(`${c.name}: keying material matches`, async () => {
      const cert = c.cert === 'ec' ? ours : rsaCert;
      const conn = await DtlsUdpConnection.open({
        role: 'server',
        certificate: cert,
        local: { address: '127.0.0.1', port: 0 },
        cipherSuites: [c.suite],
        groups: c.group ? [c.group] : undefined,
        mtu: c.mtu,
        srtpProfiles: c.profile ? [c.profile] : OURS,
        expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(ecCert.der, 'sha-256') }],
        cookieExchange: c.noCookie ? false : undefined,
      });
      try {
        const connected = conn.connected();
        const args = ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${conn.localAddress.port}`, '-cert', files.ecCrt, '-key', files.ecKey, '-cipher', OPENSSL_NAMES[c.suite], ...SRTP_ARGS];
        if (c.group) args.push('-groups', 'P-256');
        if (c.mtu) args.push('-mtu', String(c.mtu));
        if (c.profile) args.splice(args.indexOf('-use_srtp') + 1, 1, 'SRTP_AEAD_AES_128_GCM');
        if (c.sigalgs) args.push('-sigalgs', c.sigalgs);
        const cli = openssl(args, false);
        const ev = await connected;
        expect(ev.cipherSuite).toBe(c.suite);
        expect(ev.peerFingerprint).toBe(fingerprint(ecCert.der, 'sha-256'));
        const km = toHex(conn.endpoint.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60));
        const run = await cli.done;
        expect(run.keyingMaterial, run.output).toBe(km);
        // s_client reports how our server signed its ServerKeyExchange.
        if (c.sigalgs?.startsWith('RSA+')) expect(run.output).toMatch(/Peer signature type: RSA\n/);
        if (c.sigalgs?.startsWith('RSA-PSS')) expect(run.output).toMatch(/Peer signature type: RSA-PSS/);
      } finally {
        conn.close();
      }
    });
  }
});

d('NSS key log', () => {
  it('our CLIENT_RANDOM line equals the one OpenSSL writes for the same session', async () => {
    const port = await freePort();
    const keylog = join(dir, `keylog-${port}.txt`);
    const srv = openssl(['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-naccept', '1', '-cert', files.ecCrt, '-key', files.ecKey, '-keylogfile', keylog, ...SRTP_ARGS], true);
    await srv.ready;
    let ours = '';
    const conn = await DtlsUdpConnection.open({ role: 'client', certificate: ecCert, remote: { address: '127.0.0.1', port }, srtpProfiles: OURS, keyLog: (l) => (ours = l) });
    try {
      await conn.connected();
      await srv.done;
      expect(ours).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
      const theirs = readFileSync(keylog, 'utf8').split('\n').filter((l) => l.startsWith('CLIENT_RANDOM'));
      expect(theirs).toContain(ours);
    } finally {
      conn.close();
    }
  });
});

d('the CLI (npm run dtls)', () => {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const cli = join(process.cwd(), 'packages', 'dtls', 'src', 'cli.ts');
  const runCli = (args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
    new Promise((resolve) => {
      const p = spawn(tsx, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      procs.push(p);
      let out = '';
      let err = '';
      p.stdout.on('data', (b: Buffer) => (out += b.toString()));
      p.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const t = setTimeout(() => p.kill('SIGKILL'), 20_000);
      p.on('exit', (code) => {
        clearTimeout(t);
        resolve({ code, out, err });
      });
    });

  it('client against s_server with an RSA certificate: prints the JSON line, keying material equal to OpenSSL', async () => {
    const port = await freePort();
    const srv = openssl(['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-naccept', '1', '-cert', files.rsaCrt, '-key', files.rsaKey, ...SRTP_ARGS], true, 25_000);
    await srv.ready;
    const r = await runCli(['client', '--host', '127.0.0.1', '--port', String(port), '--cert', files.oursCrt, '--key', files.oursKey, '--expect-fingerprint', 'sha-256', fingerprint(rsaCert.der, 'sha-256')]);
    expect(r.code, r.err).toBe(0);
    const line = JSON.parse(r.out.trim().split('\n').at(-1)!) as Record<string, string>;
    expect(line).toMatchObject({ role: 'client', srtpProfile: 'SRTP_AES128_CM_HMAC_SHA1_80', peerFingerprint: fingerprint(rsaCert.der, 'sha-256') });
    expect(line.cipherSuite).toMatch(/^TLS_ECDHE_RSA_WITH_/);
    expect(line.keyingMaterial).toMatch(/^[0-9a-f]{120}$/);
    const run = await srv.done;
    expect(run.keyingMaterial).toBe(line.keyingMaterial);
  }, 30_000);

  it('server: a plain `openssl s_client` without -cert connects; the JSON keying material equals OpenSSL\'s', async () => {
    const port = await freePort();
    const p = spawn(tsx, [cli, 'server', '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(p);
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const listening = new Promise<void>((resolve) =>
      p.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        if (err.includes('listening')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => {
      const t = setTimeout(() => p.kill('SIGKILL'), 20_000);
      p.on('exit', (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
    await listening;
    const cl = await openssl(['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, ...SRTP_ARGS], false).done;
    const code = await exited;
    expect(code, err).toBe(0);
    const line = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, string>;
    expect(line).toMatchObject({ role: 'server', srtpProfile: 'SRTP_AES128_CM_HMAC_SHA1_80', peerFingerprint: '' });
    expect(line.keyingMaterial).toMatch(/^[0-9a-f]{120}$/);
    expect(cl.keyingMaterial).toBe(line.keyingMaterial);
  }, 30_000);

  it('exits non-zero when the peer certificate does not match --expect-fingerprint', async () => {
    const port = await freePort();
    const srv = openssl(['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-naccept', '1', '-cert', files.ecCrt, '-key', files.ecKey, ...SRTP_ARGS], true, 25_000);
    await srv.ready;
    const r = await runCli(['client', '--host', '127.0.0.1', '--port', String(port), '--expect-fingerprint', 'sha-256', Array(32).fill('00').join(':')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/bad_certificate/);
    expect(r.out).toBe('');
    srv.proc.kill('SIGKILL');
  }, 30_000);
});
