/**
 * A TURN client (RFC 8656), sans-IO: one allocation on one TURN server, seen from one local
 * socket. It speaks only to the server; the caller passes it what the server sent and sends what
 * it returns (always to the server).
 *
 *   Allocate ──401 (REALM, NONCE)──> Allocate + long-term credentials ──> relayed address
 *   Refresh before the lifetime ends; 438 Stale Nonce → retry with the new NONCE (§9.2, RFC 8489 §9.2.5)
 *   sendTo(peer): CreatePermission (§9) → Send indications (§11) → ChannelBind (§12) → ChannelData
 *   close(): Refresh with LIFETIME 0 deletes the allocation (§7.3)
 *
 * Errors become 'error' outputs; nothing here throws on network input.
 */
import { ParseError, addressKey, cryptoRandom, type Address, type RandomSource } from '@rtcstack/common';
import {
  CHANNEL_NUMBER_MIN,
  ClientTransactions,
  Method,
  TRANSACTION_ID_LENGTH,
  TransportProtocol,
  attr,
  buildMessage,
  decodeChannelData,
  decodeMessage,
  encodeChannelData,
  getAttribute,
  looksLikeChannelData,
  looksLikeStun,
  longTermKey,
  methodName,
  verifyFingerprint,
  type DecodedMessage,
  type TypedAttribute,
} from '@rtcstack/stun';

export type TurnState = 'idle' | 'allocating' | 'allocated' | 'failed' | 'closing' | 'closed';

export interface TurnClientOptions {
  readonly server: Address;
  readonly username: string;
  readonly password: string;
  readonly random?: RandomSource;
  /** Requested allocation lifetime, s (default 600, RFC 8656 §3.2). */
  readonly lifetime?: number;
  /** Use ChannelBind/ChannelData after the permission is in place (default true). */
  readonly channels?: boolean;
  readonly rto?: number;
  readonly software?: string;
}

/** The server said no: a named outcome carrying the STUN error code. */
export class TurnError extends Error {
  override readonly name = 'TurnError';
  constructor(
    readonly method: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(`TURN ${method} failed: ${code} ${reason}`);
  }
}

export type TurnOutput =
  | { readonly type: 'send'; readonly data: Uint8Array }
  | { readonly type: 'allocated'; readonly relayed: Address; readonly mapped: Address | undefined; readonly lifetime: number }
  | { readonly type: 'refreshed'; readonly lifetime: number }
  | { readonly type: 'permission'; readonly peer: Address }
  | { readonly type: 'channel'; readonly peer: Address; readonly channel: number }
  | { readonly type: 'data'; readonly peer: Address; readonly data: Uint8Array; readonly via: 'data-indication' | 'channel-data' }
  | { readonly type: 'error'; readonly error: Error }
  | { readonly type: 'closed' };

export interface TurnStats {
  requests: number;
  staleNonce: number;
  sendIndications: number;
  dataIndications: number;
  channelDataSent: number;
  channelDataReceived: number;
  malformed: number;
  /** Data for a peer without a permission was queued (then flushed) or dropped. */
  queued: number;
  dropped: number;
}

type Purpose =
  | { readonly kind: 'allocate' }
  | { readonly kind: 'refresh'; readonly lifetime: number }
  | { readonly kind: 'permission'; readonly peer: Address }
  | { readonly kind: 'channel'; readonly peer: Address; readonly channel: number };

interface Context {
  readonly purpose: Purpose;
  /** Whether the request carried credentials (a 401 to an authenticated request is final). */
  readonly authenticated: boolean;
  /** 438 retries so far for this request: bounded, so two parties cannot loop forever. */
  readonly staleRetries: number;
}

const MAX_STALE_RETRIES = 3;

interface Peer {
  readonly address: Address;
  permission: 'none' | 'pending' | 'installed';
  permissionAt: number;
  channel?: number;
  channelState: 'none' | 'pending' | 'bound';
  channelAt: number;
  queue: Uint8Array[];
}

/** RFC 8656 §9: permissions last 300 s; refresh well before. §12: channels 600 s. */
const PERMISSION_REFRESH_MS = 240_000;
const CHANNEL_REFRESH_MS = 480_000;
const QUEUE_LIMIT = 16;

export class TurnClient {
  state: TurnState = 'idle';
  relayed: Address | undefined;
  mapped: Address | undefined;
  readonly stats: TurnStats = {
    requests: 0,
    staleNonce: 0,
    sendIndications: 0,
    dataIndications: 0,
    channelDataSent: 0,
    channelDataReceived: 0,
    malformed: 0,
    queued: 0,
    dropped: 0,
  };
  readonly server: Address;
  private readonly random: RandomSource;
  private readonly transactions: ClientTransactions<Context>;
  private readonly outputs: TurnOutput[] = [];
  private realm: string | undefined;
  private nonce: string | undefined;
  private key: Uint8Array | undefined;
  private expiresAt = 0;
  private refreshAt: number | undefined;
  private readonly peers = new Map<string, Peer>();
  private readonly byChannel = new Map<number, Peer>();
  private nextChannel = CHANNEL_NUMBER_MIN;

