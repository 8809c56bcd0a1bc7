/**
 * The browser half of the harness: JavaScript injected into the page (page.evaluate) that drives
 * RTCPeerConnections by id, and a Node-side BrowserPeer that calls it. Everything the page
 * observes (ICE candidates, state changes, data-channel events and messages) is pushed to Node
 * through one function exposed with page.exposeFunction, so Node never polls.
 *
 * The page code is kept as text: a bundler would otherwise wrap functions in helpers that do
 * not exist in the page.
 */
import type { Page } from 'playwright-core';

/** What the page reports, one JSON object per event. */
export type PageEvent =
  | { readonly pc: number; readonly type: 'candidate'; readonly candidate: string | null; readonly sdpMid?: string | null }
  | { readonly pc: number; readonly type: 'state'; readonly which: 'signaling' | 'ice' | 'iceGathering' | 'connection'; readonly state: string }
  | {
      readonly pc: number;
      readonly type: 'channel';
      readonly label: string;
      readonly id: number | null;
      readonly event: 'open' | 'close' | 'remote';
      readonly ordered: boolean;
      readonly maxRetransmits: number | null;
      readonly maxPacketLifeTime: number | null;
      readonly negotiated: boolean;
      readonly protocol: string;
    }
  | {
      readonly pc: number;
      readonly type: 'message';
      readonly label: string;
      /** Text messages up to 4096 characters; hex of binary ones up to 4096 bytes. */
      readonly text?: string;
      readonly binary?: string;
      readonly size: number;
      /** Sum of the bytes (binary) or char codes (text), mod 2^32: checks big messages. */
      readonly sum: number;
    }
  | { readonly pc: number; readonly type: 'track'; readonly kind: string };

export const SIGNAL_FUNCTION = '__rtcstackSignal';

