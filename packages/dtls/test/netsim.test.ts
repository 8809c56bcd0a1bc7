/**
 * DTLS over the simulated network: loss, reordering and duplication; tampering on the wire
 * (each verification failure has its own alert and no keys come out); garbage after the
 * handshake. Virtual time, so the 1 s..60 s retransmission timers cost nothing.
 */
import { describe, expect, it } from 'vitest';
import { Network } from '@rtcstack/test-support';
import { concatBytes, fromHex, seededRandom, toHex } from '@rtcstack/common';
import { ContentType, HandshakeType, cipherSuiteByName } from '../src/constants.ts';
import { expandKeys } from '../src/prf.ts';
import { RecordProtection } from '../src/record-protection.ts';
import { decodeHandshakeFragments, encodeFragment } from '../src/handshake.ts';
import { decodeRecords, encodeRecord } from '../src/record.ts';
import { settled, simPair, type SimSide } from './netsim-helpers.ts';

const connected = (s: SimSide) => s.events.find((e) => e.type === 'connected');
const error = (s: SimSide) => {
  const e = s.events.find((x) => x.type === 'error');
  return e && e.type === 'error' ? e : undefined;
};

/** Rewrites plaintext handshake messages of one type in a datagram (epoch 0 only). */
function rewriteHandshake(data: Uint8Array, msgType: number, edit: (fragment: Uint8Array, offset: number, length: number) => void): Uint8Array {
  let recs;
  try {
    recs = decodeRecords(data);
  } catch {
    return data;
  }
  const parts = recs.map((r) => {
    if (r.type !== ContentType.handshake || r.epoch !== 0) return encodeRecord(r);
    const frags = decodeHandshakeFragments(r.fragment).map((f) => {
      if (f.msgType !== msgType) return encodeFragment(f);
      const d = f.data.slice();
      edit(d, f.fragmentOffset, f.length);
      return encodeFragment({ ...f, data: d });
    });
    return encodeRecord({ ...r, fragment: concatBytes(...frags) });
  });
  return concatBytes(...parts);
}

describe('DTLS on the simulated network', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`completes under 20% loss with reordering and duplication (seed ${seed})`, () => {
      const net = new Network({ seed, defaultLink: { delayMs: 15, jitterMs: 10, loss: 0.2, duplicate: 0.1, reorder: 0.2 } });
      const { c, s } = simPair(net, { mtu: 400 }, { mtu: 400 });
      c.ep.start(net.now);
      expect(net.runUntil(settled(c, s), 600_000)).toBe(true);
      const ce = connected(c);
      const se = connected(s);
      expect(ce, JSON.stringify(c.events)).toBeDefined();
      expect(se, JSON.stringify(s.events)).toBeDefined();
      expect(ce && ce.type === 'connected' && toHex(ce.keyingMaterial)).toBe(se && se.type === 'connected' && toHex(se.keyingMaterial));
    });
  }

  it('gives up after the bounded number of transmissions with a clear error', () => {
    const net = new Network({ seed: 1, defaultLink: { delayMs: 10, loss: 1 } });
    const { c, s } = simPair(net, { maxTransmissions: 4, retransmitInitialMs: 1000 });
    c.ep.start(net.now);
    net.runUntil(() => c.ep.state === 'failed', 1_000_000);
    const e = error(c);
    expect(e?.alert).toBeUndefined();
    expect(e?.reason).toMatch(/timed out after 4 transmissions/);
    // 1 s, 2 s, 4 s, 8 s between the four sends and the give-up.
    expect(net.now).toBe(15_000);
    expect(s.ep.state).not.toBe('connected');
  });

  it('doubles the retransmission timer up to the ceiling', () => {
    const net = new Network({ seed: 1, defaultLink: { delayMs: 10, loss: 1 } });
    const { c } = simPair(net, { maxTransmissions: 100, retransmitInitialMs: 1000, retransmitMaxMs: 4000 });
    c.ep.start(0);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      times.push(c.ep.nextTimeout()!);
      net.run(c.ep.nextTimeout()!);
    }
    expect(times).toEqual([1000, 3000, 7000, 11000, 15000]);
  });
});

