/**
 * One side of the demo call. The same code runs both peers in one process (in-memory signaling)
 * or each peer in its own process (signaling over a small TCP relay, --two-process). It records
 * what it sent on the wire, its state changes and its timing marks, and returns them for the
 * sequence diagram.
 */
import { performance } from 'node:perf_hooks';
import type { Address } from '@rtcstack/common';
import { RTCPeerConnection } from '../src/peer-connection.ts';
import { udpTransport } from '../src/node/udp-transport.ts';
import { AudioTrack } from '../src/transceiver.ts';
import type { RTCDataChannel } from '../src/data-channel.ts';
import type { RTCIceCandidateInit, RTCSessionDescriptionInit } from '../src/description.ts';
import type { TransportFactory } from '../src/transport.ts';
import { describeDatagram, describeSctp, describeRtcp, describeRtp } from '../src/describe.ts';
import type { WireEvent } from '../src/core.ts';
import { annotate } from './annotate.ts';

export type Role = 'alice' | 'bob';
export const other = (r: Role): Role => (r === 'alice' ? 'bob' : 'alice');

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();
const toEpoch = (transportMs: number): number => performance.timeOrigin + transportMs;

export type SignalMessage =
  | { readonly kind: 'description'; readonly description: RTCSessionDescriptionInit }
  | { readonly kind: 'candidate'; readonly candidate: RTCIceCandidateInit | null };

export interface Signaling {
  send(m: SignalMessage): void;
  onMessage(cb: (m: SignalMessage) => void): void;
}

export interface TimelineEntry {
  readonly t: number;
  readonly from: Role;
  /** 'wire' (datagram), 'signal' (signaling message), 'state' (a note), 'summary'. */
  readonly kind: 'wire' | 'signal' | 'state' | 'summary';
  readonly text: string;
  readonly trace?: string;
}

export interface PeerOptions {
  readonly role: Role;
  readonly loss: number;
  readonly trace: boolean;
  readonly messages: number;
  readonly audioMs: number;
  readonly keyLog?: (line: string) => void;
  readonly capture?: (data: Uint8Array, from: Address, to: Address, t: number) => void;
}

export interface PeerResult {
  readonly role: Role;
  readonly address: string;
  readonly timeline: TimelineEntry[];
  readonly marks: Record<string, number>;
  readonly finalStates: Record<string, string>;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly audio: { packetsSent: number; packetsReceived: number; packetsLost: number; jitterMs: number; roundTripTimeMs: number | null; rtcpSent: number; rtcpReceived: number; audioLevel: number };
  readonly wire: Record<string, number>;
  readonly droppedByLoss: number;
  readonly success: boolean;
  readonly selectedPair: string;
  readonly srtpProfile: string | null;
  readonly dtlsCipher: string | null;
}

/** Drop outgoing datagrams with probability `loss` (the demo's --loss). */
function lossy(inner: TransportFactory, loss: number, counter: { dropped: number }): TransportFactory {
  if (loss <= 0) return inner;
  return (handlers) => {
    const t = inner(handlers);
    return {
      open: () => t.open(),
      send: (d, r, l) => {
        if (Math.random() < loss) {
          counter.dropped++;
          return;
        }
        t.send(d, r, l);
      },
      setTimer: (at) => t.setTimer(at),
      now: () => t.now(),
      close: () => t.close(),
    };
  };
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await wait(2);
  }
  return true;
}

