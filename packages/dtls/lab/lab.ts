/**
 * `npm run lab:dtls [-- --loss 0.2] [--mtu 300] [--seed N]`
 *
 * A DTLS 1.2 handshake between two in-process endpoints over the simulated network (virtual
 * time), printed flight by flight: every datagram, every record header annotated byte by byte,
 * every handshake message with what it carries. Then the derived secrets, labelled as demo values
 * (a real application never prints them), and a little application data.
 */
import { createHash } from 'node:crypto';
import { hexDump, toHex } from '@rtcstack/common';
import { Network, driveCore } from '@rtcstack/test-support';
import { ContentType, alertName, cipherSuiteById, cipherSuiteByName, handshakeTypeName, HandshakeType, srtpProfileById } from '../src/constants.ts';
import { DtlsEndpoint } from '../src/endpoint.ts';
import { findExtension, supportedGroups, useSrtp } from '../src/extensions.ts';
import { decodeHandshakeFragments } from '../src/handshake.ts';
import * as M from '../src/messages.ts';
import { expandKeys } from '../src/prf.ts';
import { decodeRecords } from '../src/record.ts';
import { fingerprint, generateCertificate, parseCertificate } from '../src/x509/index.ts';

const argv = process.argv.slice(2);
const arg = (k: string, d: number): number => (argv.includes(k) ? Number(argv[argv.indexOf(k) + 1]) : d);
const loss = arg('--loss', 0);
const mtu = arg('--mtu', 1200);
const seed = arg('--seed', 1);

const EXT_NAMES: Record<number, string> = { 10: 'supported_groups', 11: 'ec_point_formats', 13: 'signature_algorithms', 14: 'use_srtp', 23: 'extended_master_secret', 43: 'supported_versions', 51: 'key_share', 0xff01: 'renegotiation_info' };
const GROUPS: Record<number, string> = { 23: 'secp256r1', 29: 'x25519', 24: 'secp384r1', 0x11ec: 'X25519MLKEM768' };
const SCHEMES: Record<number, string> = { 0x0403: 'ecdsa_secp256r1_sha256', 0x0804: 'rsa_pss_rsae_sha256', 0x0401: 'rsa_pkcs1_sha256' };
const TYPES: Record<number, string> = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data' };

let serverRandom = new Uint8Array(32);
const short = (b: Uint8Array, n = 12): string => (b.length <= n ? toHex(b) : `${toHex(b.subarray(0, n))}… (${b.length} bytes)`);

