/**
 * npm run lab:stun  (also `npm run demo` for now)
 *
 * Starts a STUN server on 127.0.0.1, asks it "what is my address?" with a Binding request, and
 * prints both messages byte by byte. Then repeats the exchange the way ICE does it, with a
 * USERNAME, MESSAGE-INTEGRITY and FINGERPRINT, and shows a tampered copy being refused.
 * Loopback only; exits by itself.
 */
import { createSocket } from 'node:dgram';
import { addressKey, cryptoRandom } from '@rtcstack/common';
import {
  AttributeType,
  Method,
  appendFingerprint,
  annotateMessage,
  attr,
  buildMessage,
  decodeMessage,
  formatAnnotated,
  getAttribute,
  shortTermKey,
  verifyMessageIntegrity,
} from '../src/index.ts';
import { discoverReflexiveAddress, startUdpStunServer } from '../src/node/index.ts';

const rule = (title: string): void => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 90 - title.length))}`);
const show = (label: string, bytes: Uint8Array, key?: Uint8Array): void => {
  console.log(`\n${label} (${bytes.length} bytes)\n  offset bytes        field                meaning`);
  console.log(formatAnnotated(annotateMessage(bytes, { key })));
};

console.log(`STUN (RFC 8489) in one minute.
A host behind a NAT does not know the address the rest of the Internet sees for it. It asks a
STUN server with a Binding request; the server answers with the source address and port the
request arrived from, in XOR-MAPPED-ADDRESS. Every STUN message is a 20-byte header followed by
type-length-value attributes padded to 4 bytes.`);

// ── 1. A plain Binding request ─────────────────────────────────────────────────────────────────
const server = await startUdpStunServer({ host: '127.0.0.1', port: 0, software: 'rtcstack lab server' });
rule(`1. Binding request to our server at ${addressKey(server.address)}`);
const r = await discoverReflexiveAddress({ server: server.address, localHost: '127.0.0.1', software: 'rtcstack lab client' });
show(`client ${addressKey(r.local)} -> server: Binding request`, r.request);
show(`server -> client: Binding success response`, r.response.raw);
console.log(`\n  The client learns its reflexive address: ${addressKey(r.mapped)} (round trip ${r.rtt.toFixed(2)} ms).`);
console.log(`  On loopback there is no NAT, so it equals the local address; behind a NAT it would be the NAT's public mapping.`);
await server.close();

// ── 2. The ICE way: short-term credentials ─────────────────────────────────────────────────────
const password = 'lab-ice-password-22chars';
const key = shortTermKey(password);
const secure = await startUdpStunServer({
  host: '127.0.0.1',
  port: 0,
  software: 'rtcstack lab server',
  shortTermKey: (username) => (username === 'remote:local' ? key : undefined),
});
rule('2. An ICE connectivity check: USERNAME, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY, FINGERPRINT');
const socket = createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
const exchange = (request: Uint8Array): Promise<Uint8Array> =>
  new Promise((resolve) => {
    socket.once('message', (data) => resolve(new Uint8Array(data)));
    socket.send(request, secure.address.port, secure.address.address);
  });
const check = buildMessage({
  class: 'request',
  method: Method.Binding,
  transactionId: cryptoRandom(12),
  attributes: [
    attr('USERNAME', 'remote:local'),
    attr('PRIORITY', 0x6e0001ff),
    attr('ICE_CONTROLLING', 0x1234567890abcdefn),
    attr('USE_CANDIDATE', true),
  ],
  integrity: key,
  fingerprint: true,
});
show('client -> server: authenticated Binding request', check, key);
const answer = await exchange(check);
show('server -> client: success response, signed with the same key', answer, key);
console.log(`\n  MESSAGE-INTEGRITY of the response: ${verifyMessageIntegrity(decodeMessage(answer), key)}.`);

rule('3. The same request with one byte changed (PRIORITY) and a recomputed FINGERPRINT');
const tampered = check.slice();
const priority = decodeMessage(check).attributes.find((a) => a.type === AttributeType.PRIORITY);
tampered[(priority?.offset ?? 0) + 7] ^= 0x01; // last byte of PRIORITY's value
// Drop the old FINGERPRINT and append a fresh one, as an attacker could: FINGERPRINT is no MAC.
const refingerprinted = appendFingerprint(tampered.subarray(0, tampered.length - 8));
const refused = await exchange(refingerprinted);
const err = getAttribute(decodeMessage(refused), 'ERROR_CODE');
console.log(`  The HMAC no longer matches, so the server answers ${err?.code} ${err?.reason}:`);
show('server -> client: error response', refused);

socket.close();
await secure.close();
console.log(`\nMore: packages/stun/README.md, npm run stun:server, npm run stun:client -- --server 127.0.0.1:3478`);
