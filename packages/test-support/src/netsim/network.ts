import { addressFamily, type Address } from '@rtcstack/common';
import { canonicalAddress, requireAddress } from './addresses.ts';
import { EventQueue } from './event-queue.ts';
import { Host, type HostPort, type SimSocket } from './host.ts';
import { IDEAL_LINK, mergeLink, newLinkState, sampleFate, type LinkConfig, type LinkSettings, type LinkState } from './link.ts';
import { Nat, type NatOptions } from './nat.ts';
import { subRandom, type SimRandom } from './rng.ts';
import { copyCounters, newCounters, type Counters, type DropReason, type NetworkStats } from './stats.ts';
import type { TraceEvent, TraceHook, TraceKind } from './trace.ts';

export interface NetworkOptions {
  /** Seeds every random choice (loss, jitter, NAT ports). Default 1. */
  readonly seed?: number;
  /** Conditions of every path without its own setLink. Default: ideal (no delay, loss or MTU limit). */
  readonly defaultLink?: LinkSettings;
  /** Called for every send, delivery, drop and NAT mapping event. Also settable as `net.onTrace`. */
  readonly trace?: TraceHook;
  /** Events allowed at one virtual instant before the run loop reports a zero-delay loop. Default 1 000 000. */
  readonly maxEventsPerInstant?: number;
}

/** Something with a timer the run loop must honour: usually a sans-IO core (see driveCore). */
export interface Wakeable {
  /** Virtual time (ms) it next wants handleTimeout, or undefined for none. */
  nextTimeout(): number | undefined;
  handleTimeout(now: number): void;
  /**
   * Optional: called before every step of the run loop, so output a core queued outside the
   * loop (a test poking it directly, another core's callback) is sent at the current time.
   */
  flush?(): void;
}

/** What a datagram looks like to a filter: addresses as the sender addressed it, before any NAT. */
export interface FilterInput {
  readonly time: number;
  readonly data: Uint8Array;
  readonly from: Address;
  readonly to: Address;
  readonly fromHost: string;
  /** Host (or NAT, when no mapping leads inside) the datagram is heading for. */
  readonly toNode: string;
}
export type DatagramFilter = (d: FilterInput) => 'drop' | 'pass' | undefined | void;

/** A datagram on the wire. */
interface InFlight {
  readonly id: number;
  readonly link: string;
  readonly counters: Counters;
  /** Source on the wire (after the sender's NAT, if any). */
  readonly from: Address;
  /** Destination on the wire. */
  readonly to: Address;
  /** Where it goes: a host directly, or a NAT's public side (inbound translation on arrival). */
  readonly host?: Host;
  readonly nat?: Nat;
  readonly data: Uint8Array;
  readonly note?: string;
}

type Agenda = { readonly kind: 'deliver'; readonly dg: InFlight } | { readonly kind: 'call'; readonly fn: (now: number) => void };

/** Where a datagram is heading, decided at send time. */
type Target =
  | { readonly kind: 'host'; readonly host: Host; readonly via?: Nat; readonly to: Address }
  | { readonly kind: 'nat'; readonly nat: Nat; readonly via?: Nat; readonly to: Address; readonly toNode: string }
  | { readonly kind: 'none'; readonly reason: DropReason; readonly to: Address };

/** Guards against a core that keeps asking to be woken at the same instant. */
const MAX_TIMEOUTS_PER_INSTANT = 10_000;

/**
 * A deterministic simulated IP network on a virtual clock. See packages/test-support/README.md.
 */
export class Network implements HostPort {
  private clock = 0;
  onTrace: TraceHook | undefined;
  readonly seed: number;
  private readonly maxEventsPerInstant: number;

  private readonly queue = new EventQueue<Agenda>();
  private readonly hosts = new Map<string, Host>();
  private readonly nats = new Map<string, Nat>();
  /** Public address -> the host or NAT that owns it. */
  private readonly publicNodes = new Map<string, Host | Nat>();
  private defaultLink: LinkConfig;
  private readonly links = new Map<string, LinkConfig>();
  private readonly rngs = new Map<string, SimRandom>();
  private readonly linkStates = new Map<string, LinkState>();
  private readonly filters: DatagramFilter[] = [];
  private readonly wakeables: Wakeable[] = [];
  private readonly total = newCounters();
  private readonly perLink = new Map<string, Counters>();
  private nextId = 0;
  /** The datagram being handled, so NAT events can name it in the trace. */
  private currentId = 0;
  private sameInstant = 0;
  private running = false;
  private timeoutsSameInstant = 0;

