/**
 * Helpers for calls between our RTCPeerConnection and Chromium (or werift): a fresh call in
 * either direction, waiting with bounded timeouts, collecting channel messages, and an
 * independent check of every RTCP packet our peer receives.
 */
import { seededRandom } from '@rtcstack/common';
import { decodeRtcp } from '@rtcstack/rtp-rtcp';
import type { SrtpProfileName } from '@rtcstack/dtls';
import { AudioTrack, RTCPeerConnection, udpTransport, type CoreOutput, type RTCDataChannel, type TransportFactory } from '@rtcstack/webrtc';
import { BrowserLink } from './browser-link.ts';
import { BrowserPeer, type PageEvent } from './page-helper.ts';
import type { Page } from 'playwright-core';

export type Direction = 'ours' | 'browser';
export const DIRECTIONS: readonly Direction[] = ['ours', 'browser'];
export const offererName = (d: Direction): string => (d === 'ours' ? 'our peer offers' : 'the other side offers');

export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What our peer received of media, checked independently of the media engine. */
export interface MediaTally {
  rtp: number;
  rtcp: number;
  /** SRTP / SRTCP datagrams as they arrived on the socket (RFC 7983 128..191; RFC 5761 §4 by type). */
  srtpIn: number;
  srtcpIn: number;
  /** SRTP/SRTCP datagrams handed to our peer byte-identical to one handed earlier (a packet resent twice). */
  srtpDuplicates: number;
  /** RTCP compounds our RTCP codec rejected (must stay 0). */
  rtcpErrors: string[];
}

export interface OurPeer {
  readonly pc: RTCPeerConnection;
  readonly media: MediaTally;
  /** Channels the other side opened, by label. */
  readonly remoteChannels: Map<string, RTCDataChannel>;
}

/** Impairment of the SRTP (not SRTCP) datagrams our peer receives, applied above its socket. */
export interface Impairment {
  /** Fraction dropped, 0..1 (seeded, repeatable). */
  readonly loss: number;
  /** Delay added to each one that is kept, ms. */
  readonly delayMs: number;
}

const isSrtcp = (d: Uint8Array): boolean => d[1] >= 192 && d[1] <= 223; // RFC 5761 §4
const isSrtpOrSrtcp = (d: Uint8Array): boolean => d[0] >= 128 && d[0] <= 191; // RFC 7983

function impaired(inner: TransportFactory, o: Impairment): TransportFactory {
  const rng = seededRandom(7983);
  return (h) =>
    inner({
      onTimer: () => h.onTimer(),
      onDatagram: (d, remote, local) => {
        if (!isSrtpOrSrtcp(d) || isSrtcp(d)) return h.onDatagram(d, remote, local);
        if (rng.float() < o.loss) return;
        setTimeout(() => h.onDatagram(d, remote, local), o.delayMs);
      },
    });
}

export function ourPeer(config: ConstructorParameters<typeof RTCPeerConnection>[0] = {}, srtpProfiles?: readonly SrtpProfileName[], impair?: Impairment): OurPeer {
  const media: MediaTally = { rtp: 0, rtcp: 0, srtpIn: 0, srtcpIn: 0, srtpDuplicates: 0, rtcpErrors: [] };
  const tap = (dir: 'in' | 'out', d: Uint8Array): void => {
    if (dir !== 'in' || !isSrtpOrSrtcp(d)) return;
    if (isSrtcp(d)) media.srtcpIn++;
    else media.srtpIn++;
  };
  // What reaches the core (after any impairment): count exact repeats.
  const seen = new Set<string>();
  const observed = (inner: TransportFactory): TransportFactory => (h) =>
    inner({
      onTimer: () => h.onTimer(),
      onDatagram: (d, remote, local) => {
        if (isSrtpOrSrtcp(d)) {
          const key = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
          if (seen.has(key)) media.srtpDuplicates++;
          else seen.add(key);
        }
        h.onDatagram(d, remote, local);
      },
    });
  const onCoreOutput = (o: CoreOutput): void => {
    if (o.type === 'rtp') media.rtp++;
    else if (o.type === 'rtcp') {
      media.rtcp++;
      try {
        decodeRtcp(o.packet);
      } catch (e) {
        media.rtcpErrors.push(e instanceof Error ? e.message : String(e));
      }
    }
  };
  const udp = udpTransport({ hostAddresses: ['127.0.0.1'], tap });
  const transport = observed(impair ? impaired(udp, impair) : udp);
  const pc = new RTCPeerConnection(config, { transport, onCoreOutput, ...(srtpProfiles ? { srtpProfiles } : {}) });
  const remoteChannels = new Map<string, RTCDataChannel>();
  pc.addEventListener('datachannel', (e) => {
    const ch = (e as Event & { channel: RTCDataChannel }).channel;
    remoteChannels.set(ch.label, ch);
  });
  return { pc, media, remoteChannels };
}

