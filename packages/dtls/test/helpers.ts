import { generateCertificate, type LocalCertificate } from '../src/x509/index.ts';
import { DtlsEndpoint } from '../src/endpoint.ts';
import type { DtlsEvent } from '../src/events.ts';
import type { DtlsEndpointOptions } from '../src/options.ts';

let cached: LocalCertificate[] = [];
/** Two reusable certificates (generation is cheap, but tests run many handshakes). */
export function certs(): [LocalCertificate, LocalCertificate] {
  if (!cached.length) cached = [generateCertificate({ now: Date.UTC(2026, 0, 1) }), generateCertificate({ now: Date.UTC(2026, 0, 1) })];
  return [cached[0], cached[1]];
}

export interface Side {
  ep: DtlsEndpoint;
  events: DtlsEvent[];
  sent: Uint8Array[];
}

export function pair(client: Partial<DtlsEndpointOptions> = {}, server: Partial<DtlsEndpointOptions> = {}): { c: Side; s: Side } {
  const [cc, sc] = certs();
  const c: Side = { ep: new DtlsEndpoint({ role: 'client', certificate: cc, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], ...client }), events: [], sent: [] };
  const s: Side = { ep: new DtlsEndpoint({ role: 'server', certificate: sc, srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80'], ...server }), events: [], sent: [] };
  return { c, s };
}

/** Drains an endpoint's outputs: datagrams into `sent`, events into `events`; returns the datagrams. */
export function drain(side: Side): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = side.ep.pollOutput(); o; o = side.ep.pollOutput()) {
    if (o.type === 'transmit') out.push(o.data);
    else side.events.push(o);
  }
  side.sent.push(...out);
  return out;
}

/**
 * Delivers datagrams back and forth, in order, with an optional filter that may drop or rewrite
 * each datagram (from, index) -> datagram | undefined. Runs timers when nothing is in flight.
 */
export function run(
  c: Side,
  s: Side,
  opts: { filter?: (from: 'c' | 's', d: Uint8Array, n: number) => Uint8Array | undefined; until?: () => boolean; limitMs?: number } = {},
): number {
  let now = 0;
  c.ep.start(now);
  s.ep.start(now);
  let n = 0;
  const limit = opts.limitMs ?? 200_000;
  const done = opts.until ?? (() => c.ep.state !== 'handshaking' && s.ep.state !== 'handshaking');
  for (let guard = 0; guard < 10_000; guard++) {
    let moved = false;
    for (const [from, to] of [[c, s], [s, c]] as const) {
      for (const d of drain(from)) {
        moved = true;
        const dd = opts.filter ? opts.filter(from === c ? 'c' : 's', d, n++) : d;
        if (dd) to.ep.handleInput(now, dd);
      }
    }
    if (done() && !moved) break;
    if (!moved) {
      const t = [c.ep.nextTimeout(), s.ep.nextTimeout()].filter((x): x is number => x !== undefined);
      if (!t.length) break;
      now = Math.max(now, Math.min(...t));
      if (now > limit) break;
      c.ep.handleTimeout(now);
      s.ep.handleTimeout(now);
    }
  }
  drain(c);
  drain(s);
  return now;
}

export function connectedEvent(side: Side) {
  const e = side.events.find((x) => x.type === 'connected');
  return e && e.type === 'connected' ? e : undefined;
}
export function errorEvent(side: Side) {
  const e = side.events.find((x) => x.type === 'error');
  return e && e.type === 'error' ? e : undefined;
}
