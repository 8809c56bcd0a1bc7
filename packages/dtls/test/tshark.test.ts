/**
 * An independent check of a whole DTLS 1.2 handshake between two of our DtlsEndpoints: Wireshark's
 * DTLS dissector (tshark) reads the capture with the NSS key log our client writes (keyLog option,
 * CLIENT_RANDOM lines), and must
 *   - dissect every handshake message type of the full ECDHE handshake with a cookie exchange and
 *     client authentication (RFC 6347 §4.2.1 HelloVerifyRequest; RFC 5246 §7.3 message flow);
 *   - decrypt both Finished messages, whose verify_data this test recomputes from the plaintext
 *     transcript in the capture and the logged master secret (RFC 5246 §7.4.9 with the DTLS
 *     transcript rules of RFC 6347 §4.2.6), using node:crypto HMAC only, not our PRF code;
 *   - decrypt application data in both directions, and the close_notify alert, to what we sent;
 *   - raise no malformed-packet or expert warning/error anywhere.
 * The handshake runs in memory (helpers.ts). Skipped when tshark is missing, unless
 * REQUIRE_REAL_PEERS is set (then it fails).
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '@rtcstack/common';
import { HandshakeType } from '../src/constants.ts';
import { decodeRecords } from '../src/record.ts';
import { decodeHandshakeFragments } from '../src/handshake.ts';
import { connectedEvent, drain, pair, run, type Side } from './helpers.ts';
import { dissect, fieldValues, problems, protocols, tsharkPath, type Layers, type PcapPacket } from '../../test-support/src/tshark.ts';

const required = Boolean(process.env.REQUIRE_REAL_PEERS);

const client = { address: '127.0.0.1', port: 50000 };
const server = { address: '127.0.0.1', port: 50001 };
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const u24 = (n: number): Uint8Array => Uint8Array.of(n >> 16, (n >> 8) & 0xff, n & 0xff);
const fromClient = utf8('hello from the DTLS client');
const fromServer = utf8('and hello back from the server');

/** RFC 5246 §5 P_SHA256 and PRF, written out here with node:crypto so the check is independent. */
function prfSha256(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = concatBytes(utf8(label), seed);
  const out: Uint8Array[] = [];
  let a: Uint8Array = labelSeed;
  let have = 0;
  while (have < length) {
    a = createHmac('sha256', secret).update(a).digest();
    const block = createHmac('sha256', secret).update(concatBytes(a, labelSeed)).digest();
    out.push(block);
    have += block.length;
  }
  return concatBytes(...out).subarray(0, length);
}

interface Capture {
  packets: PcapPacket[];
  /** Plaintext (epoch 0) handshake messages in wire order, each with its 12-byte DTLS header. */
  plaintextHandshake: Uint8Array[];
  keyLog: string[];
  c: Side;
  s: Side;
}

/** Run the handshake, then one application-data record each way and a close_notify. */
function capture(): Capture {
  const keyLog: string[] = [];
  const { c, s } = pair({ keyLog: (l) => keyLog.push(l) });
  const packets: PcapPacket[] = [];
  const plaintextHandshake: Uint8Array[] = [];
  const record = (from: 'c' | 's', d: Uint8Array): void => {
    packets.push(from === 'c' ? { from: client, to: server, data: d } : { from: server, to: client, data: d });
    for (const r of decodeRecords(d)) {
      if (r.type !== 22 || r.epoch !== 0) continue;
      for (const f of decodeHandshakeFragments(r.fragment)) {
        // The transcript below assumes whole messages (ours fit one datagram at the default MTU).
        if (f.fragmentOffset !== 0 || f.data.length !== f.length) throw new Error('fragmented handshake message in the capture');
        plaintextHandshake.push(concatBytes(Uint8Array.of(f.msgType), u24(f.length), u16(f.messageSeq), u24(0), u24(f.length), f.data));
      }
    }
  };
  run(c, s, {
    filter: (from, d) => {
      record(from, d);
      return d;
    },
  });
  c.ep.send(fromClient);
  for (const d of drain(c)) {
    record('c', d);
    s.ep.handleInput(1, d);
  }
  s.ep.send(fromServer);
  for (const d of drain(s)) {
    record('s', d);
    c.ep.handleInput(2, d);
  }
  c.ep.close();
  for (const d of drain(c)) {
    record('c', d);
    s.ep.handleInput(3, d);
  }
  drain(s);
  return { packets, plaintextHandshake, keyLog, c, s };
}

function handshakeTypes(frames: readonly Layers[]): number[] {
  return frames.flatMap((f) => fieldValues(f.dtls, 'dtls.handshake.type').map(Number));
}

/** The decrypted verify_data of each Finished message tshark shows, in order. */
function finishedVerifyData(frames: readonly Layers[]): string[] {
  return frames.flatMap((f) => fieldValues(f.dtls, 'dtls.handshake.verify_data_raw'));
}

