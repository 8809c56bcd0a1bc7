import { describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import { CIPHER_SUITES } from '../src/constants.ts';
import { fingerprint } from '../src/x509/index.ts';
import { decodeRecords, encodeRecord } from '../src/record.ts';
import { decodeHandshakeFragments, encodeHandshakeMessage } from '../src/handshake.ts';
import { concatBytes } from '@rtcstack/common';
import { certs, connectedEvent, drain, errorEvent, pair, run } from './helpers.ts';

describe('DtlsEndpoint handshake (in memory)', () => {
  it('completes flights 1-6 and both sides export the same SRTP keying material', () => {
    const { c, s } = pair();
    run(c, s);
    const ce = connectedEvent(c);
    const se = connectedEvent(s);
    expect(ce, JSON.stringify(c.events)).toBeDefined();
    expect(se, JSON.stringify(s.events)).toBeDefined();
    expect(ce!.cipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    expect(ce!.srtpProfile).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
    expect(ce!.keyingMaterial.length).toBe(60);
    expect(toHex(ce!.keyingMaterial)).toBe(toHex(se!.keyingMaterial));
    const [cc, sc] = certs();
    expect(ce!.peerFingerprint).toBe(fingerprint(sc.der, 'sha-256'));
    expect(se!.peerFingerprint).toBe(fingerprint(cc.der, 'sha-256'));
    expect(s.ep.stats.cookieRejected).toBe(0);
  });

  for (const suite of CIPHER_SUITES.filter((x) => x.auth === 'ecdsa')) {
    for (const group of ['x25519', 'secp256r1'] as const) {
      it(`negotiates ${suite.name} over ${group} and carries application data both ways`, () => {
        const { c, s } = pair({ cipherSuites: [suite.name], groups: [group] });
        run(c, s);
        expect(connectedEvent(c)?.cipherSuite).toBe(suite.name);
        c.ep.send(new TextEncoder().encode('hello from client'));
        s.ep.handleInput(1, drain(c)[0]);
        s.ep.send(new TextEncoder().encode('hello from server'));
        c.ep.handleInput(1, drain(s)[0]);
        drain(c);
        drain(s);
        const sd = s.events.find((e) => e.type === 'data');
        const cd = c.events.find((e) => e.type === 'data');
        expect(sd && sd.type === 'data' && new TextDecoder().decode(sd.data)).toBe('hello from client');
        expect(cd && cd.type === 'data' && new TextDecoder().decode(cd.data)).toBe('hello from server');
      });
    }
  }

  it('fragments every flight to a small MTU and still completes', () => {
    const { c, s } = pair({ mtu: 200 }, { mtu: 200 });
    run(c, s);
    expect(connectedEvent(c)).toBeDefined();
    for (const d of [...c.sent, ...s.sent]) expect(d.length).toBeLessThanOrEqual(200);
  });

  it('maxApplicationDataSize fills the MTU exactly (GCM: 13 + 8 + 16 bytes of overhead)', () => {
    const { c, s } = pair({ mtu: 1200 });
    expect(c.ep.maxApplicationDataSize).toBeUndefined();
    run(c, s);
    expect(c.ep.maxApplicationDataSize).toBe(1200 - 37);
    c.ep.send(new Uint8Array(c.ep.maxApplicationDataSize!));
    expect(drain(c)[0].length).toBe(1200);
  });

  it('close_notify closes both sides', () => {
    const { c, s } = pair();
    run(c, s);
    c.ep.close();
    for (const d of drain(c)) s.ep.handleInput(5, d);
    drain(s);
    expect(s.events.at(-1)).toEqual({ type: 'closed', by: 'peer' });
    expect(c.events.at(-1)).toEqual({ type: 'closed', by: 'local' });
  });
});

describe('record-layer ordering', () => {
  it('buffers a Finished that overtakes its ChangeCipherSpec (next-epoch record before the epoch switch)', () => {
    const { c, s } = pair();
    run(c, s, {
      filter: (from, d) => {
        if (from !== 'c') return d;
        const recs = decodeRecords(d);
        if (!recs.some((r) => r.epoch === 1)) return d;
        // Deliver flight 5's records one per datagram, last first: Finished (epoch 1) arrives first.
        for (const r of [...recs].reverse()) s.ep.handleInput(0, encodeRecord(r));
        return undefined;
      },
    });
    expect(s.ep.stats.bufferedEarly).toBeGreaterThanOrEqual(1);
    expect(connectedEvent(s)).toBeDefined();
    expect(connectedEvent(c)).toBeDefined();
  });

  it('retransmits its last flight when the peer retransmits its previous one', () => {
    const { c, s } = pair();
    let dropped = false;
    run(c, s, {
      filter: (from, d) => {
        // Lose the server's flight 6 once: the client's timer resends flight 5, the server answers with flight 6 again.
        if (from === 's' && !dropped && decodeRecords(d).some((r) => r.epoch === 1)) {
          dropped = true;
          return undefined;
        }
        return d;
      },
    });
    expect(dropped).toBe(true);
    expect(c.ep.stats.retransmissions).toBe(1);
    expect(s.ep.stats.retransmissions).toBe(1);
    expect(connectedEvent(c)).toBeDefined();
  });

  it('refuses renegotiation: a new ClientHello after the handshake gets a no_renegotiation warning', () => {
    const { c, s } = pair();
    run(c, s);
    // The client's next handshake message_seq is 6 (ClientHello 0 and 1, Certificate .. Finished 2..5).
    const ch = c.ep.protection(1).seal(22, 0xfefd, 1, 99, encodeHandshakeMessage(1, 6, new Uint8Array(40)));
    s.ep.handleInput(5, ch);
    const out = drain(s);
    expect(out.length).toBe(1);
    expect(out[0][0]).toBe(21); // an alert record (its content is encrypted)
    c.ep.handleInput(6, out[0]);
    drain(c);
    expect(c.ep.state).toBe('connected'); // a warning alert, not fatal
    expect(s.ep.state).toBe('connected');
    expect(errorEvent(s)).toBeUndefined();
  });
});

describe('after the handshake, plaintext (epoch 0) handshake records are forgeries', () => {
  // Next message_seq each side expects: the client saw server messages 0..6, the server client messages 0..5.
  const cases = [
    { to: 'client', msgType: 2, seq: 7, what: 'a ServerHello' },
    { to: 'client', msgType: 0, seq: 7, what: 'a HelloRequest' },
    { to: 'client', msgType: 11, seq: 7, what: 'a Certificate' },
    { to: 'server', msgType: 1, seq: 6, what: 'a ClientHello' },
    { to: 'server', msgType: 16, seq: 6, what: 'a ClientKeyExchange' },
  ] as const;
  for (const c0 of cases) {
    it(`${c0.what} in epoch 0 sent to the ${c0.to} is dropped silently (RFC 6347 §4.1.2.7), the session stays up`, () => {
      const { c, s } = pair();
      run(c, s);
      const x = c0.to === 'client' ? c : s;
      expect(x.ep.state).toBe('connected');
      const before = x.ep.stats.malformed;
      const forged = encodeRecord({ type: 22, version: 0xfefd, epoch: 0, sequenceNumber: 1000, fragment: encodeHandshakeMessage(c0.msgType, c0.seq, new Uint8Array(40)) });
      x.ep.handleInput(5, forged);
      expect(drain(x)).toEqual([]);
      expect(x.ep.state).toBe('connected');
      expect(errorEvent(x)).toBeUndefined();
      expect(x.ep.stats.malformed).toBe(before + 1);
    });
  }
});

describe('a client that sends no certificate', () => {
  /** Replaces the client's Certificate message with an empty certificate_list (what `openssl s_client` without -cert sends). */
  const emptyCertificate = (from: 'c' | 's', d: Uint8Array): Uint8Array => {
    if (from !== 'c') return d;
    const recs = decodeRecords(d).map((r) => {
      if (r.epoch !== 0 || r.type !== 22) return encodeRecord(r);
      const f = decodeHandshakeFragments(r.fragment)[0];
      if (f.msgType !== 11) return encodeRecord(r);
      return encodeRecord({ ...r, fragment: encodeHandshakeMessage(11, f.messageSeq, Uint8Array.of(0, 0, 0)) });
    });
    return concatBytes(...recs);
  };

  it('is refused with handshake_failure by default (RFC 5246 §7.4.6; WebRTC needs the certificate)', () => {
    const { c, s } = pair();
    run(c, s, { filter: emptyCertificate });
    expect(errorEvent(s)).toMatchObject({ alert: 'handshake_failure', sent: true, reason: 'peer sent no certificate' });
    expect(connectedEvent(s)).toBeUndefined();
  });

  it('is refused even with requireClientCertificate: false when an expected fingerprint is configured', () => {
    const [cc] = certs();
    const { c, s } = pair({}, { requireClientCertificate: false, expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(cc.der, 'sha-256') }] });
    run(c, s, { filter: emptyCertificate });
    expect(errorEvent(s)).toMatchObject({ alert: 'handshake_failure', sent: true, reason: 'peer sent no certificate' });
    expect(connectedEvent(s)).toBeUndefined();
  });
});