  constructor(private readonly options: TurnClientOptions) {
    this.server = options.server;
    this.random = options.random ?? cryptoRandom;
    this.transactions = new ClientTransactions<Context>({ rto: options.rto ?? 500 });
  }

  /** Start the allocation (RFC 8656 §7.1). */
  allocate(now: number): void {
    if (this.state !== 'idle') return;
    this.state = 'allocating';
    this.request(now, { kind: 'allocate' });
  }

  /** Relay `data` to `peer`, installing a permission (and then a channel) first if needed. */
  sendTo(now: number, peer: Address, data: Uint8Array): boolean {
    if (this.state !== 'allocated') {
      this.stats.dropped++;
      return false;
    }
    const p = this.peer(peer);
    if (p.channelState === 'bound' && p.channel !== undefined) {
      this.stats.channelDataSent++;
      this.emitSend(encodeChannelData({ channel: p.channel, data }));
      return true;
    }
    if (p.permission === 'installed') {
      this.sendIndication(p, data);
      return true;
    }
    if (p.queue.length < QUEUE_LIMIT) {
      p.queue.push(data);
      this.stats.queued++;
    } else this.stats.dropped++;
    if (p.permission === 'none') this.createPermission(now, p);
    return true;
  }

  /** Delete the allocation: Refresh with LIFETIME 0 (§7.3). */
  close(now: number): void {
    if (this.state === 'allocated') {
      this.state = 'closing';
      this.request(now, { kind: 'refresh', lifetime: 0 });
    } else if (this.state !== 'closing') {
      this.state = 'closed';
    }
  }

  /**
   * A datagram from the server. Returns true if it was TURN traffic for this client (a response,
   * a Data indication or ChannelData); false lets the caller route it elsewhere.
   */
  handleInput(now: number, data: Uint8Array): boolean {
    if (looksLikeChannelData(data)) {
      let cd;
      try {
        cd = decodeChannelData(data);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.stats.malformed++;
        return true;
      }
      const p = this.byChannel.get(cd.channel);
      if (!p) return true;
      this.stats.channelDataReceived++;
      this.outputs.push({ type: 'data', peer: p.address, data: cd.data, via: 'channel-data' });
      return true;
    }
    if (!looksLikeStun(data)) return false;
    let msg: DecodedMessage;
    try {
      msg = decodeMessage(data);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.stats.malformed++;
      return false;
    }
    if (msg.class === 'indication' && msg.method === Method.Data) {
      // §11.6: XOR-PEER-ADDRESS and DATA; no integrity on indications.
      if (verifyFingerprint(msg) === 'invalid') return true;
      try {
        const peer = getAttribute(msg, 'XOR_PEER_ADDRESS');
        const payload = getAttribute(msg, 'DATA');
        if (!peer || !payload) {
          this.stats.malformed++;
          return true;
        }
        this.stats.dataIndications++;
        this.outputs.push({ type: 'data', peer, data: payload, via: 'data-indication' });
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.stats.malformed++;
      }
      return true;
    }
    const mine = this.transactions.handleMessage(now, msg, this.server);
    this.drain(now);
    return mine;
  }

  handleTimeout(now: number): void {
    this.transactions.handleTimeout(now);
    this.drain(now);
    if (this.state !== 'allocated') return;
    if (this.refreshAt !== undefined && now >= this.refreshAt) {
      this.refreshAt = undefined;
      this.request(now, { kind: 'refresh', lifetime: this.options.lifetime ?? 600 });
    }
    for (const p of this.peers.values()) {
      if (p.permission === 'installed' && now >= p.permissionAt + PERMISSION_REFRESH_MS) this.createPermission(now, p);
      if (p.channelState === 'bound' && p.channel !== undefined && now >= p.channelAt + CHANNEL_REFRESH_MS) {
        p.channelAt = now;
        this.request(now, { kind: 'channel', peer: p.address, channel: p.channel });
      }
    }
  }

  nextTimeout(): number | undefined {
    const times: number[] = [];
    const t = this.transactions.nextTimeout();
    if (t !== undefined) times.push(t);
    if (this.state === 'allocated') {
      if (this.refreshAt !== undefined) times.push(this.refreshAt);
      for (const p of this.peers.values()) {
        if (p.permission === 'installed') times.push(p.permissionAt + PERMISSION_REFRESH_MS);
        if (p.channelState === 'bound') times.push(p.channelAt + CHANNEL_REFRESH_MS);
      }
    }
    return times.length ? Math.min(...times) : undefined;
  }