if (!tsharkPath && !required) {
  describe.skip('DTLS handshake vs Wireshark (skipped: tshark not installed; apt-get install tshark)', () => {
    it('needs tshark', () => {});
  });
} else {
  describe('a DTLS 1.2 handshake between our endpoints, read back and decrypted by Wireshark’s DTLS dissector', () => {
    let cap: Capture;
    let frames: Layers[] = [];
    let dir = '';

    beforeAll(async () => {
      if (!tsharkPath) throw new Error('REQUIRE_REAL_PEERS is set but tshark is not installed (apt-get install tshark)');
      cap = capture();
      dir = mkdtempSync(join(tmpdir(), 'rtcstack-dtls-keylog-'));
      const keyLogFile = join(dir, 'keys.log');
      writeFileSync(keyLogFile, [...new Set(cap.keyLog)].join('\n') + '\n');
      // -x adds each field's raw bytes ("<field>_raw": [hex, offset, length, ...]), also for the
      // decrypted records, which is how the verify_data bytes come back.
      frames = await dissect(cap.packets, {
        args: ['-o', `tls.keylog_file:${keyLogFile}`, '-d', `udp.port==${server.port},dtls`, '-o', 'udp.check_checksum:TRUE', '-x'],
      });
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('both sides connected, and the client logged one CLIENT_RANDOM line (NSS key log format)', () => {
      expect(connectedEvent(cap.c)).toBeDefined();
      expect(connectedEvent(cap.s)).toBeDefined();
      expect(cap.s.events.some((e) => e.type === 'data' && toHex(e.data) === toHex(fromClient))).toBe(true);
      expect(cap.c.events.some((e) => e.type === 'data' && toHex(e.data) === toHex(fromServer))).toBe(true);
      const lines = [...new Set(cap.keyLog)];
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
      expect(frames).toHaveLength(cap.packets.length);
    });

    it('every frame is DTLS, with no malformed packet and no expert warning or error', () => {
      for (const [i, f] of frames.entries()) {
        expect(protocols(f), `frame ${i + 1}`).toContain('dtls');
        expect(problems(f), `frame ${i + 1}`).toEqual([]);
      }
    });

    it('every handshake message of the flight plan is dissected (RFC 6347 §4.2.1, RFC 5246 §7.3)', () => {
      const T = HandshakeType;
      // Flights 1-6: ClientHello, HelloVerifyRequest, ClientHello with cookie, the server's flight 4,
      // the client's Certificate/ClientKeyExchange/CertificateVerify/Finished, the server's Finished.
      expect(handshakeTypes(frames)).toEqual([
        T.client_hello,
        T.hello_verify_request,
        T.client_hello,
        T.server_hello, T.certificate, T.server_key_exchange, T.certificate_request, T.server_hello_done,
        T.certificate, T.client_key_exchange, T.certificate_verify, T.finished,
        T.finished,
      ]);
      // The cookie the server sent is the one the second ClientHello echoes (RFC 6347 §4.2.1).
      const cookies = frames.flatMap((f) => fieldValues(f.dtls, 'dtls.handshake.cookie'));
      expect(cookies).toHaveLength(2);
      expect(cookies[0]).toBe(cookies[1]);
    });

    it('both Finished messages decrypt to the verify_data the transcript and master secret give (RFC 5246 §7.4.9, RFC 6347 §4.2.6)', () => {
      const master = fromHex(cap.keyLog[0].split(' ')[2]);
      // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest are not in the transcript.
      const msgs = cap.plaintextHandshake;
      const hvr = msgs.findIndex((m) => m[0] === HandshakeType.hello_verify_request);
      expect(hvr).toBe(1);
      const transcript = msgs.slice(hvr + 1);
      const hash = (parts: readonly Uint8Array[]): Uint8Array => createHash('sha256').update(concatBytes(...parts)).digest();
      const clientVerify = prfSha256(master, 'client finished', hash(transcript), 12);
      // The server's Finished covers the client's Finished too, as a whole message with its header.
      // It is encrypted, so not in the plaintext list: its message_seq follows CertificateVerify's.
      const cv = transcript[transcript.length - 1];
      expect(cv[0]).toBe(HandshakeType.certificate_verify);
      const clientFinishedSeq = u16(((cv[4] << 8) | cv[5]) + 1);
      const clientFinished = concatBytes(Uint8Array.of(HandshakeType.finished), u24(12), clientFinishedSeq, u24(0), u24(12), clientVerify);
      const serverVerify = prfSha256(master, 'server finished', hash([...transcript, clientFinished]), 12);
      expect(finishedVerifyData(frames)).toEqual([toHex(clientVerify), toHex(serverVerify)]);
    });

    it('application data decrypts to the bytes each side sent, and close_notify to a warning alert 0', () => {
      const appData = frames.filter((f) => fieldValues(f.dtls, 'dtls.record.content_type').includes('23'));
      expect(appData).toHaveLength(2);
      expect(appData.map((f) => fieldValues(f.data, 'data.data_raw'))).toEqual([[toHex(fromClient)], [toHex(fromServer)]]);
      const last = frames[frames.length - 1];
      expect(fieldValues(last.dtls, 'dtls.record.content_type')).toEqual(['21']);
      expect(fieldValues(last.dtls, 'dtls.alert_message.level')).toEqual(['1']);
      expect(fieldValues(last.dtls, 'dtls.alert_message.desc')).toEqual(['0']);
    });
  });
}
