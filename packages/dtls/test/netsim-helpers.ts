import { Network, driveCore } from '@rtcstack/test-support';
import type { Address } from '@rtcstack/common';
import { DtlsEndpoint } from '../src/endpoint.ts';
import type { DtlsEvent } from '../src/events.ts';
import type { DtlsEndpointOptions } from '../src/options.ts';
import { certs } from './helpers.ts';

export interface SimSide {
  ep: DtlsEndpoint;
  events: DtlsEvent[];
  address: Address;
}

/** A client at 10.0.0.1:5000 and a server at 10.0.0.2:5000, driven on the simulated network. */
export function simPair(
  net: Network,
  client: Partial<DtlsEndpointOptions> = {},
  server: Partial<DtlsEndpointOptions> = {},
  /** Sees (and may rewrite or drop) every datagram an endpoint sends. */
  tap?: (from: 'c' | 's', data: Uint8Array) => Uint8Array | undefined,
): { c: SimSide; s: SimSide } {
  const [cc, sc] = certs();
  const a = net.addHost('client', ['10.0.0.1']);
  const b = net.addHost('server', ['10.0.0.2']);
  const sa = a.bind(5000);
  const sb = b.bind(5000);
  const mk = (opts: DtlsEndpointOptions, sock: typeof sa, peer: Address, who: 'c' | 's'): SimSide => {
    const side: SimSide = { ep: new DtlsEndpoint(opts), events: [], address: sock.local };
    driveCore(net, sock, {
      onDatagram: (now, data) => side.ep.handleInput(now, data),
      flush: (send) => {
        for (let o = side.ep.pollOutput(); o; o = side.ep.pollOutput()) {
          if (o.type === 'transmit') {
            const d = tap ? tap(who, o.data) : o.data;
            if (d) send(d, peer);
          }
          else side.events.push(o);
        }
      },
      nextTimeout: () => side.ep.nextTimeout(),
      handleTimeout: (now) => side.ep.handleTimeout(now),
    });
    return side;
  };
  const c = mk({ role: 'client', certificate: cc, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fp(sc.der) }], ...client }, sa, sb.local, 'c');
  const s = mk({ role: 'server', certificate: sc, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], expectedFingerprints: [{ algorithm: 'sha-256', value: fp(cc.der) }], ...server }, sb, sa.local, 's');
  return { c, s };
}

import { fingerprint } from '../src/x509/index.ts';
function fp(der: Uint8Array): string {
  return fingerprint(der, 'sha-256');
}

export const settled = (c: SimSide, s: SimSide) => (): boolean =>
  c.ep.state !== 'handshaking' && c.ep.state !== 'new' && s.ep.state !== 'handshaking' && s.ep.state !== 'new';