  pollOutput(): TurnOutput | undefined {
    return this.outputs.shift();
  }

  /** When the allocation expires unless refreshed (ms, caller's clock). */
  get expires(): number {
    return this.expiresAt;
  }

  /** Force a Refresh now (tests, and callers that know better). */
  refresh(now: number, lifetime = this.options.lifetime ?? 600): void {
    if (this.state === 'allocated') this.request(now, { kind: 'refresh', lifetime });
  }

  hasPermission(peer: Address): boolean {
    return this.peers.get(addressKey(peer))?.permission === 'installed';
  }

  channelFor(peer: Address): number | undefined {
    const p = this.peers.get(addressKey(peer));
    return p?.channelState === 'bound' ? p.channel : undefined;
  }

  // ---- internals ---------------------------------------------------------------------------

  private peer(address: Address): Peer {
    const k = addressKey(address);
    let p = this.peers.get(k);
    if (!p) {
      p = { address, permission: 'none', permissionAt: 0, channelState: 'none', channelAt: 0, queue: [] };
      this.peers.set(k, p);
    }
    return p;
  }

  private createPermission(now: number, p: Peer): void {
    if (p.permission !== 'installed') p.permission = 'pending';
    p.permissionAt = now;
    this.request(now, { kind: 'permission', peer: p.address });
  }

  private sendIndication(p: Peer, data: Uint8Array): void {
    this.stats.sendIndications++;
    // §11.2: XOR-PEER-ADDRESS and DATA; indications carry no credentials.
    this.emitSend(
      buildMessage({
        class: 'indication',
        method: Method.Send,
        transactionId: this.random(TRANSACTION_ID_LENGTH),
        attributes: [attr('XOR_PEER_ADDRESS', p.address), attr('DATA', data)],
        fingerprint: true,
      }),
    );
  }

  private emitSend(data: Uint8Array): void {
    this.outputs.push({ type: 'send', data });
  }

  private request(now: number, purpose: Purpose, staleRetries = 0): void {
    const attributes: TypedAttribute[] = [];
    let method: number;
    switch (purpose.kind) {
      case 'allocate':
        method = Method.Allocate;
        attributes.push(attr('REQUESTED_TRANSPORT', TransportProtocol.UDP)); // §7.1
        if (this.options.lifetime !== undefined) attributes.push(attr('LIFETIME', this.options.lifetime));
        break;
      case 'refresh':
        method = Method.Refresh;
        attributes.push(attr('LIFETIME', purpose.lifetime)); // §7.1 / §7.3
        break;
      case 'permission':
        method = Method.CreatePermission;
        attributes.push(attr('XOR_PEER_ADDRESS', purpose.peer)); // §9.1
        break;
      case 'channel':
        method = Method.ChannelBind;
        attributes.push(attr('CHANNEL_NUMBER', purpose.channel), attr('XOR_PEER_ADDRESS', purpose.peer)); // §12.1
        break;
    }
    if (this.options.software) attributes.push(attr('SOFTWARE', this.options.software));
    const authenticated = this.key !== undefined && this.realm !== undefined && this.nonce !== undefined;
    if (authenticated) {
      // RFC 8489 §9.2.4: USERNAME, REALM, NONCE, then MESSAGE-INTEGRITY with the long-term key.
      attributes.push(attr('USERNAME', this.options.username), attr('REALM', this.realm as string), attr('NONCE', this.nonce as string));
    }
    const bytes = buildMessage({
      class: 'request',
      method,
      transactionId: this.random(TRANSACTION_ID_LENGTH),
      attributes,
      integrity: authenticated ? this.key : undefined,
      fingerprint: true,
    });
    this.stats.requests++;
    this.transactions.start(now, bytes, this.server, { key: authenticated ? this.key : undefined, context: { purpose, authenticated, staleRetries } });
    this.drain(now);
  }

  private drain(now: number): void {
    for (let o = this.transactions.pollOutput(); o; o = this.transactions.pollOutput()) {
      if (o.type === 'send') this.emitSend(o.datagram.data);
      else if (o.type === 'timeout') this.failed(o.context?.purpose, new TurnError(purposeName(o.context?.purpose), 0, 'no response (timeout)'));
      else if (o.context) this.onResponse(now, o.response, o.context);
    }
  }

