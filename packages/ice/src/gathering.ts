/**
 * Gathering (RFC 8445 §5.1): host candidates from local addresses, server-reflexive ones from
 * STUN Binding (§5.1.1.2), relayed ones from TURN allocations (§5.1.1.2, RFC 8656), their
 * priorities (§5.1.2) and pruning of redundant candidates (§5.1.3). Plain functions; the agent
 * owns the sockets' bookkeeping and calls these to build candidates.
 */
import type { Address } from '@rtcstack/common';
import { sameAddress } from '@rtcstack/common';
import { COMPONENT_RTP, TYPE_PREFERENCE, candidatePriority, type Foundations, type IceCandidate } from './candidate.ts';
import type { TurnClient } from './turn-client.ts';

/** A local transport address the caller has a socket bound to: a host candidate's base. */
export interface LocalBase {
  readonly address: Address;
  readonly localPreference: number;
  gathered: boolean;
}

/** A TURN allocation made from one base, and the relayed candidate once allocated. */
export interface TurnEntry {
  readonly client: TurnClient;
  readonly base: Address;
  relay?: IceCandidate;
}

/** §5.1.2.1 local preference: earlier addresses first (the RFC 8421 spirit of keeping families apart is the caller's order). */
export function localPreferenceFor(index: number): number {
  return Math.max(0, 65535 - index * 256);
}

/** The local preference of the base a candidate was gathered from (65535 when unknown). */
export function localPreferenceOf(bases: readonly LocalBase[], base: Address): number {
  return bases.find((b) => sameAddress(b.address, base))?.localPreference ?? 65535;
}

/** §5.1.1.1: a host candidate is its own base. */
export function hostCandidate(base: LocalBase, foundations: Foundations): IceCandidate {
  return {
    type: 'host',
    foundation: foundations.get('host', base.address.address, undefined),
    component: COMPONENT_RTP,
    transport: 'udp',
    priority: candidatePriority(TYPE_PREFERENCE.host, base.localPreference, COMPONENT_RTP),
    address: base.address.address,
    port: base.address.port,
    base: base.address,
  };
}

/** §5.1.1.2: the mapped address a STUN (or TURN) server saw; raddr is the base. */
export function serverReflexiveCandidate(base: Address, mapped: Address, server: Address, localPreference: number, foundations: Foundations): IceCandidate {
  return {
    type: 'srflx',
    foundation: foundations.get('srflx', base.address, server.address),
    component: COMPONENT_RTP,
    transport: 'udp',
    priority: candidatePriority(TYPE_PREFERENCE.srflx, localPreference, COMPONENT_RTP),
    address: mapped.address,
    port: mapped.port,
    relatedAddress: base.address,
    relatedPort: base.port,
    base,
    server,
  };
}

/** §5.1.1.2: the relayed candidate is its own base; raddr is the mapped address. */
export function relayedCandidate(
  base: Address,
  server: Address,
  relayed: Address,
  mapped: Address | undefined,
  localPreference: number,
  foundations: Foundations,
): IceCandidate {
  return {
    type: 'relay',
    foundation: foundations.get('relay', base.address, server.address),
    component: COMPONENT_RTP,
    transport: 'udp',
    priority: candidatePriority(TYPE_PREFERENCE.relay, localPreference, COMPONENT_RTP),
    address: relayed.address,
    port: relayed.port,
    relatedAddress: mapped?.address,
    relatedPort: mapped?.port,
    base: relayed,
    server,
  };
}

/** §5.1.3: same transport address and same base as one we have → redundant (e.g. srflx == host without a NAT). */
export function isRedundant(have: readonly IceCandidate[], c: IceCandidate): boolean {
  return have.some((o) => o.address === c.address && o.port === c.port && o.base && c.base && sameAddress(o.base, c.base));
}

/**
 * §6.1.2.4: srflx candidates pair through their base, which is already paired; only host and
 * relay candidates form pairs (relay only, under the 'relay' transport policy).
 */
export function formsPairs(c: IceCandidate, relayOnly: boolean): boolean {
  return c.type === 'relay' || (c.type === 'host' && !relayOnly);
}
