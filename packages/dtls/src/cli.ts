/**
 * `npm run dtls -- client|server --host 127.0.0.1 --port N [--cert F --key F] [--mtu N]
 *   [--profiles P1,P2] [--expect-fingerprint sha-256 AB:CD:..] [--cipher NAME[,NAME]]
 *   [--groups x25519,secp256r1] [--keylog FILE] [--timeout MS]`
 *
 * Runs one DTLS 1.2 handshake against any peer and prints one JSON line: role, cipherSuite,
 * srtpProfile, keyingMaterial (hex of the 60-byte RFC 5764 block, as `openssl -keymatexport
 * EXTRACTOR-dtls_srtp -keymatexportlen 60` prints it), peerFingerprint, localFingerprint.
 * Exits non-zero when the handshake fails. The server always asks for a client certificate but
 * demands one only with --expect-fingerprint (then it must match), so a plain
 * `openssl s_client -dtls1_2` without -cert can connect.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { toHex } from '@rtcstack/common';
import type { CipherSuiteName, SrtpProfileName } from './constants.ts';
import { srtpProfileByName, cipherSuiteByName } from './constants.ts';
import { DtlsUdpConnection } from './udp.ts';
import { fingerprint, generateCertificate, loadPemCertificate } from './x509/index.ts';

function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error('usage: npm run dtls -- client|server --host 127.0.0.1 --port N [--cert F --key F] [--mtu N] [--profiles P1,P2] [--expect-fingerprint sha-256 AB:..] [--cipher NAME] [--groups x25519,secp256r1] [--keylog F] [--timeout MS]');
  process.exit(2);
}

const args = process.argv.slice(2);
const role = args.shift();
if (role !== 'client' && role !== 'server') usage();
const opt: Record<string, string[]> = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
  const vals: string[] = [];
  while (i + 1 < args.length && !args[i + 1].startsWith('--')) vals.push(args[++i]);
  opt[a.slice(2)] = vals;
}
const one = (k: string, d?: string): string | undefined => opt[k]?.[0] ?? d;

const host = one('host', '127.0.0.1')!;
const port = Number(one('port'));
if (!Number.isInteger(port) || port <= 0 || port > 65535) usage('--port is required');
const certificate = opt.cert ? loadPemCertificate(readFileSync(one('cert')!, 'utf8'), readFileSync(one('key') ?? usage('--key is required with --cert'), 'utf8')) : generateCertificate({ now: Date.now() });
const profiles = (one('profiles', 'SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM')!).split(/[,:]/).filter(Boolean);
for (const p of profiles) if (!srtpProfileByName(p)) usage(`unknown SRTP profile ${p}`);
const ciphers = opt.cipher?.join(',').split(',').filter(Boolean);
for (const c of ciphers ?? []) if (!cipherSuiteByName(c)) usage(`unknown cipher suite ${c}`);
const fp = opt['expect-fingerprint'];
const keylog = one('keylog');
const timeoutMs = Number(one('timeout', '30000'));

const conn = await DtlsUdpConnection.open({
  role,
  certificate,
  srtpProfiles: profiles.map((p) => srtpProfileByName(p)!.name as SrtpProfileName),
  cipherSuites: ciphers as CipherSuiteName[] | undefined,
  groups: opt.groups?.join(',').split(',') as ('x25519' | 'secp256r1')[] | undefined,
  mtu: opt.mtu ? Number(one('mtu')) : undefined,
  expectedFingerprints: fp ? [{ algorithm: fp[0], value: fp[1] ?? usage('--expect-fingerprint needs ALGORITHM VALUE') }] : undefined,
  requireClientCertificate: role === 'server' ? fp !== undefined : undefined,
  keyLog: keylog ? (line) => appendFileSync(keylog, line + '\n') : undefined,
  local: role === 'server' ? { address: host, port } : { address: host.includes(':') ? '::1' : '127.0.0.1', port: 0 },
  remote: role === 'client' ? { address: host, port } : undefined,
});
if (role === 'server') console.error(`dtls server listening on ${host}:${conn.localAddress.port}, fingerprint sha-256 ${fingerprint(certificate.der, 'sha-256')}`);

const timer = setTimeout(() => {
  console.error(`DTLS handshake did not finish within ${timeoutMs} ms`);
  process.exit(1);
}, timeoutMs);
try {
  const ev = await conn.connected();
  clearTimeout(timer);
  const km = conn.endpoint.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60);
  console.log(
    JSON.stringify({
      role,
      cipherSuite: ev.cipherSuite,
      srtpProfile: ev.srtpProfile ?? null,
      keyingMaterial: toHex(km),
      peerFingerprint: ev.peerFingerprint,
      localFingerprint: fingerprint(certificate.der, 'sha-256'),
    }),
  );
  if (role === 'server') {
    // Stay a moment so a client that lost our last flight can get it again, or until it closes.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1500);
      const prev = conn.onEvent;
      conn.onEvent = (e) => {
        prev(e);
        if (e.type === 'closed' || e.type === 'error') {
          clearTimeout(t);
          resolve();
        }
      };
    });
  }
  conn.close();
  process.exit(0);
} catch (e) {
  clearTimeout(timer);
  console.error(e instanceof Error ? e.message : String(e));
  conn.close();
  process.exit(1);
}