/** One line per field of a handshake message, so a reader sees what each message carries. */
function describeMessage(type: number, body: Uint8Array): string[] {
  try {
    switch (type) {
      case HandshakeType.client_hello: {
        const m = M.clientHello.decode(body);
        return [
          `random ${short(m.random)}  session_id ${m.sessionId.length} bytes  cookie ${m.cookie.length ? short(m.cookie) : '(empty: first ClientHello)'}`,
          `cipher_suites ${m.cipherSuites.map((s) => cipherSuiteById(s)?.name ?? `0x${s.toString(16)}`).join(', ')}`,
          `extensions ${m.extensions.map((e) => EXT_NAMES[e.type] ?? e.type).join(', ')}`,
          ...(findExtension(m.extensions, 10) ? [`groups ${supportedGroups.decode(findExtension(m.extensions, 10)!.data).map((g) => GROUPS[g] ?? g).join(', ')}`] : []),
          ...(findExtension(m.extensions, 14) ? [`use_srtp ${useSrtp.decode(findExtension(m.extensions, 14)!.data).profiles.map((p) => srtpProfileById(p)?.name ?? p).join(', ')}`] : []),
        ];
      }
      case HandshakeType.hello_verify_request: {
        const m = M.helloVerifyRequest.decode(body);
        return [`cookie ${short(m.cookie, 32)}  = HMAC(server secret, ClientHello fields): proves the client owns its address`];
      }
      case HandshakeType.server_hello: {
        const m = M.serverHello.decode(body);
        serverRandom = m.random.slice();
        const srtp = findExtension(m.extensions, 14);
        return [
          `random ${short(m.random)}  cipher_suite ${cipherSuiteById(m.cipherSuite)?.name}`,
          `extensions ${m.extensions.map((e) => EXT_NAMES[e.type] ?? e.type).join(', ')}${srtp ? `  (SRTP profile ${srtpProfileById(useSrtp.decode(srtp.data).profiles[0])?.name})` : ''}`,
        ];
      }
      case HandshakeType.certificate: {
        const chain = M.certificate.decode(body);
        if (!chain.length) return ['(no certificate)'];
        const c = parseCertificate(chain[0]);
        return [`subject ${c.subject.replace(/\n/g, ', ')}  key ${c.keyType}  ${c.signatureAlgorithm}`, `sha-256 fingerprint ${fingerprint(chain[0], 'sha-256')}  <- compared with SDP a=fingerprint`];
      }
      case HandshakeType.server_key_exchange: {
        const m = M.serverKeyExchange.decode(body);
        return [`ECDHE group ${GROUPS[m.namedGroup]}  public ${short(m.publicKey)}`, `signed with ${SCHEMES[m.signatureScheme]} over client_random + server_random + params: ${short(m.signature)}`];
      }
      case HandshakeType.certificate_request: {
        const m = M.certificateRequest.decode(body);
        return [`certificate_types ${m.certificateTypes.join(',')}  signature_algorithms ${m.signatureAlgorithms.map((s) => SCHEMES[s] ?? s).join(', ')}`];
      }
      case HandshakeType.server_hello_done:
        return ['(empty: the server is done with flight 4)'];
      case HandshakeType.client_key_exchange:
        return [`client ECDHE public ${short(M.clientKeyExchange.decode(body))}`];
      case HandshakeType.certificate_verify: {
        const m = M.certificateVerify.decode(body);
        return [`${SCHEMES[m.signatureScheme]} over every handshake message so far: ${short(m.signature)}  <- proves the client holds the certificate's key`];
      }
      default:
        return [];
    }
  } catch (e) {
    return [`(does not decode: ${e instanceof Error ? e.message : String(e)})`];
  }
}

function describeDatagram(who: string, time: number, d: Uint8Array): void {
  let recs;
  try {
    recs = decodeRecords(d);
  } catch {
    console.log(`  ${time.toFixed(0).padStart(6)} ms  ${who}  ${d.length} bytes (not DTLS)`);
    return;
  }
  console.log(`  ${time.toFixed(0).padStart(6)} ms  ${who}  datagram of ${d.length} bytes, ${recs.length} record(s)`);
  for (const r of recs) {
    const h = r.header;
    console.log(
      `      record  ${toHex(h.subarray(0, 1))} type=${TYPES[r.type]} | ${toHex(h.subarray(1, 3))} version=DTLS ${r.version === 0xfefd ? '1.2' : '1.0'} | ${toHex(h.subarray(3, 5))} epoch=${r.epoch} | ${toHex(h.subarray(5, 11))} seq=${r.sequenceNumber} | ${toHex(h.subarray(11, 13))} length=${r.fragment.length}`,
    );
    if (r.epoch > 0) {
      console.log(`        (encrypted under epoch ${r.epoch}: explicit nonce + ciphertext + 16-byte tag)`);
      continue;
    }
    if (r.type === ContentType.change_cipher_spec) console.log('        ChangeCipherSpec: from now on this side sends under epoch 1');
    if (r.type === ContentType.alert) console.log(`        Alert ${r.fragment[0] === 2 ? 'fatal' : 'warning'} ${alertName(r.fragment[1])}`);
    if (r.type !== ContentType.handshake) continue;
    for (const f of decodeHandshakeFragments(r.fragment)) {
      const whole = f.fragmentOffset === 0 && f.data.length === f.length;
      console.log(`        ${handshakeTypeName(f.msgType)} message_seq=${f.messageSeq} length=${f.length}${whole ? '' : ` fragment ${f.fragmentOffset}..${f.fragmentOffset + f.data.length}`}`);
      if (whole) for (const line of describeMessage(f.msgType, f.data)) console.log(`          ${line}`);
    }
  }
}