describe('epoch 0 has no replay window (nothing in it authenticates, RFC 6347 §4.1.2.6)', () => {
  for (const to of ['client', 'server'] as const) {
    it(`one forged plaintext record with a far-ahead sequence number does not stop the ${to}'s handshake`, () => {
      const { c, s } = pair();
      const x = to === 'client' ? c : s;
      let injected = false;
      run(c, s, {
        filter: (_from, d) => {
          if (!injected) {
            injected = true;
            // A malformed ChangeCipherSpec at record sequence 2^40: dropped, and it must not drag a window along.
            x.ep.handleInput(0, encodeRecord({ type: 20, version: 0xfefd, epoch: 0, sequenceNumber: 2 ** 40, fragment: Uint8Array.of(2) }));
          }
          return d;
        },
      });
      expect(injected).toBe(true);
      expect(connectedEvent(c)).toBeDefined();
      expect(connectedEvent(s)).toBeDefined();
      expect(x.ep.stats.malformed).toBe(1);
    });
  }
});

describe('pollOutput queue', () => {
  it('a burst of 5000 records comes out complete and in order, also when polled in parts between sends', () => {
    const { c, s } = pair();
    run(c, s);
    const sent: number[] = [];
    const got: number[] = [];
    const deliver = (n: number): void => {
      for (let i = 0; i < n; i++) {
        const o = c.ep.pollOutput();
        if (!o) return;
        if (o.type === 'transmit') s.ep.handleInput(1, o.data);
      }
    };
    for (let i = 0; i < 5000; i++) {
      c.ep.send(new Uint8Array([i >> 8, i & 0xff]));
      sent.push(i);
      if (i % 7 === 0) deliver(3); // poll less than is queued: the queue's head moves through it
    }
    deliver(Infinity);
    expect(c.ep.pollOutput()).toBeUndefined();
    for (let o = s.ep.pollOutput(); o; o = s.ep.pollOutput()) if (o.type === 'data') got.push((o.data[0] << 8) | o.data[1]);
    expect(got).toEqual(sent);
  });
});