/** Installs window.__rtc in the page (idempotent). */
export const PAGE_SCRIPT = `(() => {
  if (window.__rtc) return;
  const signal = (o) => window.${SIGNAL_FUNCTION}(JSON.stringify(o));
  const pcs = new Map();
  const channels = new Map(); // pc id -> Map(label -> RTCDataChannel)
  let next = 1;
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  const sumOf = (data) => {
    let s = 0;
    if (typeof data === 'string') for (let i = 0; i < data.length; i++) s = (s + data.charCodeAt(i)) >>> 0;
    else for (const b of new Uint8Array(data)) s = (s + b) >>> 0;
    return s;
  };
  const watchChannel = (id, ch, remote) => {
    channels.get(id).set(ch.label, ch);
    ch.binaryType = 'arraybuffer';
    const info = (event) => ({ pc: id, type: 'channel', label: ch.label, id: ch.id, event, ordered: ch.ordered,
      maxRetransmits: ch.maxRetransmits, maxPacketLifeTime: ch.maxPacketLifeTime, negotiated: ch.negotiated, protocol: ch.protocol });
    if (remote) signal(info('remote'));
    ch.onopen = () => signal(info('open'));
    ch.onclose = () => signal(info('close'));
    ch.onmessage = (e) => typeof e.data === 'string'
      ? signal({ pc: id, type: 'message', label: ch.label, text: e.data.length > 4096 ? undefined : e.data, size: e.data.length, sum: sumOf(e.data) })
      : signal({ pc: id, type: 'message', label: ch.label, binary: e.data.byteLength > 4096 ? undefined : hex(e.data), size: e.data.byteLength, sum: sumOf(e.data) });
  };
  // Remote audio must be played out for Chromium to measure its level (inbound-rtp audioLevel).
  const play = (stream) => {
    const el = document.createElement('audio');
    el.autoplay = true;
    el.srcObject = stream;
    document.body.appendChild(el);
    el.play().catch(() => {});
  };
  // Munging: a=rtcp-fb:<pt> nack after every audio a=rtpmap (RFC 4585 §4.2). Chromium 156 lists
  // only transport-cc for Opus, so generic NACK is negotiated only if its description says so.
  const withAudioNack = (sdp) => {
    const lines = sdp.split('\\r\\n');
    const out = [];
    let audio = false;
    for (const l of lines) {
      if (l.startsWith('m=')) audio = l.startsWith('m=audio');
      out.push(l);
      if (!audio || !l.startsWith('a=rtpmap:')) continue;
      const fb = 'a=rtcp-fb:' + l.slice('a=rtpmap:'.length).split(' ')[0] + ' nack';
      if (!lines.includes(fb)) out.push(fb);
    }
    return out.join('\\r\\n');
  };
  window.__rtc = {
    create(config) {
      const id = next++;
      const pc = new RTCPeerConnection(config ?? {});
      pcs.set(id, pc);
      channels.set(id, new Map());
      pc.onicecandidate = (e) => signal({ pc: id, type: 'candidate', candidate: e.candidate ? e.candidate.candidate : null, sdpMid: e.candidate ? e.candidate.sdpMid : null });
      pc.onsignalingstatechange = () => signal({ pc: id, type: 'state', which: 'signaling', state: pc.signalingState });
      pc.oniceconnectionstatechange = () => signal({ pc: id, type: 'state', which: 'ice', state: pc.iceConnectionState });
      pc.onicegatheringstatechange = () => signal({ pc: id, type: 'state', which: 'iceGathering', state: pc.iceGatheringState });
      pc.onconnectionstatechange = () => signal({ pc: id, type: 'state', which: 'connection', state: pc.connectionState });
      pc.ondatachannel = (e) => watchChannel(id, e.channel, true);
      pc.ontrack = (e) => {
        if (e.track.kind === 'audio') play(e.streams[0] ?? new MediaStream([e.track]));
        signal({ pc: id, type: 'track', kind: e.track.kind });
      };
      return id;
    },
    pc(id) { return pcs.get(id); },
    async offer(id, options, nack) {
      const pc = pcs.get(id);
      const d = await pc.createOffer(options ?? {});
      await pc.setLocalDescription(nack ? { type: d.type, sdp: withAudioNack(d.sdp) } : d);
      return pc.localDescription.sdp;
    },
    async answer(id, sdp, nack) {
      const pc = pcs.get(id);
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const d = await pc.createAnswer();
      await pc.setLocalDescription(nack ? { type: d.type, sdp: withAudioNack(d.sdp) } : d);
      return pc.localDescription.sdp;
    },
    async setAnswer(id, sdp) { await pcs.get(id).setRemoteDescription({ type: 'answer', sdp }); },
    async addCandidate(id, candidate, sdpMid) {
      await pcs.get(id).addIceCandidate(candidate === null ? null : { candidate, sdpMid: sdpMid ?? '0', sdpMLineIndex: sdpMid == null ? 0 : undefined });
    },
    async addMicrophone(id) {
      const s = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const t of s.getAudioTracks()) pcs.get(id).addTrack(t, s);
    },
    addTransceiver(id, kind, direction) { pcs.get(id).addTransceiver(kind, { direction }); },
    createChannel(id, label, init) { const ch = pcs.get(id).createDataChannel(label, init ?? {}); watchChannel(id, ch, false); return ch.id; },
    send(id, label, data) {
      const ch = channels.get(id).get(label);
      if (typeof data === 'string') ch.send(data);
      else ch.send(new Uint8Array(data.hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []));
    },
    sendMany(id, label, prefix, count) { const ch = channels.get(id).get(label); for (let i = 0; i < count; i++) ch.send(prefix + i); },
    sendSize(id, label, size) {
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) b[i] = i & 0xff;
      channels.get(id).get(label).send(b);
    },
    channelState(id, label) { return channels.get(id).get(label)?.readyState ?? 'none'; },
    closeChannel(id, label) { channels.get(id).get(label).close(); },
    async stats(id) {
      const out = [];
      (await pcs.get(id).getStats()).forEach((s) => out.push(s));
      return out;
    },
    states(id) {
      const pc = pcs.get(id);
      return { signaling: pc.signalingState, ice: pc.iceConnectionState, connection: pc.connectionState, iceGathering: pc.iceGatheringState };
    },
    close(id) { pcs.get(id)?.close(); pcs.delete(id); channels.delete(id); },
  };
})()`;

type Listener = (e: PageEvent) => void;
const routers = new WeakMap<Page, Map<number, Listener>>();

