/**
 * Our messages against coturn's `turnserver` on 127.0.0.1 (a real RFC 5389/8656 server):
 * a Binding request, then the TURN long-term-credential dance — Allocate, 401 with REALM and
 * NONCE, Allocate again with USERNAME/REALM/NONCE/MESSAGE-INTEGRITY under
 * MD5(username:realm:password) — which coturn only accepts if our key, length adjustment and HMAC
 * are right; and coturn's signed answer must verify with our code.
 * Skipped when coturn is missing, unless REQUIRE_REAL_PEERS is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '@rtcstack/common';
import {
  Method,
  TransportProtocol,
  attr,
  buildMessage,
  getAttribute,
  longTermKey,
  newTransactionId,
  verifyFingerprint,
  verifyMessageIntegrity,
  type TypedAttribute,
} from '../src/index.ts';
import { UdpStunClient } from '../src/node/index.ts';

const bin = ['/usr/bin/turnserver', '/usr/sbin/turnserver', '/usr/local/bin/turnserver'].find((p) => existsSync(p));
const required = Boolean(process.env.REQUIRE_REAL_PEERS);

if (!bin && !required) {
  describe.skip('coturn turnserver (skipped: not installed; apt-get install coturn)', () => {
    it('needs turnserver', () => {});
  });
} else {
  describe('our STUN/TURN messages against coturn turnserver on 127.0.0.1', () => {
    const port = 35000 + Math.floor(Math.random() * 5000);
    const server: Address = { address: '127.0.0.1', port };
    let proc: ChildProcess | undefined;
    let client: UdpStunClient;
    let log = '';

    beforeAll(async () => {
      if (!bin) throw new Error('REQUIRE_REAL_PEERS is set but coturn (turnserver) is not installed');
      proc = spawn(bin, [
        '-n', `--listening-ip=127.0.0.1`, '--relay-ip=127.0.0.1', `--listening-port=${port}`, '--min-port=49400', '--max-port=49440',
        '--lt-cred-mech', '--user=alice:alicepass', '--realm=example.test', '--fingerprint', '--no-tls', '--no-dtls', '--no-cli',
        '--allow-loopback-peers', '--log-file=stdout',
      ]);
      proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      client = await UdpStunClient.bind('127.0.0.1', 0, { rto: 100 });
      // Wait until it answers a Binding request (it takes a moment to start).
      for (let i = 0; i < 50; i++) {
        try {
          await client.request(buildMessage({ class: 'request', method: Method.Binding, transactionId: newTransactionId() }), server, { rc: 1, rm: 2 });
          return;
        } catch {
          /* not up yet */
        }
      }
      throw new Error(`turnserver did not start:\n${log}`);
    }, 20_000);

    afterAll(() => {
      client?.close();
      proc?.kill('SIGKILL');
    });

    it('Binding: XOR-MAPPED-ADDRESS is our socket, and coturn FINGERPRINT verifies', async () => {
      const { response } = await client.request(buildMessage({ class: 'request', method: Method.Binding, transactionId: newTransactionId(), fingerprint: true }), server);
      expect(response.class).toBe('success');
      expect(getAttribute(response, 'XOR_MAPPED_ADDRESS')).toEqual(client.local);
      expect(verifyFingerprint(response)).toBe('valid');
    });

    it('Allocate with long-term credentials: 401 challenge, then success with a relayed address', async () => {
      const transport = attr('REQUESTED_TRANSPORT', TransportProtocol.UDP);
      const first = await client.request(buildMessage({ class: 'request', method: Method.Allocate, transactionId: newTransactionId(), attributes: [transport], fingerprint: true }), server);
      expect(first.response.class).toBe('error');
      expect(getAttribute(first.response, 'ERROR_CODE')?.code).toBe(401);
      const realm = getAttribute(first.response, 'REALM');
      const nonce = getAttribute(first.response, 'NONCE');
      expect(realm).toBe('example.test');
      expect(nonce).toBeTruthy();
      if (!realm || !nonce) return;

      const allocate = (password: string): { bytes: Uint8Array; key: Uint8Array } => {
        const key = longTermKey('alice', realm, password);
        const attributes: TypedAttribute[] = [transport, attr('USERNAME', 'alice'), attr('REALM', realm), attr('NONCE', nonce), attr('LIFETIME', 60)];
        return { bytes: buildMessage({ class: 'request', method: Method.Allocate, transactionId: newTransactionId(), attributes, integrity: key, fingerprint: true }), key };
      };

      // Wrong password: coturn's HMAC check fails, it answers 401 again.
      const wrong = allocate('not-alicepass');
      const refused = await client.request(wrong.bytes, server);
      expect(getAttribute(refused.response, 'ERROR_CODE')?.code).toBe(401);

      // Right password: success, signed by coturn with the same key.
      const right = allocate('alicepass');
      const { response } = await client.request(right.bytes, server, { key: right.key });
      expect(response.class, log.slice(-2000)).toBe('success');
      expect(verifyMessageIntegrity(response, right.key)).toBe('valid');
      const relayed = getAttribute(response, 'XOR_RELAYED_ADDRESS');
      expect(relayed?.address).toBe('127.0.0.1');
      expect(relayed?.port).toBeGreaterThanOrEqual(49400);
      expect(relayed?.port).toBeLessThanOrEqual(49440);
      expect(getAttribute(response, 'XOR_MAPPED_ADDRESS')).toEqual(client.local);
      expect(getAttribute(response, 'LIFETIME')).toBeGreaterThan(0);

      // Refresh with LIFETIME 0 releases the allocation (RFC 8656 §7).
      const release = buildMessage({
        class: 'request',
        method: Method.Refresh,
        transactionId: newTransactionId(),
        attributes: [attr('LIFETIME', 0), attr('USERNAME', 'alice'), attr('REALM', realm), attr('NONCE', nonce)],
        integrity: right.key,
        fingerprint: true,
      });
      const done = await client.request(release, server, { key: right.key });
      expect(done.response.class).toBe('success');
    });
  });
}