export interface BrowserCall {
  readonly ours: OurPeer;
  readonly chrome: BrowserPeer;
  readonly link: BrowserLink;
  /** Our end of the first channel ("chat"), opened by the offerer. */
  chat: RTCDataChannel;
  close(): Promise<void>;
}

export interface CallOptions {
  /** Our peer sends the G.711 tone (default true). */
  readonly ourAudio?: boolean;
  /** Chromium sends its fake microphone (default true). */
  readonly browserAudio?: boolean;
  /** The offerer creates a "chat" data channel (default true). */
  readonly chat?: boolean;
  /** Our peer's use_srtp profiles, preferred first (default: the peer connection's). */
  readonly srtpProfiles?: readonly SrtpProfileName[];
  /** Drop / delay the SRTP our peer receives (so it NACKs and Chromium resends). */
  readonly impair?: Impairment;
  /** Munge Chromium's descriptions so generic NACK is negotiated for audio (default false). */
  readonly browserNack?: boolean;
}

/** A connected call; the offerer adds media and the "chat" channel before its offer. */
export async function browserCall(page: Page, direction: Direction, o: CallOptions = {}): Promise<BrowserCall> {
  const ours = ourPeer({}, o.srtpProfiles, o.impair);
  const chrome = await BrowserPeer.create(page);
  const link = new BrowserLink(ours.pc, chrome, o.browserNack ?? false);
  const wantChat = o.chat ?? true;
  if (o.ourAudio ?? true) ours.pc.addTrack(new AudioTrack('tone'));
  if (o.browserAudio ?? true) await chrome.addMicrophone();
  let chat: RTCDataChannel | undefined;
  if (wantChat) {
    if (direction === 'ours') chat = ours.pc.createDataChannel('chat');
    else await chrome.createChannel('chat');
  }
  await link.negotiate(direction);
  await until(() => ours.pc.connectionState === 'connected', 10_000, 'our peer connected');
  if (wantChat) {
    await until(() => (chat ??= ours.remoteChannels.get('chat'))?.readyState === 'open', 10_000, 'our "chat" channel open');
    await chrome.waitFor((e) => e.type === 'channel' && e.label === 'chat' && e.event === 'open', 10_000, 'Chromium "chat" open');
  }
  return {
    ours,
    chrome,
    link,
    chat: chat as RTCDataChannel,
    async close() {
      ours.pc.close();
      await chrome.close().catch(() => undefined);
    },
  };
}

/** Messages arriving on one of our channels. */
export function collect(ch: RTCDataChannel): (string | Uint8Array)[] {
  const got: (string | Uint8Array)[] = [];
  ch.addEventListener('message', (e) => {
    const d = (e as MessageEvent).data as string | ArrayBuffer | Uint8Array;
    got.push(typeof d === 'string' ? d : d instanceof Uint8Array ? d : new Uint8Array(d));
  });
  return got;
}

/**
 * The other peer as the data-channel matrix sees it: Chromium's page (BrowserPeer) or werift
 * (WeriftSide). Events use the page's shapes (PageEvent).
 */
export interface RemoteSide {
  readonly events: PageEvent[];
  waitFor(test: (e: PageEvent) => boolean, ms?: number, what?: string): Promise<PageEvent>;
  send(label: string, data: string | Uint8Array): Promise<void>;
  sendMany(label: string, prefix: string, count: number): Promise<void>;
  /** Binary, byte i = i mod 256. */
  sendSize(label: string, size: number): Promise<void>;
  createChannel(label: string, init?: Record<string, unknown>): Promise<number | null>;
  closeChannel(label: string): Promise<void>;
}

/** Messages the remote side received on `label`, in order. */
export function browserMessages(remote: RemoteSide, label: string) {
  return remote.events.flatMap((e) => (e.type === 'message' && e.label === label ? [e] : []));
}

export async function browserOpened(remote: RemoteSide, label: string) {
  const e = await remote.waitFor((x) => x.type === 'channel' && x.label === label && x.event === 'open', 10_000, `remote "${label}" open`);
  if (e.type !== 'channel') throw new Error('unreachable');
  return e;
}

/** Our channel, whichever side created it. */
export async function ourChannel(ours: OurPeer, label: string, created?: RTCDataChannel): Promise<RTCDataChannel> {
  let ch = created;
  await until(() => (ch ??= ours.remoteChannels.get(label))?.readyState === 'open', 10_000, `our "${label}" open`);
  return ch as RTCDataChannel;
}

export const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);
export const byteSum = (b: Uint8Array): number => b.reduce((s, x) => (s + x) >>> 0, 0);