/** Flips the last byte of a handshake message (inside its signature / verify_data) in a datagram. */
function flipLast(data: Uint8Array, msgType: number): Uint8Array {
  return rewriteHandshake(data, msgType, (frag, offset, length) => {
    if (offset + frag.length === length) frag[frag.length - 1] ^= 0x01;
  });
}

describe('tampering is detected with the right alert and no keys', () => {
  const noKeys = (x: SimSide): void => {
    expect(connected(x)).toBeUndefined();
    expect(() => x.ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)).toThrow();
  };

  it('a flipped byte in the ServerKeyExchange signature: client sends decrypt_error', () => {
    const net = new Network({ seed: 1, defaultLink: { delayMs: 5 } });
    const { c, s } = simPair(net, {}, {}, (from, d) => (from === 's' ? flipLast(d, HandshakeType.server_key_exchange) : d));
    c.ep.start(0);
    net.runUntil(settled(c, s), 100_000);
    expect(error(c)).toMatchObject({ alert: 'decrypt_error', sent: true });
    expect(error(s)).toMatchObject({ alert: 'decrypt_error', sent: false });
    noKeys(c);
    noKeys(s);
  });

  it('a flipped byte in CertificateVerify: server sends decrypt_error', () => {
    const net = new Network({ seed: 1, defaultLink: { delayMs: 5 } });
    const { c, s } = simPair(net, {}, {}, (from, d) => (from === 'c' ? flipLast(d, HandshakeType.certificate_verify) : d));
    c.ep.start(0);
    net.runUntil(settled(c, s), 100_000);
    expect(error(s)).toMatchObject({ alert: 'decrypt_error', sent: true });
    expect(error(c)).toMatchObject({ alert: 'decrypt_error', sent: false });
    noKeys(c);
    noKeys(s);
  });

  it('a flipped verify_data byte in the client Finished (re-encrypted with the logged keys): server sends decrypt_error', () => {
    let master: Uint8Array | undefined;
    let clientRandom: Uint8Array | undefined;
    let serverRandom: Uint8Array | undefined;
    const net = new Network({ seed: 1, defaultLink: { delayMs: 5 } });
    const { c, s } = simPair(
      net,
      {
        keyLog: (line) => {
          const [, cr, ms] = line.split(' ');
          clientRandom = fromHex(cr);
          master = fromHex(ms);
        },
      },
      {},
      (from, d) => {
        if (from === 's' && !serverRandom) {
          rewriteHandshake(d, HandshakeType.server_hello, (frag, offset) => {
            if (offset === 0) serverRandom = frag.slice(2, 34);
          });
        }
        if (from !== 'c' || !master) return d;
        // Re-seal the epoch-1 Finished record with one verify_data bit flipped (an attacker with the keys).
        const suite = cipherSuiteByName('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256')!;
        const k = expandKeys('sha256', master, clientRandom!, serverRandom!, suite.keyLength, suite.fixedIvLength);
        const prot = new RecordProtection(suite, k.clientWriteKey, k.clientWriteIv);
        const parts = decodeRecords(d).map((r) => {
          if (r.epoch !== 1 || r.type !== ContentType.handshake) return encodeRecord(r);
          const plain = prot.open(r.header, r.fragment)!;
          plain[plain.length - 1] ^= 1;
          return prot.seal(r.type, r.version, r.epoch, r.sequenceNumber, plain);
        });
        return concatBytes(...parts);
      },
    );
    c.ep.start(0);
    net.runUntil(settled(c, s), 100_000);
    expect(error(s)).toMatchObject({ alert: 'decrypt_error', sent: true });
    expect(error(s)?.reason).toMatch(/Finished/);
    noKeys(c);
    noKeys(s);
  });

  it('a flipped ciphertext byte in the Finished record is a bad record MAC: dropped silently, then the retransmission completes', () => {
    let flipped = false;
    const net = new Network({ seed: 1, defaultLink: { delayMs: 5 } });
    const { c, s } = simPair(net, {}, {}, (from, d) => {
      if (from !== 'c' || flipped) return d;
      const recs = decodeRecords(d);
      if (!recs.some((r) => r.epoch === 1)) return d;
      flipped = true;
      const out = d.slice();
      out[out.length - 1] ^= 0x80; // last byte of the last record: the Finished record's tag
      return out;
    });
    c.ep.start(0);
    expect(net.runUntil(settled(c, s), 100_000)).toBe(true);
    expect(s.ep.stats.badRecordMac).toBe(1);
    expect(connected(s)).toBeDefined();
    expect(connected(c)).toBeDefined();
  });

  it('a wrong cookie gets a fresh HelloVerifyRequest, never a handshake', () => {
    let tampered = 0;
    const net = new Network({ seed: 1, defaultLink: { delayMs: 5 } });
    const { c, s } = simPair(net, {}, {}, (from, d) => {
      if (from !== 'c' || tampered) return d;
      const out = rewriteHandshake(d, HandshakeType.client_hello, (frag, offset) => {
        // ClientHello: version(2) random(32) session_id(1+0) cookie_len(1) cookie...
        if (offset === 0 && frag[35] > 0) {
          frag[36] ^= 0xff;
          tampered++;
        }
      });
      return out;
    });
    c.ep.start(0);
    expect(net.runUntil(settled(c, s), 100_000)).toBe(true);
    expect(tampered).toBe(1);
    expect(s.ep.stats.cookieRejected).toBe(1);
    expect(connected(s)).toBeDefined();
  });

  for (const who of ['client', 'server'] as const) {
    it(`a ${who === 'client' ? 'server' : 'client'} certificate that does not match the SDP fingerprint: ${who} sends bad_certificate`, () => {
      const net = new Network({ seed: 1, defaultLink: { delayMs: 5 } });
      const wrong = [{ algorithm: 'sha-256', value: Array(32).fill('AB').join(':') }];
      const { c, s } = simPair(net, who === 'client' ? { expectedFingerprints: wrong } : {}, who === 'server' ? { expectedFingerprints: wrong } : {});
      c.ep.start(0);
      net.runUntil(settled(c, s), 100_000);
      const [checker, other] = who === 'client' ? [c, s] : [s, c];
      expect(error(checker)).toMatchObject({ alert: 'bad_certificate', sent: true });
      expect(error(other)).toMatchObject({ alert: 'bad_certificate', sent: false });
      noKeys(c);
      noKeys(s);
    });
  }
});

