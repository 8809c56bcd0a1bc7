import { addressFamily, addressKey, type Address } from '@rtcstack/common';
import type { Host } from './host.ts';
import type { SimRandom } from './rng.ts';

/**
 * RFC 4787 behaviours. The same three words describe both mapping (§4.1: when does the NAT
 * reuse an external port) and filtering (§5: which inbound datagrams it lets through).
 */
export const NAT_BEHAVIOURS = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'] as const;
export type NatBehaviour = (typeof NAT_BEHAVIOURS)[number];
export type MappingBehaviour = NatBehaviour;
export type FilteringBehaviour = NatBehaviour;

/**
 * The classic (RFC 3489 §5) NAT names as RFC 4787 behaviour pairs; RFC 4787 §3 explains why
 * the old names are imprecise, but tests and papers still use them.
 */
export const NAT_PRESETS = {
  'full-cone': { mapping: 'endpoint-independent', filtering: 'endpoint-independent' },
  'restricted-cone': { mapping: 'endpoint-independent', filtering: 'address-dependent' },
  'port-restricted-cone': { mapping: 'endpoint-independent', filtering: 'address-and-port-dependent' },
  symmetric: { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent' },
} as const satisfies Record<string, { mapping: MappingBehaviour; filtering: FilteringBehaviour }>;
export type NatPreset = keyof typeof NAT_PRESETS;

export interface NatOptions {
  /** The NAT's address on the public side. */
  readonly publicAddress: string;
  /** RFC 4787 §4.1. Default 'endpoint-independent' (REQ-1). */
  readonly mapping?: MappingBehaviour;
  /** RFC 4787 §5. Default 'address-and-port-dependent' (the common "port-restricted" NAT). */
  readonly filtering?: FilteringBehaviour;
  /** RFC 4787 §4.3: idle time after which a mapping is removed. Default 120 000 ms (REQ-5). */
  readonly mappingTimeoutMs?: number;
  /** RFC 4787 §4.3 REQ-6: inbound traffic may also refresh a mapping. Default false (outbound only). */
  readonly refreshOnInbound?: boolean;
  /** RFC 4787 §4.2.1: use the internal port as external port when free. Default false. */
  readonly portPreservation?: boolean;
  /** RFC 4787 §6: inside hosts may reach each other via the public address. Default false. */
  readonly hairpinning?: boolean;
}

export type NatConfig = Required<NatOptions>;

/** One translation: internal transport address <-> external port on the public address. */
export interface NatMapping {
  readonly internal: Address;
  readonly external: Address;
  /** Virtual time of the last datagram that refreshed it. */
  readonly lastActivity: number;
  /** Remote "address" or "address:port" strings allowed in (§5); empty for endpoint-independent filtering. */
  readonly permissions: readonly string[];
}

interface MutableMapping {
  internal: Address;
  external: Address;
  key: string;
  lastActivity: number;
  permissions: Set<string>;
}

export type NatEventKind = 'nat-map' | 'nat-expire';
export type NatEventHook = (kind: NatEventKind, internal: Address, external: Address, note: string) => void;

/** Dynamic ports are drawn from here when the internal port is not preserved. */
const PORT_MIN = 1024;
const PORT_MAX = 65535;

/** A NAT box: a public address outside, hosts on private addresses inside. Create with Network.addNat. */
export class Nat {
  readonly config: NatConfig;
  /** Hosts inside, by (canonical) private address. */
  readonly inside = new Map<string, Host>();
  private readonly byKey = new Map<string, MutableMapping>();
  private readonly byPort = new Map<number, MutableMapping>();
  /** @internal set by the Network. */
  onEvent: NatEventHook = () => {};

  constructor(
    readonly name: string,
    options: NatOptions,
    private readonly rng: SimRandom,
    private readonly createHost: (name: string, addresses: readonly string[], nat: Nat) => Host,
  ) {
    this.config = {
      publicAddress: options.publicAddress,
      mapping: options.mapping ?? 'endpoint-independent',
      filtering: options.filtering ?? 'address-and-port-dependent',
      mappingTimeoutMs: options.mappingTimeoutMs ?? 120_000,
      refreshOnInbound: options.refreshOnInbound ?? false,
      portPreservation: options.portPreservation ?? false,
      hairpinning: options.hairpinning ?? false,
    };
    for (const b of [this.config.mapping, this.config.filtering]) {
      if (!NAT_BEHAVIOURS.includes(b)) throw new RangeError(`NAT ${name}: unknown behaviour ${String(b)}`);
    }
  }

  get publicAddress(): string {
    return this.config.publicAddress;
  }

  /** A host behind this NAT with one or more private addresses (same family as the public address). */
  addHost(name: string, addresses: string | readonly string[]): Host {
    const list = typeof addresses === 'string' ? [addresses] : addresses;
    return this.createHost(name, list, this);
  }

  /** Live mappings at virtual time `now` (expired ones omitted). */
  mappings(now: number): NatMapping[] {
    const out: NatMapping[] = [];
    for (const m of this.byKey.values()) {
      if (this.expired(m, now)) continue;
      out.push({ internal: m.internal, external: m.external, lastActivity: m.lastActivity, permissions: [...m.permissions] });
    }
    return out;
  }

  /** Forget every mapping, as a NAT reboot would. */
  clearMappings(): void {
    this.byKey.clear();
    this.byPort.clear();
  }

  /** Change the idle timeout (applies to existing mappings too). */
  setMappingTimeout(ms: number): void {
    (this.config as { mappingTimeoutMs: number }).mappingTimeoutMs = ms;
  }

  // ---- used by the Network ----

  /**
   * Translate an outbound datagram's source (§4.1): reuse or create the mapping the mapping
   * behaviour selects, refresh it (§4.3 REQ-6) and open the filter for the destination (§5).
   */
  outbound(internal: Address, remote: Address, now: number): Address {
    const key = this.mappingKey(internal, remote);
    let m = this.byKey.get(key);
    if (m && this.expired(m, now)) {
      this.remove(m, `idle since ${m.lastActivity} ms, timeout ${this.config.mappingTimeoutMs} ms`);
      m = undefined;
    }
    if (!m) {
      const port = this.allocatePort(internal.port, now);
      m = {
        internal,
        external: { address: this.config.publicAddress, port },
        key,
        lastActivity: now,
        permissions: new Set(),
      };
      this.byKey.set(key, m);
      this.byPort.set(port, m);
      this.onEvent('nat-map', internal, m.external, `${this.name}: ${this.config.mapping} mapping for ${addressKey(remote)}`);
    }
    m.lastActivity = now;
    const perm = this.permissionKey(remote);
    if (perm !== undefined) m.permissions.add(perm);
    return m.external;
  }

  /**
   * An inbound datagram from `remote` to external `port`: the internal address it goes to,
   * or why the NAT drops it.
   */
  inbound(remote: Address, port: number, now: number): Address | 'nat-no-mapping' | 'nat-filter' {
    const m = this.byPort.get(port);
    if (!m) return 'nat-no-mapping';
    if (this.expired(m, now)) {
      this.remove(m, `idle since ${m.lastActivity} ms, timeout ${this.config.mappingTimeoutMs} ms`);
      return 'nat-no-mapping';
    }
    const perm = this.permissionKey(remote);
    if (perm !== undefined && !m.permissions.has(perm)) return 'nat-filter';
    if (this.config.refreshOnInbound) m.lastActivity = now;
    return m.internal;
  }

  /** The inside host a datagram to external `port` would reach now (no side effects). */
  peekHost(port: number, now: number): Host | undefined {
    const m = this.byPort.get(port);
    if (!m || this.expired(m, now)) return undefined;
    return this.inside.get(m.internal.address);
  }

  private expired(m: MutableMapping, now: number): boolean {
    return now - m.lastActivity >= this.config.mappingTimeoutMs;
  }

  private remove(m: MutableMapping, why: string): void {
    this.byKey.delete(m.key);
    this.byPort.delete(m.external.port);
    this.onEvent('nat-expire', m.internal, m.external, `${this.name}: ${why}`);
  }

  /** §4.1: which outbound datagrams share one mapping. */
  private mappingKey(internal: Address, remote: Address): string {
    switch (this.config.mapping) {
      case 'endpoint-independent':
        return addressKey(internal);
      case 'address-dependent':
        return `${addressKey(internal)}|${remote.address}`;
      case 'address-and-port-dependent':
        return `${addressKey(internal)}|${addressKey(remote)}`;
    }
  }

  /** §5: what an inbound source must match; undefined = anything passes. */
  private permissionKey(remote: Address): string | undefined {
    switch (this.config.filtering) {
      case 'endpoint-independent':
        return undefined;
      case 'address-dependent':
        return remote.address;
      case 'address-and-port-dependent':
        return addressKey(remote);
    }
  }

  private allocatePort(internalPort: number, now: number): number {
    if (this.config.portPreservation && this.portFree(internalPort, now)) return internalPort;
    if (this.byPort.size >= PORT_MAX - PORT_MIN + 1) throw new Error(`NAT ${this.name}: out of ports`);
    for (;;) {
      const p = PORT_MIN + this.rng.int(PORT_MAX - PORT_MIN + 1);
      if (this.portFree(p, now)) return p;
    }
  }

  /** Free, or held by a mapping that has expired (which is removed). */
  private portFree(port: number, now: number): boolean {
    const m = this.byPort.get(port);
    if (!m) return true;
    if (!this.expired(m, now)) return false;
    this.remove(m, `idle since ${m.lastActivity} ms, timeout ${this.config.mappingTimeoutMs} ms`);
    return true;
  }
}

export function natFamilyMatches(nat: Nat, address: string): boolean {
  return addressFamily(nat.publicAddress) === addressFamily(address);
}