// ─── the run ────────────────────────────────────────────────────────────────────────────────

const net = new Network({ seed, defaultLink: { delayMs: 10, loss, mtu: 1500 } });
const certC = generateCertificate({ now: Date.UTC(2026, 0, 1), commonName: 'lab client' });
const certS = generateCertificate({ now: Date.UTC(2026, 0, 1), commonName: 'lab server' });
let keyLogLine = '';
const client = new DtlsEndpoint({
  role: 'client',
  certificate: certC,
  srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'],
  expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certS.der, 'sha-256') }],
  mtu,
  keyLog: (l) => (keyLogLine = l),
});
const server = new DtlsEndpoint({
  role: 'server',
  certificate: certS,
  srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'],
  expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(certC.der, 'sha-256') }],
  mtu,
});

console.log('DTLS 1.2 lab: client 10.0.0.1:5000 (a=setup:active) <-> server 10.0.0.2:5000 (a=setup:passive)');
console.log(`simulated link: 10 ms one way, loss ${loss * 100}%, our MTU ${mtu}\n`);
console.log(`client certificate sha-256 ${fingerprint(certC.der, 'sha-256')}`);
console.log(`server certificate sha-256 ${fingerprint(certS.der, 'sha-256')}`);
console.log('(each side was told the other\'s fingerprint, as SDP would)\n');

net.onTrace = (e) => {
  if (e.kind === 'drop') console.log(`  ${e.time.toFixed(0).padStart(6)} ms  ✗ the network lost a ${e.size}-byte datagram ${e.link} (${e.reason})`);
};
const hostC = net.addHost('client', ['10.0.0.1']);
const hostS = net.addHost('server', ['10.0.0.2']);
const sockC = hostC.bind(5000);
const sockS = hostS.bind(5000);
const FLIGHTS: Record<string, string> = {
  'c1': 'flight 1 (client): ClientHello',
  's2': 'flight 2 (server): HelloVerifyRequest, stateless: the server keeps nothing yet',
  'c3': 'flight 3 (client): ClientHello again, now with the cookie',
  's4': 'flight 4 (server): ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone',
  'c5': 'flight 5 (client): Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished',
  's6': 'flight 6 (server): ChangeCipherSpec, Finished',
};
let lastFlight = '';
const seenFlights = new Set<string>();
function flightOf(who: 'c' | 's', d: Uint8Array): string | undefined {
  try {
    const r = decodeRecords(d)[0];
    if (r.type === ContentType.change_cipher_spec) return who === 'c' ? 'c5' : 's6';
    if (r.type !== ContentType.handshake || r.epoch > 0) return undefined;
    const f = decodeHandshakeFragments(r.fragment)[0];
    const t = f.msgType;
    // ClientHello: version(2) random(32) session_id(1+n) cookie(1+n): a non-empty cookie means flight 3.
    if (t === HandshakeType.client_hello) return f.fragmentOffset === 0 && f.data[35 + f.data[34]] > 0 ? 'c3' : 'c1';
    if (t === HandshakeType.hello_verify_request) return 's2';
    if (t === HandshakeType.server_hello || t === HandshakeType.certificate) return who === 's' ? 's4' : 'c5';
    if (t === HandshakeType.client_key_exchange) return 'c5';
  } catch {
    return undefined;
  }
  return undefined;
}

