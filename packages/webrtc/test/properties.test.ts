import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ParseError, seededRandom } from '@rtcstack/common';
import { generateCertificate, fingerprint } from '@rtcstack/dtls';
import { Network } from '@rtcstack/test-support';
import { PeerConnectionCore } from '../src/core.ts';
import { classifyPacket, PACKET_CLASSES } from '../src/demux.ts';
import { DescriptionError, readRemoteDescription } from '../src/jsep.ts';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import { simTransport } from './support/sim-transport.ts';

const certificate = generateCertificate({ now: 0, random: seededRandom(3) });

describe('properties', () => {
  test('classifyPacket is total: any bytes get exactly one class', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(PACKET_CLASSES).toContain(classifyPacket(b));
      }),
    );
  });

  test('random datagrams from anywhere never throw out of the core, and are counted', () => {
    const core = new PeerConnectionCore({ certificate, random: seededRandom(4) });
    core.addLocalAddress({ address: '10.0.0.1', port: 5000 });
    core.ensureIce(true);
    core.setRemoteCredentials('abcd', 'abcdefghijklmnopqrstuvwx');
    core.setDtls(0, 'server', [{ algorithm: 'sha-256', value: fingerprint(certificate.der, 'sha-256') }]);
    core.gather(0);
    let sent = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 65535 }), (b, port) => {
        core.handleDatagram(1, b, { address: '10.0.0.2', port }, { address: '10.0.0.1', port: 5000 });
        sent++;
        for (let o = core.pollOutput(); o; o = core.pollOutput());
      }),
      { numRuns: 500 },
    );
    expect(core.stats.packetsReceived).toBe(sent);
    // Nothing from an unchecked address reaches DTLS/SRTP: the ICE agent drops it.
    expect(core.dtlsState).toBe('new');
  });

  test('random or mutated SDP yields only ParseError or DescriptionError from readRemoteDescription', async () => {
    const net = new Network({ seed: 1 });
    const pc = new RTCPeerConnection({}, { transport: simTransport(net, net.addHost('h', '10.0.0.1')) });
    pc.createDataChannel('x');
    const good = (await pc.createOffer()).sdp!;
    pc.close();
    const mutate = fc.tuple(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 8 })).map(([at, del, ins]) => good.slice(0, at) + ins + good.slice(at + del));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutate), (text) => {
        try {
          readRemoteDescription(text, 'offer');
        } catch (e) {
          if (!(e instanceof ParseError) && !(e instanceof DescriptionError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });

  test('setRemoteDescription with random text rejects with an RTCError (OperationError) or InvalidAccessError, never anything else', async () => {
    const net = new Network({ seed: 2 });
    const pc = new RTCPeerConnection({}, { transport: simTransport(net, net.addHost('h', '10.0.0.1')) });
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), async (text) => {
        const r = await pc.setRemoteDescription({ type: 'offer', sdp: text }).then(
          () => 'ok',
          (e: Error) => e.name,
        );
        expect(['OperationError', 'InvalidAccessError', 'ok']).toContain(r);
        if (r === 'ok') await pc.setRemoteDescription({ type: 'rollback' });
      }),
      { numRuns: 100 },
    );
    pc.close();
  });
});