  private onResponse(now: number, res: DecodedMessage, ctx: Context): void {
    const { purpose } = ctx;
    try {
      if (res.class === 'error') {
        const err = getAttribute(res, 'ERROR_CODE');
        const code = err?.code ?? 0;
        const realm = getAttribute(res, 'REALM');
        const nonce = getAttribute(res, 'NONCE');
        // RFC 8489 §9.2.5: 401 without credentials yet → learn REALM and NONCE and retry once.
        if (code === 401 && !ctx.authenticated && realm !== undefined && nonce !== undefined) {
          this.realm = realm;
          this.nonce = nonce;
          this.key = longTermKey(this.options.username, realm, this.options.password);
          this.request(now, purpose);
          return;
        }
        // §9.2.5: 438 Stale Nonce → the new NONCE, same credentials.
        if (code === 438 && nonce !== undefined && ctx.staleRetries < MAX_STALE_RETRIES) {
          this.stats.staleNonce++;
          this.nonce = nonce;
          if (realm !== undefined && realm !== this.realm) {
            this.realm = realm;
            this.key = longTermKey(this.options.username, realm, this.options.password);
          }
          this.request(now, purpose, ctx.staleRetries + 1);
          return;
        }
        this.failed(purpose, new TurnError(purposeName(purpose), code, err?.reason ?? 'no ERROR-CODE'));
        return;
      }
      // A success response may carry a fresh NONCE for later requests.
      const nonce = getAttribute(res, 'NONCE');
      if (nonce !== undefined) this.nonce = nonce;
      switch (purpose.kind) {
        case 'allocate': {
          const relayed = getAttribute(res, 'XOR_RELAYED_ADDRESS');
          if (!relayed) return this.failed(purpose, new TurnError('Allocate', 0, 'success without XOR-RELAYED-ADDRESS'));
          this.relayed = relayed;
          this.mapped = getAttribute(res, 'XOR_MAPPED_ADDRESS');
          const lifetime = getAttribute(res, 'LIFETIME') ?? 600;
          this.onLifetime(now, lifetime);
          this.state = 'allocated';
          this.outputs.push({ type: 'allocated', relayed, mapped: this.mapped, lifetime });
          return;
        }
        case 'refresh': {
          const lifetime = getAttribute(res, 'LIFETIME') ?? purpose.lifetime;
          if (purpose.lifetime === 0) {
            this.state = 'closed';
            this.outputs.push({ type: 'closed' });
            return;
          }
          this.onLifetime(now, lifetime);
          this.outputs.push({ type: 'refreshed', lifetime });
          return;
        }
        case 'permission': {
          const p = this.peer(purpose.peer);
          const first = p.permission !== 'installed';
          p.permission = 'installed';
          p.permissionAt = now;
          if (first) this.outputs.push({ type: 'permission', peer: p.address });
          for (const d of p.queue.splice(0)) this.sendIndication(p, d);
          if ((this.options.channels ?? true) && p.channelState === 'none') this.bindChannel(now, p);
          return;
        }
        case 'channel': {
          const p = this.peer(purpose.peer);
          const first = p.channelState !== 'bound';
          p.channelState = 'bound';
          p.channelAt = now;
          p.permission = 'installed'; // §12.1: a binding also installs or refreshes the permission
          if (first) this.outputs.push({ type: 'channel', peer: p.address, channel: purpose.channel });
          return;
        }
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.stats.malformed++;
      this.failed(purpose, e);
    }
  }

  private bindChannel(now: number, p: Peer): void {
    if (this.nextChannel > 0x4fff) return;
    const channel = this.nextChannel++;
    p.channel = channel;
    p.channelState = 'pending';
    p.channelAt = now;
    this.byChannel.set(channel, p);
    this.request(now, { kind: 'channel', peer: p.address, channel });
  }

  private onLifetime(now: number, lifetimeS: number): void {
    this.expiresAt = now + lifetimeS * 1000;
    // Refresh a minute early (or at half-life for short lifetimes).
    const ahead = Math.min(60_000, (lifetimeS * 1000) / 2);
    this.refreshAt = this.expiresAt - ahead;
  }

  private failed(purpose: Purpose | undefined, error: Error): void {
    if (purpose?.kind === 'allocate') this.state = 'failed';
    if (purpose?.kind === 'refresh' && purpose.lifetime === 0) {
      this.state = 'closed';
      this.outputs.push({ type: 'closed' });
    }
    if (purpose?.kind === 'permission') {
      const p = this.peer(purpose.peer);
      if (p.permission === 'pending') p.permission = 'none';
      this.stats.dropped += p.queue.length;
      p.queue.length = 0;
    }
    if (purpose?.kind === 'channel') {
      const p = this.peer(purpose.peer);
      if (p.channelState === 'pending') p.channelState = 'none';
    }
    this.outputs.push({ type: 'error', error });
  }
}

function purposeName(p: Purpose | undefined): string {
  if (!p) return 'request';
  return methodName(p.kind === 'allocate' ? Method.Allocate : p.kind === 'refresh' ? Method.Refresh : p.kind === 'permission' ? Method.CreatePermission : Method.ChannelBind);
}