for (const [ep, sock, peer, who] of [
  [client, sockC, sockS.local, 'c'],
  [server, sockS, sockC.local, 's'],
] as const) {
  driveCore(net, sock, {
    onDatagram: (now, data) => ep.handleInput(now, data),
    flush: (send) => {
      for (let o = ep.pollOutput(); o; o = ep.pollOutput()) {
        if (o.type === 'transmit') {
          const f = flightOf(who, o.data);
          if (f && f !== lastFlight) {
            const again = seenFlights.has(f) ? ' (RETRANSMITTED)' : '';
            console.log(`\n── ${FLIGHTS[f]}${again} ${'─'.repeat(Math.max(0, 90 - FLIGHTS[f].length - again.length))}`);
            lastFlight = f;
            seenFlights.add(f);
          }
          describeDatagram(who === 'c' ? 'client -> server' : 'server -> client', net.now, o.data);
          send(o.data, peer);
        } else if (o.type === 'connected') {
          console.log(`\n  ${net.now.toFixed(0)} ms  ${who === 'c' ? 'client' : 'server'} CONNECTED: ${o.cipherSuite}, ${o.srtpProfile}, peer fingerprint verified`);
        } else if (o.type === 'error') {
          console.log(`\n  ${who === 'c' ? 'client' : 'server'} FAILED: ${o.alert ?? 'timeout'}: ${o.reason}`);
        } else if (o.type === 'data') {
          console.log(`  ${net.now.toFixed(0)} ms  ${who === 'c' ? 'client' : 'server'} received application data: "${new TextDecoder().decode(o.data)}"`);
        }
      }
    },
    nextTimeout: () => ep.nextTimeout(),
    handleTimeout: (now) => ep.handleTimeout(now),
  });
}

client.start(net.now);
const ok = net.runUntil(() => client.state === 'connected' && server.state === 'connected', 300_000);
if (!ok) {
  console.log('\nhandshake did not complete');
  process.exit(1);
}
net.runFor(50);

// ─── the key schedule, recomputed step by step (demo values) ────────────────────────────────
const [, crHex, msHex] = keyLogLine.split(' ');
const suiteName = client.cipherSuite!;
const suite = cipherSuiteByName(suiteName)!;
console.log('\n── derived secrets (DEMO: a real application never prints these) ' + '─'.repeat(30));
console.log(`  cipher suite           ${suiteName}`);
console.log(`  NSS key log line       CLIENT_RANDOM ${crHex.slice(0, 16)}… ${msHex.slice(0, 16)}…  (Wireshark can decrypt a capture with it)`);
console.log('  pre_master_secret      = ECDHE shared secret, never sent');
console.log(`  session_hash           = ${suite.prfHash.toUpperCase()}(ClientHello(with cookie) .. ClientKeyExchange)      RFC 7627 §3`);
console.log('  master_secret (48)     = PRF(pre_master, "extended master secret", session_hash)  RFC 7627 §4');
console.log(hexDump(Buffer.from(msHex, 'hex'), '      '));
console.log('  key_block              = PRF(master, "key expansion", server_random + client_random)  RFC 5246 §6.3');
const kb = expandKeys(suite.prfHash, Buffer.from(msHex, 'hex'), Buffer.from(crHex, 'hex'), serverRandom, suite.keyLength, suite.fixedIvLength);
console.log(`      client_write_key   ${toHex(kb.clientWriteKey)}`);
console.log(`      server_write_key   ${toHex(kb.serverWriteKey)}`);
console.log(`      client_write_IV    ${toHex(kb.clientWriteIv)}   (GCM: 4-byte salt; the other 8 nonce bytes travel in each record)`);
console.log(`      server_write_IV    ${toHex(kb.serverWriteIv)}`);
const km = client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60);
const kmS = server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60);
console.log('  SRTP keying material   = PRF(master, "EXTRACTOR-dtls_srtp", client_random + server_random)[0..59]  RFC 5705, RFC 5764 §4.2');
console.log(`      client master key  ${toHex(km.subarray(0, 16))}`);
console.log(`      server master key  ${toHex(km.subarray(16, 32))}`);
console.log(`      client master salt ${toHex(km.subarray(32, 46))}`);
console.log(`      server master salt ${toHex(km.subarray(46, 60))}`);
console.log(`  both sides agree: ${toHex(km) === toHex(kmS) ? 'yes' : 'NO'}   (hash of the block: ${createHash('sha256').update(km).digest('hex').slice(0, 16)}…)`);

// ─── application data (what SCTP will send) ─────────────────────────────────────────────────
console.log('\n── application data (epoch 1, AEAD) ' + '─'.repeat(60));
client.send(new TextEncoder().encode('hello over DTLS'));
net.runFor(50);
server.send(new TextEncoder().encode('and back'));
net.runFor(50);
console.log(`\nstats: client ${JSON.stringify(client.stats)}\n       server ${JSON.stringify(server.stats)}`);
