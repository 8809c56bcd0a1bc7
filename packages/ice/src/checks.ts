/**
 * Sending connectivity checks and processing their responses (RFC 8445 §7.2): the Binding
 * request's attributes (§7.2.2, §7.1.1 PRIORITY), the symmetric-address check (§7.2.5.2.1),
 * error codes (§7.2.5.1 role conflict, §7.2.5.2.4), and peer-reflexive local candidates and
 * the valid pair's local candidate (§7.2.5.3.1, §7.2.5.3.2). RFC 7675 consent checks are the
 * same request without USE-CANDIDATE.
 */
import { ParseError, sameAddress, type Address, type RandomSource } from '@rtcstack/common';
import { Method, TRANSACTION_ID_LENGTH, attr, buildMessage, getAttribute, shortTermKey, type DecodedMessage, type TypedAttribute } from '@rtcstack/stun';
import { COMPONENT_RTP, TYPE_PREFERENCE, candidatePriority, splitPriority, type Foundations, type IceCandidate } from './candidate.ts';
import { localBaseOf, type Pair } from './pair.ts';

/** A Binding request ready for a client transaction, with the key that checks its response. */
export interface CheckRequest {
  readonly request: Uint8Array;
  readonly key: Uint8Array;
  /** The PRIORITY sent: what a prflx candidate learned from this check gets. */
  readonly priority: number;
}

/**
 * §7.2.2: USERNAME "their ufrag:our ufrag", PRIORITY (§7.1.1: the prflx priority of the local
 * candidate), our role with the tie-breaker, USE-CANDIDATE when nominating (§8.1.1); integrity
 * with the peer's password, FINGERPRINT.
 */
export function checkRequest(pair: Pair, controlling: boolean, tieBreaker: bigint, nominate: boolean, random: RandomSource): CheckRequest {
  const { localPreference } = splitPriority(pair.local.priority);
  const priority = candidatePriority(TYPE_PREFERENCE.prflx, localPreference, pair.local.component);
  const attributes: TypedAttribute[] = [
    attr('USERNAME', `${pair.creds.remote.ufrag}:${pair.creds.local.ufrag}`),
    attr('PRIORITY', priority),
    controlling ? attr('ICE_CONTROLLING', tieBreaker) : attr('ICE_CONTROLLED', tieBreaker),
  ];
  if (nominate) attributes.push(attr('USE_CANDIDATE', true));
  const key = shortTermKey(pair.creds.remote.pwd);
  const request = buildMessage({ class: 'request', method: Method.Binding, transactionId: random(TRANSACTION_ID_LENGTH), attributes, integrity: key, fingerprint: true });
  return { request, key, priority };
}

/**
 * §7.2.5.2.1: a response must come from where the request went and arrive where it left
 * (`arrivedOn` undefined: not known, e.g. a response that came through TURN's own plumbing).
 */
export function isSymmetric(pair: Pair, from: Address, arrivedOn: Address | undefined): boolean {
  return sameAddress(from, pair.remote) && (arrivedOn === undefined || sameAddress(arrivedOn, localBaseOf(pair.local)));
}

/** The ERROR-CODE of an error response (0 when absent or unreadable). */
export function errorCodeOf(res: DecodedMessage): number {
  try {
    return getAttribute(res, 'ERROR_CODE')?.code ?? 0;
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return 0;
  }
}

/** The XOR-MAPPED-ADDRESS of a success response (undefined when absent or unreadable). */
export function mappedAddressOf(res: DecodedMessage): Address | undefined {
  try {
    return getAttribute(res, 'XOR_MAPPED_ADDRESS');
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return undefined;
  }
}

/**
 * §7.2.5.3.1: a mapped address we do not know, seen through a host candidate, is a
 * peer-reflexive local candidate (never announced). Undefined when nothing new was learned.
 */
export function peerReflexiveLocal(
  pair: Pair,
  mapped: Address | undefined,
  priority: number,
  known: readonly IceCandidate[],
  foundations: Foundations,
): IceCandidate | undefined {
  if (!mapped || pair.local.type === 'relay' || known.some((c) => c.address === mapped.address && c.port === mapped.port)) return undefined;
  const base = localBaseOf(pair.local);
  return {
    type: 'prflx',
    foundation: foundations.get('prflx', base.address, undefined),
    component: COMPONENT_RTP,
    transport: 'udp',
    priority,
    address: mapped.address,
    port: mapped.port,
    relatedAddress: base.address,
    relatedPort: base.port,
    base,
  };
}

/**
 * §7.2.5.3.2: the valid pair's local candidate is the one whose address was mapped (a srflx or
 * prflx candidate behind a NAT; the host or relay candidate itself without one).
 */
export function validLocalOf(pair: Pair, mapped: Address | undefined, known: readonly IceCandidate[]): IceCandidate {
  const base = localBaseOf(pair.local);
  return (mapped && known.find((c) => c.address === mapped.address && c.port === mapped.port && c.base && sameAddress(c.base, base))) || pair.local;
}
