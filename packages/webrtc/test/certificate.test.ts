import { describe, expect, test } from 'vitest';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import { defaultCertificate, newCertificate } from '../src/certificate.ts';
import { simPeers } from './support/call.ts';

const fp = (sdp: string): string => /a=fingerprint:sha-256 (\S+)/.exec(sdp)![1];

describe('certificates (webrtc-pc §4.4.1.1, §4.9)', () => {
  test('without configured certificates, peer connections share the process default', async () => {
    const { a, b } = simPeers(61);
    a.pc.createDataChannel('x');
    b.pc.createDataChannel('y');
    const fa = fp((await a.pc.createOffer()).sdp!);
    const fb = fp((await b.pc.createOffer()).sdp!);
    expect(fa).toBe(fb);
    expect(fa).toBe(defaultCertificate(Date.now()).getFingerprints()[0].value);
    a.pc.close();
    b.pc.close();
  });

  test('a configured certificate is used instead', async () => {
    const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    const { a } = simPeers(62);
    const pc = new RTCPeerConnection({ certificates: [cert] }, { transport: a.transport });
    pc.createDataChannel('x');
    const got = fp((await pc.createOffer()).sdp!);
    expect(got).toBe(cert.getFingerprints()[0].value);
    expect(got).not.toBe(defaultCertificate(Date.now()).getFingerprints()[0].value);
    pc.close();
    a.pc.close();
  });

  test('the default is replaced a day before it expires', () => {
    const now = Date.now();
    const first = defaultCertificate(now);
    expect(defaultCertificate(now + 1000)).toBe(first);
    const later = first.expires - 86_400_000 + 1;
    const renewed = defaultCertificate(later);
    expect(renewed).not.toBe(first);
    expect(renewed.expires).toBeGreaterThan(first.expires);
  });

  test('generateCertificate makes a fresh key each time', () => {
    expect(newCertificate(Date.now()).getFingerprints()[0].value).not.toBe(newCertificate(Date.now()).getFingerprints()[0].value);
  });
});