  constructor(options: NetworkOptions = {}) {
    this.seed = options.seed ?? 1;
    this.defaultLink = mergeLink(IDEAL_LINK, options.defaultLink ?? {});
    this.onTrace = options.trace;
    this.maxEventsPerInstant = options.maxEventsPerInstant ?? 1_000_000;
  }

  /** Virtual time, ms. Starts at 0; only the run methods move it. */
  get now(): number {
    return this.clock;
  }

  // ---------------------------------------------------------------- topology

  /** A host on the public network with one or more addresses (IPv4 and/or IPv6). */
  addHost(name: string, addresses: string | readonly string[]): Host {
    return this.createHost(name, typeof addresses === 'string' ? [addresses] : addresses, undefined);
  }

  /** A NAT box; put hosts behind it with nat.addHost(name, privateAddress). */
  addNat(name: string, options: NatOptions): Nat {
    this.claimName(name);
    const pub = requireAddress(options.publicAddress, `NAT ${name}`);
    if (this.publicNodes.has(pub)) throw new Error(`address ${pub} already in use`);
    const nat = new Nat(name, { ...options, publicAddress: pub }, subRandom(this.seed, `nat:${name}`), (n, a, owner) =>
      this.createHost(n, a, owner),
    );
    nat.onEvent = (kind, internal, external, note) => this.emit(kind, this.currentId, `${name}`, internal, external, 0, undefined, note);
    this.nats.set(name, nat);
    this.publicNodes.set(pub, nat);
    return nat;
  }

