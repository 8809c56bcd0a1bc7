/** Two RTCPeerConnections on netsim with in-memory signaling, and an async run helper. */
import { seededRandom } from '@rtcstack/common';
import { Network } from '@rtcstack/test-support';
import { RTCPeerConnection, type PeerConnectionOptions } from '../../src/peer-connection.ts';
import { simTransport } from './sim-transport.ts';
import type { RTCDataChannel } from '../../src/data-channel.ts';

/** Let promise continuations run (the network loop itself is synchronous). */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Run virtual time in small slices, letting promises settle between them, until cond() holds. */
export async function runUntil(net: Network, cond: () => boolean, limitMs = 30_000, sliceMs = 5): Promise<boolean> {
  const end = net.now + limitMs;
  await tick();
  while (!cond()) {
    if (net.now >= end) return false;
    net.runUntil(cond, Math.min(sliceMs, end - net.now));
    await tick();
  }
  return true;
}

export interface SimPeer {
  readonly pc: RTCPeerConnection;
  readonly transport: ReturnType<typeof simTransport>;
  readonly states: string[];
}

export function simPeers(seed: number, link: Parameters<Network['setDefaultLink']>[0] = { delayMs: 10 }, opts: PeerConnectionOptions = {}) {
  const net = new Network({ seed, defaultLink: link });
  const mk = (name: string, ip: string, n: number): SimPeer => {
    const transport = simTransport(net, net.addHost(name, ip));
    const pc = new RTCPeerConnection({}, { transport, random: seededRandom(n), ...opts });
    const states: string[] = [];
    pc.addEventListener('signalingstatechange', () => states.push(`signaling:${pc.signalingState}`));
    pc.addEventListener('iceconnectionstatechange', () => states.push(`ice:${pc.iceConnectionState}`));
    pc.addEventListener('connectionstatechange', () => states.push(`connection:${pc.connectionState}`));
    pc.addEventListener('icegatheringstatechange', () => states.push(`gathering:${pc.iceGatheringState}`));
    return { pc, transport, states };
  };
  const a = mk('alice', '10.0.0.1', seed * 100 + 1);
  const b = mk('bob', '10.0.0.2', seed * 100 + 2);
  return { net, a, b };
}

/** Trickle candidates both ways (in-memory signaling). */
export function trickle(a: RTCPeerConnection, b: RTCPeerConnection): void {
  a.addEventListener('icecandidate', (e) => {
    const c = (e as Event & { candidate: { toJSON(): object } | null }).candidate;
    if (c) void b.addIceCandidate(c.toJSON()).catch(() => undefined);
  });
  b.addEventListener('icecandidate', (e) => {
    const c = (e as Event & { candidate: { toJSON(): object } | null }).candidate;
    if (c) void a.addIceCandidate(c.toJSON()).catch(() => undefined);
  });
}

/** One offer/answer round: a offers, b answers. */
export async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!.toJSON());
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!.toJSON());
}

/**
 * Two peers on netsim with trickle, one negotiation, and a data channel "chat" open on both
 * sides: the starting point of tests about a call in progress.
 */
export async function openChannelPair(
  seed: number,
  link: Parameters<Network['setDefaultLink']>[0] = { delayMs: 10 },
  opts: PeerConnectionOptions = {},
) {
  const { net, a, b } = simPeers(seed, link, opts);
  trickle(a.pc, b.pc);
  const chA = a.pc.createDataChannel('chat');
  let remote: RTCDataChannel | undefined;
  b.pc.ondatachannel = (e) => {
    remote = (e as Event & { channel: RTCDataChannel }).channel;
  };
  await negotiate(a.pc, b.pc);
  if (!(await runUntil(net, () => chA.readyState === 'open' && remote?.readyState === 'open'))) {
    throw new Error(`openChannelPair(${seed}): the data channel did not open`);
  }
  return { net, a, b, chA, chB: remote! };
}