export async function runPeer(o: PeerOptions, signaling: Signaling): Promise<PeerResult> {
  const timeline: TimelineEntry[] = [];
  const wire: Record<string, number> = { stun: 0, dtls: 0, sctp: 0, dcep: 0, rtp: 0, rtcp: 0 };
  const note = (text: string): void => void timeline.push({ t: epochMs(), from: o.role, kind: 'state', text });
  const counter = { dropped: 0 };
  let firstRtp = true;
  let firstRtcp = true;
  let lastRtcp = '';
  const onWire = (e: WireEvent, at: number): void => {
    if (e.dir !== 'out') return;
    const t = toEpoch(at);
    const trace = o.trace ? annotate(e.cls, e.cls === 'rtp' || e.cls === 'rtcp' ? (e.plain ?? e.data) : e.data) : undefined;
    if (e.cls === 'sctp') {
      const s = describeSctp(e.data);
      wire.sctp++;
      wire.dcep += s.dcep.length;
      timeline.push({ t, from: o.role, kind: 'wire', text: `  (in DTLS) ${s.text}`, ...(trace ? { trace } : {}) });
      return;
    }
    if (e.cls === 'rtp') {
      wire.rtp++;
      if (firstRtp) timeline.push({ t, from: o.role, kind: 'wire', text: `SRTP ${describeRtp(e.plain ?? e.data)} (first audio)`, ...(trace ? { trace } : {}) });
      firstRtp = false;
      return;
    }
    if (e.cls === 'rtcp') {
      wire.rtcp++;
      const d = describeRtcp(e.plain ?? e.data);
      if (firstRtcp || d !== lastRtcp) timeline.push({ t, from: o.role, kind: 'wire', text: `SRTCP ${d}${firstRtcp ? ' (first report)' : ''}`, ...(trace ? { trace } : {}) });
      firstRtcp = false;
      lastRtcp = d;
      return;
    }
    if (e.cls === 'stun') wire.stun++;
    if (e.cls === 'dtls') {
      wire.dtls++;
      // Records that only carry SCTP are shown by their SCTP line above.
      if (e.data[0] === 23) return;
    }
    timeline.push({ t, from: o.role, kind: 'wire', text: describeDatagram(e.data), ...(trace ? { trace } : {}) });
  };
  let address = '';
  const transport = lossy(
    udpTransport({
      hostAddresses: ['127.0.0.1'],
      tap: (dir, data, local, remote, t) => {
        address = `${local.address}:${local.port}`;
        if (dir === 'out') o.capture?.(data, local, remote, toEpoch(t));
      },
    }),
    o.loss,
    counter,
  );
  const pc = new RTCPeerConnection({}, { transport, onWire, ...(o.keyLog ? { keyLog: o.keyLog } : {}), toneHz: o.role === 'alice' ? 440 : 660 });
  pc.onsignalingstatechange = () => note(`signalingState ${pc.signalingState}`);
  pc.onicegatheringstatechange = () => note(`iceGatheringState ${pc.iceGatheringState}`);
  pc.oniceconnectionstatechange = () => note(`iceConnectionState ${pc.iceConnectionState}`);
  pc.onconnectionstatechange = () => note(`connectionState ${pc.connectionState}`);
  const send = (m: SignalMessage, text: string): void => {
    timeline.push({ t: epochMs(), from: o.role, kind: 'signal', text });
    signaling.send(m);
  };
  pc.onicecandidate = (e) => {
    const c = (e as Event & { candidate: { toJSON(): RTCIceCandidateInit; address: string | null; port: number | null; type: string | null } | null }).candidate;
    send({ kind: 'candidate', candidate: c ? c.toJSON() : null }, c ? `signal: candidate ${c.type} ${c.address}:${c.port}` : 'signal: end of candidates');
  };

  let channel: RTCDataChannel | undefined;
  let received = 0;
  let sent = 0;
  let peerDone = false;
  let saidDone = false;
  const gotChannel = (ch: RTCDataChannel): void => {
    channel = ch;
    ch.onmessage = (m) => {
      // 'done' says the peer has all our messages: only then may anyone hang up (close() drops
      // whatever SCTP still has to retransmit, as in a browser).
      if ((m as MessageEvent).data === 'done') peerDone = true;
      else received++;
      if (received >= o.messages && !saidDone && ch.readyState === 'open') {
        saidDone = true;
        ch.send('done');
      }
    };
    ch.addEventListener('open', () => note(`data channel "${ch.label}" open`));
  };
  let remoteClosed = false;
  pc.addTrack(new AudioTrack(`${o.role} tone`));
  if (o.role === 'alice') gotChannel(pc.createDataChannel('chat'));
  pc.ondatachannel = (e) => {
    const ch = (e as Event & { channel: RTCDataChannel }).channel;
    note(`datachannel event "${ch.label}"`);
    gotChannel(ch);
    ch.addEventListener('close', () => {
      remoteClosed = true;
      note(`data channel "${ch.label}" closed by the peer`);
    });
  };

  // Signaling: handle messages in order.
  let queue: Promise<void> = Promise.resolve();
  signaling.onMessage((m) => {
    queue = queue.then(async () => {
      if (m.kind === 'description') {
        await pc.setRemoteDescription(m.description);
        if (m.description.type === 'offer') {
          await pc.setLocalDescription();
          const d = pc.localDescription!;
          send({ kind: 'description', description: d.toJSON() }, `signal: SDP answer (${d.sdp.length} B, a=setup:${/a=setup:(\w+)/.exec(d.sdp)?.[1]})`);
        }
      } else await pc.addIceCandidate(m.candidate ?? undefined).catch(() => undefined);
    });
  });

  const start = epochMs();
  if (o.role === 'alice') {
    pc.marks.offerStart = performance.now();
    await pc.setLocalDescription(await pc.createOffer());
    const d = pc.localDescription!;
    send({ kind: 'description', description: d.toJSON() }, `signal: SDP offer (${d.sdp.length} B, ${d.sdp.match(/^m=/gm)?.length} m= sections, a=setup:actpass)`);
  }
  const up = await until(() => channel?.readyState === 'open' && pc.connectionState === 'connected', 10_000);
  if (up) {
    for (let i = 0; i < o.messages; i++) {
      channel!.send(`${o.role} says hello #${i + 1}`);
      sent++;
    }
  }
  await until(() => received >= o.messages && peerDone, 10_000);
  if (up) await until(() => epochMs() - start > o.audioMs, o.audioMs + 1000);
  const stats = [...(await pc.getStats()).values()];
  const inbound = stats.find((s) => s.type === 'inbound-rtp');
  const outbound = stats.find((s) => s.type === 'outbound-rtp');
  const remoteIn = stats.find((s) => s.type === 'remote-inbound-rtp');
  const transportStats = stats.find((s) => s.type === 'transport');
  const pair = stats.find((s) => s.type === 'candidate-pair' && s.selected === true);
  const lc = pair ? stats.find((s) => s.id === pair.localCandidateId) : undefined;
  const rc = pair ? stats.find((s) => s.id === pair.remoteCandidateId) : undefined;
  const success = up && received >= o.messages && peerDone && ((inbound?.packetsReceived as number) ?? 0) > 0;
  timeline.push({ t: epochMs(), from: o.role, kind: 'summary', text: `${wire.rtp} SRTP audio packets and ${wire.rtcp} SRTCP reports sent so far` });
  const finalStates = { signalingState: pc.signalingState, iceConnectionState: pc.iceConnectionState, connectionState: pc.connectionState, iceGatheringState: pc.iceGatheringState, dataChannel: channel?.readyState ?? 'none' };
  // Hang up: alice closes; bob waits to see it, then closes too.
  if (o.role === 'alice') {
    note('close() (hang up)');
    pc.close();
  } else {
    await until(() => remoteClosed, 5_000);
    note(`sees DTLS ${pc.core.dtlsState}; close()`);
    pc.close();
  }
  const marks: Record<string, number> = {};
  for (const [k, v] of Object.entries(pc.marks)) marks[k] = toEpoch(v);
  const audio = {
    packetsSent: (outbound?.packetsSent as number) ?? 0,
    packetsReceived: (inbound?.packetsReceived as number) ?? 0,
    packetsLost: (inbound?.packetsLost as number) ?? 0,
    jitterMs: Math.round(((inbound?.jitter as number) ?? 0) * 1e4) / 10,
    roundTripTimeMs: remoteIn?.roundTripTime !== undefined ? Math.round((remoteIn.roundTripTime as number) * 1e4) / 10 : null,
    rtcpSent: wire.rtcp,
    rtcpReceived: pc.core.stats.demux.rtcp,
    audioLevel: Math.round(((inbound?.audioLevel as number) ?? 0) * 1000) / 1000,
  };
  return {
    role: o.role,
    address,
    timeline,
    marks,
    finalStates,
    messagesSent: sent,
    messagesReceived: received,
    audio,
    wire,
    droppedByLoss: counter.dropped,
    success,
    selectedPair: lc && rc ? `${lc.address}:${lc.port} <-> ${rc.address}:${rc.port}` : 'none',
    srtpProfile: (transportStats?.srtpCipher as string) ?? null,
    dtlsCipher: (transportStats?.dtlsCipher as string) ?? null,
  };
}
