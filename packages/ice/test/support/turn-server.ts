/**
 * A minimal TURN server (RFC 8656) for the simulator, sans-IO. Tests only: long-term credentials
 * (401 with REALM/NONCE, 438 on a stale nonce), Allocate, Refresh, CreatePermission, ChannelBind,
 * Send/Data indications and ChannelData. One listening address and a pool of relay addresses,
 * all passed to driveCore as sockets.
 */
import { ParseError, addressKey, sameAddress, type Address, type Datagram } from '@rtcstack/common';
import {
  Method,
  attr,
  buildMessage,
  decodeChannelData,
  decodeMessage,
  encodeChannelData,
  errorReason,
  getAttribute,
  getAttributes,
  hasAttribute,
  longTermKey,
  looksLikeChannelData,
  verifyMessageIntegrity,
  type DecodedMessage,
  type TypedAttribute,
} from '@rtcstack/stun';

interface Allocation {
  readonly client: Address;
  readonly relay: Address;
  readonly key: Uint8Array;
  expiresAt: number;
  readonly permissions: Map<string, number>; // peer IP -> expiry
  readonly channels: Map<number, Address>;
}

export interface SimTurnServerOptions {
  readonly listen: Address;
  readonly relays: readonly Address[];
  readonly realm: string;
  readonly users: Readonly<Record<string, string>>;
  /** Answer the next N authenticated requests with 438 Stale Nonce (and a new nonce). */
  staleNonces?: number;
}

export class SimTurnServer {
  readonly stats = { allocations: 0, refreshes: 0, permissions: 0, channelBinds: 0, relayedToPeer: 0, relayedToClient: 0, errors: {} as Record<number, number>, deleted: 0 };
  private readonly allocations = new Map<string, Allocation>();
  private readonly byRelay = new Map<string, Allocation>();
  private readonly free: Address[];
  private readonly outputs: Datagram[] = [];
  private nonceCounter = 0;
  /** One nonce per client transport address (RFC 8489 §9.2: the server decides their lifetime). */
  private readonly nonces = new Map<string, string>();
  private now = 0;

  constructor(readonly options: SimTurnServerOptions) {
    this.free = [...options.relays];
  }

  get allocationCount(): number {
    return this.allocations.size;
  }