describe('server without the cookie exchange (cookieExchange: false, RFC 6347 §4.2.1 MAY)', () => {
  const firstHandshakeType = (d: Uint8Array): number | undefined => {
    const r = decodeRecords(d)[0];
    return r.type === 22 && r.epoch === 0 ? decodeHandshakeFragments(r.fragment)[0].msgType : undefined;
  };

  it('by default the ClientHello is answered by a HelloVerifyRequest', () => {
    const { c, s } = pair();
    run(c, s);
    expect(firstHandshakeType(s.sent[0])).toBe(3); // hello_verify_request
    expect(connectedEvent(s)).toBeDefined();
  });

  it('off: the first ClientHello gets flight 4 (ServerHello first), one round trip less, same keys both sides (both Finished verified over a transcript that starts at the only ClientHello)', () => {
    const { c, s } = pair({}, { cookieExchange: false });
    run(c, s);
    expect(firstHandshakeType(s.sent[0])).toBe(2); // server_hello
    const ce = connectedEvent(c);
    const se = connectedEvent(s);
    expect(ce && se).toBeTruthy();
    expect(toHex(ce!.keyingMaterial)).toBe(toHex(se!.keyingMaterial));
    // Client: ClientHello, flight 5 (Certificate .. Finished); a cookie would add a second ClientHello.
    const withCookie = pair();
    run(withCookie.c, withCookie.s);
    expect(c.sent.length).toBe(withCookie.c.sent.length - 1);
    expect(s.sent.length).toBe(withCookie.s.sent.length - 1);
  });

  it('off: a lost flight 4 is recovered when the ClientHello is retransmitted', () => {
    const { c, s } = pair({ retransmitInitialMs: 100 }, { cookieExchange: false, retransmitInitialMs: 100 });
    let dropped = 0;
    run(c, s, { filter: (from, d) => (from === 's' && firstHandshakeType(d) === 2 && dropped++ === 0 ? undefined : d) });
    expect(dropped).toBeGreaterThan(1);
    expect(connectedEvent(c)).toBeDefined();
    expect(connectedEvent(s)).toBeDefined();
    expect(c.ep.stats.retransmissions).toBeGreaterThan(0);
  });

});