/** Install the signal function once per page and the page script (idempotent) in the current document; events are routed by pc id. */
export async function installPageHelper(page: Page): Promise<Map<number, Listener>> {
  let map = routers.get(page);
  if (!map) {
    const m = new Map<number, Listener>();
    map = m;
    routers.set(page, m);
    // Exposed functions survive navigation; the page script does not, so it is re-run below.
    await page.exposeFunction(SIGNAL_FUNCTION, (json: string) => {
      const e = JSON.parse(json) as PageEvent;
      m.get(e.pc)?.(e);
    });
  }
  await page.evaluate(PAGE_SCRIPT);
  return map;
}

/** One of the page's RTCStatsReport entries (fields vary by type). */
export type StatsEntry = { readonly type: string; readonly id: string } & Readonly<Record<string, unknown>>;

/** Node's handle on one RTCPeerConnection inside the page. */
export class BrowserPeer {
  /** Every event the page reported for this peer, in order. */
  readonly events: PageEvent[] = [];
  private waiters: { test: (e: PageEvent) => boolean; resolve: (e: PageEvent) => void }[] = [];
  onEvent: Listener | undefined;

  private constructor(
    readonly page: Page,
    readonly id: number,
  ) {}

  static async create(page: Page, config: Record<string, unknown> = {}): Promise<BrowserPeer> {
    const router = await installPageHelper(page);
    const id = (await page.evaluate(`window.__rtc.create(${JSON.stringify(config)})`)) as number;
    const peer = new BrowserPeer(page, id);
    router.set(id, (e) => peer.push(e));
    return peer;
  }

  private push(e: PageEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(e)) return true;
      w.resolve(e);
      return false;
    });
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(`window.__rtc.${method}(${[this.id, ...args].map((a) => JSON.stringify(a) ?? 'undefined').join(',')})`) as Promise<T>;
  }

  /** Resolves with the first event (already seen or future) matching `test`; rejects after `ms`. */
  waitFor(test: (e: PageEvent) => boolean, ms = 10_000, what = 'page event'): Promise<PageEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      this.waiters.push({ test, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }

  /** The candidate strings gathered so far (null marks end of candidates). */
  candidates(): (string | null)[] {
    return this.events.flatMap((e) => (e.type === 'candidate' ? [e.candidate] : []));
  }

  waitForGatheringComplete(ms = 10_000): Promise<PageEvent> {
    return this.waitFor((e) => e.type === 'candidate' && e.candidate === null, ms, 'end of candidates');
  }

  /** `nack`: munge Chromium's description to list generic NACK for each audio codec before applying it. */
  offer(options?: Record<string, unknown>, nack = false): Promise<string> {
    return this.call('offer', options ?? {}, nack);
  }
  answer(offerSdp: string, nack = false): Promise<string> {
    return this.call('answer', offerSdp, nack);
  }
  setAnswer(sdp: string): Promise<void> {
    return this.call('setAnswer', sdp);
  }
  /** Only after setRemoteDescription: Chromium loses candidates added earlier (DESIGN.md). */
  addCandidate(candidate: string | null, sdpMid = '0'): Promise<void> {
    return this.call('addCandidate', candidate, sdpMid);
  }
  addMicrophone(): Promise<void> {
    return this.call('addMicrophone');
  }
  addTransceiver(kind: 'audio' | 'video', direction: 'sendrecv' | 'sendonly' | 'recvonly'): Promise<void> {
    return this.call('addTransceiver', kind, direction);
  }
  createChannel(label: string, init: Record<string, unknown> = {}): Promise<number | null> {
    return this.call('createChannel', label, init);
  }
  send(label: string, data: string | Uint8Array): Promise<void> {
    return this.call('send', label, typeof data === 'string' ? data : { hex: Buffer.from(data).toString('hex') });
  }
  sendMany(label: string, prefix: string, count: number): Promise<void> {
    return this.call('sendMany', label, prefix, count);
  }
  /** A binary message of `size` bytes, byte i = i mod 256. */
  sendSize(label: string, size: number): Promise<void> {
    return this.call('sendSize', label, size);
  }
  channelState(label: string): Promise<string> {
    return this.call('channelState', label);
  }
  closeChannel(label: string): Promise<void> {
    return this.call('closeChannel', label);
  }
  stats(): Promise<StatsEntry[]> {
    return this.call('stats');
  }
  states(): Promise<{ signaling: string; ice: string; connection: string; iceGathering: string }> {
    return this.call('states');
  }
  close(): Promise<void> {
    return this.call('close');
  }
}
