/**
 * Interop with werift's DTLS (npm werift 0.25, a second TypeScript stack), in process over an
 * in-memory datagram pipe: our client with its server and its client with our server. Both sides
 * must derive the same RFC 5764 keying material.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '@rtcstack/common';
import { CipherContext, DtlsClient, DtlsServer } from 'werift';
import { DtlsEndpoint } from '../src/endpoint.ts';
import { fingerprint, loadPemCertificate } from '../src/x509/index.ts';
import { certs } from './helpers.ts';

interface MemTransport {
  type: string;
  address: object;
  closed: boolean;
  onData: (d: Buffer) => void;
  send: (d: Buffer) => Promise<void>;
  close: () => Promise<void>;
}

/** werift's side of the pipe; `deliver` hands its datagrams to our endpoint. */
function transport(deliver: (d: Uint8Array) => void): MemTransport {
  return {
    type: 'memory',
    address: {},
    closed: false,
    onData: () => {},
    send: async (d) => {
      setImmediate(() => deliver(new Uint8Array(d)));
    },
    close: async () => {},
  };
}

function drive(ep: DtlsEndpoint, t: MemTransport, onEvent: (type: string) => void): void {
  for (let o = ep.pollOutput(); o; o = ep.pollOutput()) {
    if (o.type === 'transmit') {
      const b = Buffer.from(o.data);
      setImmediate(() => t.onData(b));
    } else onEvent(o.type);
  }
}

describe('werift DTLS interop (in memory)', () => {
  for (const ourRole of ['client', 'server'] as const) {
    it(`our ${ourRole} with werift's ${ourRole === 'client' ? 'server' : 'client'}: same keying material`, async () => {
      const w = await CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23);
      const wDer = loadPemCertificate(w.certPem, w.keyPem).der;
      const [mine] = certs();
      let ep!: DtlsEndpoint;
      const events: string[] = [];
      const t = transport((d) => {
        ep.handleInput(0, d);
        drive(ep, t, (e) => events.push(e));
      });
      ep = new DtlsEndpoint({ role: ourRole, certificate: mine, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fingerprint(wDer, 'sha-256') }] });
      const opts = { cert: w.certPem, key: w.keyPem, signatureHash: w.signatureHash, transport: t as never, srtpProfiles: [1 as const], extendedMasterSecret: true };
      const peer = ourRole === 'client' ? new DtlsServer({ ...opts, certificateRequest: true }) : new DtlsClient(opts);
      const peerUp = new Promise<void>((r) => peer.onConnect.once(() => r()));
      if (ourRole === 'client') {
        ep.start(0);
        drive(ep, t, (e) => events.push(e));
      } else void (peer as DtlsClient).connect();
      await peerUp;
      for (let i = 0; i < 20 && !events.includes('connected'); i++) await new Promise((r) => setImmediate(r));
      expect(events).toContain('connected');
      const ours = toHex(ep.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60));
      expect(toHex(peer.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60))).toBe(ours);
      expect(peer.remoteCertificate && toHex(peer.remoteCertificate)).toBe(toHex(mine.der));
      peer.close();
    });
  }
});