  host(name: string): Host {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  nat(name: string): Nat {
    const n = this.nats.get(name);
    if (!n) throw new Error(`no NAT ${name}`);
    return n;
  }

  // ---------------------------------------------------------------- links

  /** Change the conditions of every path that has no setLink of its own. */
  setDefaultLink(settings: LinkSettings): void {
    this.defaultLink = mergeLink(this.defaultLink, settings);
  }

  /**
   * Set the conditions between two hosts (or a host and a NAT's public side), both directions.
   * Merges into the current config of each direction (initially the default), so
   * `setLink(a, b, { loss: 1 })` then `setLink(a, b, { loss: 0 })` cuts and restores a path and
   * keeps its delay. Applies to datagrams sent from now on; those in flight keep their fate.
   */
  setLink(a: string, b: string, settings: LinkSettings): void {
    this.setLinkOneWay(a, b, settings);
    if (a !== b) this.setLinkOneWay(b, a, settings);
  }

  /** Like setLink, one direction only (from -> to). */
  setLinkOneWay(from: string, to: string, settings: LinkSettings): void {
    this.requireNode(from);
    this.requireNode(to);
    this.links.set(`${from}->${to}`, mergeLink(this.link(from, to), settings));
  }

  /** Forget setLink for this pair (both directions): it follows the default again. */
  clearLink(a: string, b: string): void {
    this.links.delete(`${a}->${b}`);
    this.links.delete(`${b}->${a}`);
  }

  /** The effective config of one direction. */
  link(from: string, to: string): LinkConfig {
    return this.links.get(`${from}->${to}`) ?? this.defaultLink;
  }

  /**
   * Drop chosen datagrams: `fn` sees each one as the sender addressed it (before NAT) and
   * returns 'drop' to drop it (counted as 'filter'). Returns a function that removes the filter.
   */
  addFilter(fn: DatagramFilter): () => void {
    this.filters.push(fn);
    return () => {
      const i = this.filters.indexOf(fn);
      if (i >= 0) this.filters.splice(i, 1);
    };
  }

  // ---------------------------------------------------------------- clock

  /** Let the run loop wake `w` at its nextTimeout(). Returns detach. */
  attach(w: Wakeable): () => void {
    this.wakeables.push(w);
    return () => {
      const i = this.wakeables.indexOf(w);
      if (i >= 0) this.wakeables.splice(i, 1);
    };
  }

  /** Call fn at virtual time `time` (or now, if that has passed). */
  at(time: number, fn: (now: number) => void): void {
    this.queue.push(Math.max(time, this.clock), { kind: 'call', fn });
  }

  /** Call fn `ms` from now. */
  after(ms: number, fn: (now: number) => void): void {
    this.at(this.clock + ms, fn);
  }

  /** Run every event up to and including virtual time `untilMs`, then set the clock to it. */
  run(untilMs: number): void {
    this.enter();
    try {
      while (this.step(untilMs));
      if (untilMs > this.clock) this.clock = untilMs;
    } finally {
      this.running = false;
    }
  }

  runFor(ms: number): void {
    this.run(this.clock + ms);
  }

  /**
   * Run until `cond()` holds (checked before starting and after every event) or `limitMs` of
   * virtual time has passed. Returns whether cond held; on false the clock is at now + limitMs.
   */
  runUntil(cond: () => boolean, limitMs: number): boolean {
    const deadline = this.clock + limitMs;
    this.enter();
    try {
      if (cond()) return true;
      while (this.step(deadline)) if (cond()) return true;
      if (deadline > this.clock) this.clock = deadline;
      return false;
    } finally {
      this.running = false;
    }
  }

  /** The run methods are not re-entrant: a callback that runs the clock would reorder time. */
  private enter(): void {
    if (this.running) throw new Error('netsim: run/runFor/runUntil called from inside the run loop (from a callback)');
    this.running = true;
  }

  /** Datagrams on the wire and scheduled calls not yet run. */
  get pending(): number {
    return this.queue.size;
  }

  /**
   * One event: the earliest of the next delivery / scheduled call and every attached
   * Wakeable's nextTimeout() (re-polled each step, after flushing each). Deliveries win ties.
   * False if nothing is due by `deadline`.
   */
  private step(deadline: number): boolean {
    for (const w of this.wakeables) w.flush?.();
    const head = this.queue.peek();
    const tq = head ? head.time : Infinity;
    let tw = Infinity;
    let due: Wakeable | undefined;
    for (const w of this.wakeables) {
      const t = w.nextTimeout();
      if (t !== undefined && t < tw) {
        tw = t;
        due = w;
      }
    }
    const t = Math.min(tq, tw);
    if (t === Infinity || t > deadline) return false;
    const at = Math.max(t, this.clock);
    if (at === this.clock) {
      if (++this.sameInstant > this.maxEventsPerInstant) {
        throw new Error(`netsim: more than ${this.maxEventsPerInstant} events at ${at} ms (a zero-delay loop?)`);
      }
    } else {
      this.sameInstant = 0;
      this.timeoutsSameInstant = 0;
    }
    this.clock = at;
    if (tq <= tw) {
      const e = this.queue.pop() as { item: Agenda };
      if (e.item.kind === 'deliver') this.deliver(e.item.dg);
      else e.item.fn(this.clock);
    } else {
      if (++this.timeoutsSameInstant > MAX_TIMEOUTS_PER_INSTANT) {
        throw new Error(`netsim: a core keeps asking to be woken at ${tw} ms (now ${this.clock} ms); handleTimeout must move nextTimeout forward`);
      }
      (due as Wakeable).handleTimeout(this.clock);
    }
    return true;
  }

  // ---------------------------------------------------------------- statistics

  stats(): NetworkStats {
    const links: Record<string, Counters> = {};
    for (const [k, c] of [...this.perLink].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) links[k] = copyCounters(c);
    return { total: copyCounters(this.total), links };
  }

  /** Counters of one direction (from -> to, host or NAT names); zeros if nothing was sent. */
  linkStats(from: string, to: string): Counters {
    return copyCounters(this.perLink.get(`${from}->${to}`) ?? newCounters());
  }

  // ---------------------------------------------------------------- datagrams

  /** @internal SimSocket.send lands here. */
  transmit(sock: SimSocket, payload: Uint8Array, to: Address): void {
    const id = ++this.nextId;
    this.currentId = id;
    const src = sock.host;
    const from = sock.local;
    const data = payload.slice();
    const target = this.resolve(src, from, to);
    const toNode = target.kind === 'host' ? target.host.name : target.kind === 'nat' ? target.toNode : '?';
    const link = `${src.name}->${toNode}`;
    const counters = this.countersFor(link);
    counters.sent++;
    this.total.sent++;
    this.emit('send', id, link, from, target.to, data.length, undefined, undefined, data);
    if (target.kind === 'none') return this.drop(id, link, counters, from, target.to, data, target.reason);
    if (target.kind === 'nat' && target.via === target.nat && !target.nat.config.hairpinning) {
      return this.drop(id, link, counters, from, target.to, data, 'nat-hairpin');
    }

    for (const f of this.filters) {
      if (f({ time: this.clock, data, from, to: target.to, fromHost: src.name, toNode }) === 'drop') {
        return this.drop(id, link, counters, from, target.to, data, 'filter');
      }
    }

    // The sender's NAT translates the source (RFC 4787 §4.1) as the datagram leaves.
    const wireFrom = target.via ? target.via.outbound(from, target.to, this.clock) : from;
    const note = target.via ? `${target.via.name}: src ${fmt(from)} -> ${fmt(wireFrom)}` : undefined;

    const cfg = this.link(src.name, toNode);
    if (data.length > cfg.mtu) return this.drop(id, link, counters, wireFrom, target.to, data, 'mtu', `mtu ${cfg.mtu}`);
    const state = this.linkState(link);
    let queueing = 0;
    if (cfg.bandwidthBps !== Infinity) {
      // A bottleneck of bandwidthBps with a drop-tail queue of queueBytes in front of it.
      const start = Math.max(this.clock, state.busyUntil);
      const backlog = ((start - this.clock) * cfg.bandwidthBps) / 8000;
      if (backlog + data.length > cfg.queueBytes) {
        return this.drop(id, link, counters, wireFrom, target.to, data, 'queue', `backlog ${Math.round(backlog)} B`);
      }
      const done = start + (data.length * 8000) / cfg.bandwidthBps;
      state.busyUntil = done;
      queueing = done - this.clock;
    }
    const fate = sampleFate(cfg, state, this.rngFor(link));
    if (fate.lost) return this.drop(id, link, counters, wireFrom, target.to, data, 'loss', note);
    if (fate.reordered) {
      counters.reordered++;
      this.total.reordered++;
    }
    fate.delays.forEach((delay, i) => {
      if (i > 0) {
        counters.duplicated++;
        this.total.duplicated++;
      }
      const notes = [note, fate.reordered && i === 0 ? 'reordered' : undefined, i > 0 ? 'duplicate' : undefined].filter(Boolean);
      const dg: InFlight = {
        id,
        link,
        counters,
        from: wireFrom,
        to: target.to,
        host: target.kind === 'host' ? target.host : undefined,
        nat: target.kind === 'nat' ? target.nat : undefined,
        data: i === 0 ? data : data.slice(),
        note: notes.length ? notes.join(', ') : undefined,
      };
      this.queue.push(this.clock + queueing + delay, { kind: 'deliver', dg });
    });
  }

  private deliver(dg: InFlight): void {
    this.currentId = dg.id;
    let host = dg.host;
    let to = dg.to;
    let note = dg.note;
    if (dg.nat) {
      // Inbound at a NAT's public side: RFC 4787 §5 filtering, then translate to the inside.
      const r = dg.nat.inbound(dg.from, dg.to.port, this.clock);
      if (r === 'nat-no-mapping' || r === 'nat-filter') {
        const why =
          r === 'nat-filter'
            ? `${dg.nat.name}: ${dg.nat.config.filtering} filtering, no permission for ${fmt(dg.from)}`
            : `${dg.nat.name}: no live mapping for port ${dg.to.port}`;
        return this.drop(dg.id, dg.link, dg.counters, dg.from, dg.to, dg.data, r, why);
      }
      host = dg.nat.inside.get(r.address);
      const t = `${dg.nat.name}: dst ${fmt(dg.to)} -> ${fmt(r)}`;
      note = note ? `${note}; ${t}` : t;
      to = r;
    }
    const sock = host?.socketAt(to);
    if (!sock || sock.closed) return this.drop(dg.id, dg.link, dg.counters, dg.from, to, dg.data, 'no-socket', note);
    dg.counters.delivered++;
    this.total.delivered++;
    this.emit('deliver', dg.id, dg.link, dg.from, to, dg.data.length, undefined, note, dg.data);
    sock.receive(dg.data, dg.from, this.clock);
  }

  /** Where a datagram from `src` addressed to `to` goes (no side effects). */
  private resolve(src: Host, from: Address, to: Address): Target {
    const addr = canonicalAddress(to.address);
    const dst: Address = { address: addr ?? to.address, port: to.port };
    if (addr === undefined || !Number.isInteger(to.port) || to.port < 1 || to.port > 65535) {
      return { kind: 'none', reason: 'no-route', to: dst };
    }
    if (addressFamily(addr) !== addressFamily(from.address)) return { kind: 'none', reason: 'no-route', to: dst };
    const realm = src.nat;
    if (realm) {
      // Hosts behind the same NAT talk directly; their private addresses mean nothing outside.
      const inside = realm.inside.get(addr);
      if (inside) return { kind: 'host', host: inside, to: dst };
    }
    const node = this.publicNodes.get(addr);
    if (!node) return { kind: 'none', reason: 'no-route', to: dst };
    if (node instanceof Host) return { kind: 'host', host: node, via: realm, to: dst };
    const toNode = node.peekHost(dst.port, this.clock)?.name ?? node.name;
    return { kind: 'nat', nat: node, via: realm, to: dst, toNode };
  }

  private drop(
    id: number,
    link: string,
    counters: Counters,
    from: Address,
    to: Address,
    data: Uint8Array,
    reason: DropReason,
    note?: string,
  ): void {
    counters.dropped[reason]++;
    counters.droppedTotal++;
    this.total.dropped[reason]++;
    this.total.droppedTotal++;
    this.emit('drop', id, link, from, to, data.length, reason, note, data);
  }

  private emit(
    kind: TraceKind,
    id: number,
    link: string,
    from: Address,
    to: Address,
    size: number,
    reason: DropReason | undefined,
    note: string | undefined,
    data?: Uint8Array,
  ): void {
    if (!this.onTrace) return;
    const e: TraceEvent = { time: this.clock, kind, id, link, from, to, size, reason, note, data };
    this.onTrace(e);
  }

  private countersFor(link: string): Counters {
    let c = this.perLink.get(link);
    if (!c) {
      c = newCounters();
      this.perLink.set(link, c);
    }
    return c;
  }

  private linkState(link: string): LinkState {
    let st = this.linkStates.get(link);
    if (!st) {
      st = newLinkState();
      this.linkStates.set(link, st);
    }
    return st;
  }

  private rngFor(link: string): SimRandom {
    let r = this.rngs.get(link);
    if (!r) {
      r = subRandom(this.seed, `link:${link}`);
      this.rngs.set(link, r);
    }
    return r;
  }

  private createHost(name: string, addresses: readonly string[], nat: Nat | undefined): Host {
    this.claimName(name);
    if (addresses.length === 0) throw new Error(`host ${name}: needs at least one address`);
    const canon = addresses.map((a) => requireAddress(a, `host ${name}`));
    for (const a of canon) {
      if (nat) {
        if (addressFamily(a) !== addressFamily(nat.publicAddress)) {
          throw new Error(`host ${name}: ${a} is not the family of NAT ${nat.name}'s ${nat.publicAddress}`);
        }
        if (nat.inside.has(a)) throw new Error(`address ${a} already in use behind ${nat.name}`);
      } else if (this.publicNodes.has(a)) throw new Error(`address ${a} already in use`);
    }
    const host = new Host(name, canon, nat, this);
    for (const a of canon) {
      if (nat) nat.inside.set(a, host);
      else this.publicNodes.set(a, host);
    }
    this.hosts.set(name, host);
    return host;
  }

  private claimName(name: string): void {
    if (this.hosts.has(name) || this.nats.has(name)) throw new Error(`name ${name} already used`);
    if (name.includes('->')) throw new Error(`name ${name} must not contain "->"`);
  }

  private requireNode(name: string): void {
    if (!this.hosts.has(name) && !this.nats.has(name)) throw new Error(`no host or NAT named ${name}`);
  }
}

function fmt(a: Address): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