  handleInput(now: number, d: Datagram): void {
    this.now = now;
    this.expire(now);
    const local = d.local ?? this.options.listen;
    if (!sameAddress(local, this.options.listen)) return this.fromPeer(local, d.remote, d.data);
    const alloc = this.allocations.get(addressKey(d.remote));
    if (looksLikeChannelData(d.data)) {
      try {
        const cd = decodeChannelData(d.data);
        const peer = alloc?.channels.get(cd.channel);
        if (alloc && peer && this.permitted(alloc, peer)) this.toPeer(alloc, peer, cd.data);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
      return;
    }
    let msg: DecodedMessage;
    try {
      msg = decodeMessage(d.data);
    } catch (e) {
      if (e instanceof ParseError) return;
      throw e;
    }
    if (msg.class === 'indication' && msg.method === Method.Send) {
      const peer = getAttribute(msg, 'XOR_PEER_ADDRESS');
      const data = getAttribute(msg, 'DATA');
      if (alloc && peer && data && this.permitted(alloc, peer)) this.toPeer(alloc, peer, data);
      return;
    }
    if (msg.class !== 'request') return;
    this.request(msg, d.remote);
  }

  handleTimeout(now: number): void {
    this.now = now;
    this.expire(now);
  }

  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const a of this.allocations.values()) if (t === undefined || a.expiresAt < t) t = a.expiresAt;
    return t;
  }

  pollOutput(): Datagram | undefined {
    return this.outputs.shift();
  }

  private expire(now: number): void {
    for (const [k, a] of this.allocations) {
      if (now >= a.expiresAt) this.remove(k, a);
      for (const [ip, exp] of a.permissions) if (now >= exp) a.permissions.delete(ip);
    }
  }

  private remove(k: string, a: Allocation): void {
    this.allocations.delete(k);
    this.byRelay.delete(addressKey(a.relay));
    this.free.push(a.relay);
    this.stats.deleted++;
  }

  private permitted(a: Allocation, peer: Address): boolean {
    // §9: permissions are per IP address, ports do not matter.
    return (a.permissions.get(peer.address) ?? 0) > this.now;
  }

  private toPeer(a: Allocation, peer: Address, data: Uint8Array): void {
    this.stats.relayedToPeer++;
    this.outputs.push({ data, remote: peer, local: a.relay });
  }

  private fromPeer(relay: Address, peer: Address, data: Uint8Array): void {
    const a = this.byRelay.get(addressKey(relay));
    if (!a || !this.permitted(a, peer)) return;
    this.stats.relayedToClient++;
    for (const [ch, p] of a.channels) {
      if (sameAddress(p, peer)) return void this.outputs.push({ data: encodeChannelData({ channel: ch, data }), remote: a.client, local: this.options.listen });
    }
    const ind = buildMessage({ class: 'indication', method: Method.Data, transactionId: new Uint8Array(12).map((_, i) => (i * 7 + data.length) & 0xff), attributes: [attr('XOR_PEER_ADDRESS', peer), attr('DATA', data)], fingerprint: true });
    this.outputs.push({ data: ind, remote: a.client, local: this.options.listen });
  }

  private reply(req: DecodedMessage, client: Address, cls: 'success' | 'error', attributes: TypedAttribute[], key?: Uint8Array): void {
    this.outputs.push({ data: buildMessage({ class: cls, method: req.method, transactionId: req.transactionId, attributes, integrity: key, fingerprint: true }), remote: client, local: this.options.listen });
  }

  private nonceFor(client: Address): string {
    const k = addressKey(client);
    let n = this.nonces.get(k);
    if (n === undefined) {
      n = `nonce-${this.nonceCounter++}`;
      this.nonces.set(k, n);
    }
    return n;
  }

  private error(req: DecodedMessage, client: Address, code: number, key?: Uint8Array, withNonce = false): void {
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
    const attrs: TypedAttribute[] = [attr('ERROR_CODE', { code, reason: errorReason[code] ?? 'Error' })];
    if (withNonce) attrs.push(attr('REALM', this.options.realm), attr('NONCE', this.nonceFor(client)));
    this.reply(req, client, 'error', attrs, key);
  }

  private request(req: DecodedMessage, client: Address): void {
    // A TURN server is also a STUN server: Binding needs no credentials (RFC 8656 §2.5 / RFC 8489 §3).
    if (req.method === Method.Binding) return this.reply(req, client, 'success', [attr('XOR_MAPPED_ADDRESS', client)]);
    // RFC 8489 §9.2.4: long-term credentials.
    if (!hasAttribute(req, 'MESSAGE_INTEGRITY')) return this.error(req, client, 401, undefined, true);
    const username = getAttribute(req, 'USERNAME') ?? '';
    const password = this.options.users[username];
    if (password === undefined) return this.error(req, client, 401, undefined, true);
    const key = longTermKey(username, this.options.realm, password);
    if (verifyMessageIntegrity(req, key) !== 'valid') return this.error(req, client, 401, undefined, true);
    if ((this.options.staleNonces ?? 0) > 0 || getAttribute(req, 'NONCE') !== this.nonceFor(client)) {
      if ((this.options.staleNonces ?? 0) > 0) this.options.staleNonces = (this.options.staleNonces ?? 0) - 1;
      this.nonces.set(addressKey(client), `nonce-${this.nonceCounter++}`);
      return this.error(req, client, 438, undefined, true);
    }
    const k = addressKey(client);
    const alloc = this.allocations.get(k);
    switch (req.method) {
      case Method.Allocate: {
        if (alloc) return this.error(req, client, 437, key);
        if (getAttribute(req, 'REQUESTED_TRANSPORT') !== 17) return this.error(req, client, 442, key);
        const relay = this.free.shift();
        if (!relay) return this.error(req, client, 508, key);
        const lifetime = Math.min(getAttribute(req, 'LIFETIME') ?? 600, 3600);
        const a: Allocation = { client, relay, key, expiresAt: this.now + lifetime * 1000, permissions: new Map(), channels: new Map() };
        this.allocations.set(k, a);
        this.byRelay.set(addressKey(relay), a);
        this.stats.allocations++;
        return this.reply(req, client, 'success', [attr('XOR_RELAYED_ADDRESS', relay), attr('LIFETIME', lifetime), attr('XOR_MAPPED_ADDRESS', client)], key);
      }
      case Method.Refresh: {
        if (!alloc) return this.error(req, client, 437, key);
        const lifetime = Math.min(getAttribute(req, 'LIFETIME') ?? 600, 3600);
        this.stats.refreshes++;
        if (lifetime === 0) this.remove(k, alloc);
        else alloc.expiresAt = this.now + lifetime * 1000;
        return this.reply(req, client, 'success', [attr('LIFETIME', lifetime)], key);
      }
      case Method.CreatePermission: {
        if (!alloc) return this.error(req, client, 437, key);
        const peers = getAttributes(req, 'XOR_PEER_ADDRESS');
        if (peers.length === 0) return this.error(req, client, 400, key);
        for (const p of peers) alloc.permissions.set(p.address, this.now + 300_000);
        this.stats.permissions++;
        return this.reply(req, client, 'success', [], key);
      }
      case Method.ChannelBind: {
        if (!alloc) return this.error(req, client, 437, key);
        const ch = getAttribute(req, 'CHANNEL_NUMBER');
        const peer = getAttribute(req, 'XOR_PEER_ADDRESS');
        if (ch === undefined || !peer || ch < 0x4000 || ch > 0x4fff) return this.error(req, client, 400, key);
        alloc.channels.set(ch, peer);
        alloc.permissions.set(peer.address, this.now + 300_000);
        this.stats.channelBinds++;
        return this.reply(req, client, 'success', [], key);
      }
      default:
        return this.error(req, client, 400, key);
    }
  }
}
