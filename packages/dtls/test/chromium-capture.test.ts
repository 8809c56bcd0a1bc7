/**
 * The real thing: ClientHellos Chromium 156 sent (captured by packages/interop into
 * test-vectors/chromium-dtls.json). Our server must reassemble the two fragments in either order,
 * answer the first with a HelloVerifyRequest, and answer the second (its cookie replaced by the
 * one our server issued, since the capture's cookie came from another server's secret) with a
 * DTLS 1.2 flight 4 that picks what Chromium offered: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
 * x25519 (not X25519MLKEM768), and an SRTP profile from its list.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex } from '@rtcstack/common';
import { loadVectorFile } from '@rtcstack/test-support';
import { ContentType, HandshakeType } from '../src/constants.ts';
import { DtlsEndpoint } from '../src/endpoint.ts';
import { findExtension, useSrtp } from '../src/extensions.ts';
import { decodeHandshakeFragments } from '../src/handshake.ts';
import * as M from '../src/messages.ts';
import { decodeRecords, encodeRecord } from '../src/record.ts';
import { certs } from './helpers.ts';

const file = loadVectorFile('chromium-dtls.json');
const hello = (id: string): Uint8Array[] => {
  const c = file.cases.find((x) => x.id === id)!;
  return ((c.input as { datagrams: string[] }).datagrams).map((h) => fromHex(h));
};

function outputs(ep: DtlsEndpoint): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = ep.pollOutput(); o; o = ep.pollOutput()) if (o.type === 'transmit') out.push(o.data);
  return out;
}

function messages(datagrams: Uint8Array[]): { type: number; body: Uint8Array }[] {
  return datagrams.flatMap((d) => decodeRecords(d)).filter((r) => r.type === ContentType.handshake && r.epoch === 0).flatMap((r) => decodeHandshakeFragments(r.fragment)).map((f) => ({ type: f.msgType, body: f.data }));
}

/** Replace the 32-byte cookie of a captured ClientHello (it sits in the first fragment). */
function withCookie(datagrams: Uint8Array[], cookie: Uint8Array): Uint8Array[] {
  return datagrams.map((d) => {
    const recs = decodeRecords(d);
    return concat(recs.map((r) => {
      const frags = decodeHandshakeFragments(r.fragment);
      if (frags[0].fragmentOffset !== 0) return encodeRecord(r);
      const frag = r.fragment.slice();
      // handshake header (12) + version (2) + random (32) + session_id length (1, = 0) + cookie length (1)
      expect(frag[12 + 34]).toBe(0);
      expect(frag[12 + 35]).toBe(32);
      frag.set(cookie, 12 + 36);
      return encodeRecord({ ...r, fragment: frag });
    }));
  });
}
const concat = (parts: Uint8Array[]): Uint8Array => concatBytes(...parts);

describe('ClientHellos captured from Chromium 156', () => {
  for (const order of ['in order', 'second fragment first'] as const) {
    it(`are reassembled (${order}) and answered: HelloVerifyRequest, then a DTLS 1.2 flight 4`, () => {
      const [server] = certs();
      const ep = new DtlsEndpoint({ role: 'server', certificate: server, srtpProfiles: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'] });
      const first = hello('chromium156-client-hello-1');
      for (const d of order === 'in order' ? first : [...first].reverse()) ep.handleInput(0, d);
      const hvr = messages(outputs(ep));
      expect(hvr.map((m) => m.type)).toEqual([HandshakeType.hello_verify_request]);
      const cookie = M.helloVerifyRequest.decode(hvr[0].body).cookie;

      const second = withCookie(hello('chromium156-client-hello-2-cookie'), cookie);
      for (const d of order === 'in order' ? second : [...second].reverse()) ep.handleInput(1, d);
      const flight4 = messages(outputs(ep));
      expect(flight4.map((m) => m.type)).toEqual([
        HandshakeType.server_hello,
        HandshakeType.certificate,
        HandshakeType.server_key_exchange,
        HandshakeType.certificate_request,
        HandshakeType.server_hello_done,
      ]);
      const sh = M.serverHello.decode(flight4[0].body);
      expect(sh.version).toBe(0xfefd);
      expect(sh.cipherSuite).toBe(0xc02b);
      expect(useSrtp.decode(findExtension(sh.extensions, 14)!.data).profiles).toEqual([0x0007]);
      expect(findExtension(sh.extensions, 23)).toBeDefined(); // extended_master_secret
      expect(M.serverKeyExchange.decode(flight4[2].body).namedGroup).toBe(29); // x25519
      expect(ep.stats.malformed).toBe(0);
    });
  }
});
