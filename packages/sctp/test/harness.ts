import { Network, driveCore, type LinkSettings } from '@rtcstack/test-support';
import { seededRandom } from '@rtcstack/common';
import { SctpAssociation, type SctpOptions, type SctpOutput, type AssociationState } from '../src/index.ts';

export interface Endpoint {
  readonly assoc: SctpAssociation;
  readonly states: AssociationState[];
  readonly events: SctpOutput[];
  readonly messages: { streamId: number; ppid: number; data: Uint8Array; unordered: boolean }[];
  /** Every packet this endpoint sent, for inspection. */
  readonly sent: Uint8Array[];
  closed?: string;
}

/** Two associations on hosts a (10.0.0.1) and b (10.0.0.2) of a simulated network. */
export function makePair(opts: {
  seed?: number;
  link?: LinkSettings;
  a?: SctpOptions;
  b?: SctpOptions;
  keepSent?: boolean;
}): { net: Network; a: Endpoint; b: Endpoint } {
  const seed = opts.seed ?? 1;
  const net = new Network({ seed, defaultLink: opts.link ?? { delayMs: 10 } });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  const sa = ha.bind(5000);
  const sb = hb.bind(5000);
  const mk = (o: SctpOptions | undefined, s: number): Endpoint => ({
    assoc: new SctpAssociation({ random: seededRandom(s), ...o }),
    states: [],
    events: [],
    messages: [],
    sent: [],
  });
  const a = mk(opts.a, seed * 7 + 1);
  const b = mk(opts.b, seed * 7 + 2);
  for (const [ep, sock, peer] of [
    [a, sa, sb],
    [b, sb, sa],
  ] as const) {
    driveCore(net, sock, {
      onDatagram: (now, data) => ep.assoc.handleInput(now, data),
      flush: (send) => {
        for (let o; (o = ep.assoc.pollOutput()); ) {
          if (o.type === 'packet') {
            if (opts.keepSent) ep.sent.push(o.data);
            send(o.data, peer.local);
          } else if (o.type === 'message') ep.messages.push(o);
          else {
            if (o.type === 'state') ep.states.push(o.state);
            if (o.type === 'closed') ep.closed = o.reason;
            ep.events.push(o);
          }
        }
      },
      nextTimeout: () => ep.assoc.nextTimeout(),
      handleTimeout: (now) => ep.assoc.handleTimeout(now),
    });
  }
  return { net, a, b };
}

/** Drain an association's outputs by hand (for tests that pass packets themselves). */
export function drain(a: SctpAssociation): { packets: Uint8Array[]; events: SctpOutput[] } {
  const packets: Uint8Array[] = [];
  const events: SctpOutput[] = [];
  for (let o; (o = a.pollOutput()); ) (o.type === 'packet' ? packets.push(o.data) : events.push(o));
  return { packets, events };
}

/** Deterministic pseudo-random bytes. */
export function patternBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