describe('an established session', () => {
  it('is not disturbed by garbage, truncated, replayed or forged datagrams', () => {
    const net = new Network({ seed: 3, defaultLink: { delayMs: 5 } });
    let lastAppRecord: Uint8Array | undefined;
    const { c, s } = simPair(net, {}, {}, (from, d) => {
      if (from === 'c' && d[0] === ContentType.application_data) lastAppRecord = d;
      return d;
    });
    c.ep.start(0);
    expect(net.runUntil(settled(c, s), 100_000)).toBe(true);
    const enc = new TextEncoder();
    c.ep.send(enc.encode('one'));
    net.runFor(50);
    const rng = seededRandom(9);
    const before = { ...s.ep.stats };
    const junk: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) junk.push(rng(1 + rng.int(300))); // random bytes
    junk.push(lastAppRecord!); // replay
    const forged = lastAppRecord!.slice();
    forged[forged.length - 3] ^= 1; // bad tag
    forged[10] ^= 0x40; // new sequence number so the replay window lets it through to the MAC check
    junk.push(forged);
    junk.push(lastAppRecord!.subarray(0, 20)); // truncated
    junk.push(encodeRecord({ type: ContentType.alert, version: 0xfefd, epoch: 0, sequenceNumber: 99, fragment: Uint8Array.of(2, 40) })); // plaintext fatal alert
    for (const j of junk) s.ep.handleInput(net.now, j);
    expect(s.ep.state).toBe('connected');
    expect(s.ep.stats.replayed - before.replayed).toBe(1);
    expect(s.ep.stats.badRecordMac - before.badRecordMac).toBeGreaterThanOrEqual(1);
    expect(s.ep.stats.malformed - before.malformed).toBeGreaterThanOrEqual(1);
    c.ep.send(enc.encode('two'));
    net.runFor(50);
    const data = s.events.filter((e) => e.type === 'data').map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : ''));
    expect(data).toEqual(['one', 'two']);
  });
});
