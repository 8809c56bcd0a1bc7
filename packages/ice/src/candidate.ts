/**
 * ICE candidates: types, priorities (RFC 8445 §5.1.2), foundations (§5.1.1.3), redundancy
 * (§5.1.3) and pair priorities (§6.1.2.3). Candidate lines are read and written by @rtcstack/sdp.
 */
import { addressFamily, addressKey, type Address } from '@rtcstack/common';
import { formatCandidate, parseCandidate, type Candidate as SdpCandidate } from '@rtcstack/sdp';

/** RFC 8445 §5.1.2.2: recommended type preferences. */
export const TYPE_PREFERENCE = { host: 126, prflx: 110, srflx: 100, relay: 0 } as const;
export type CandidateType = keyof typeof TYPE_PREFERENCE;

/** WebRTC bundles everything onto one component (RTP, with rtcp-mux). */
export const COMPONENT_RTP = 1;

export interface IceCandidate {
  readonly type: CandidateType;
  readonly foundation: string;
  readonly component: number;
  readonly transport: 'udp';
  readonly priority: number;
  /** The candidate's transport address. */
  readonly address: string;
  readonly port: number;
  /** raddr/rport: the base (srflx, prflx) or the mapped address (relay). */
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  /** Local candidates only: where checks from this candidate leave (§5.1.1.1 "base"). */
  readonly base?: Address;
  /** Local srflx/relay: the STUN/TURN server it came from (foundation input). */
  readonly server?: Address;
  /** Remote candidates: the ufrag it was trickled with, if any. */
  readonly ufrag?: string;
}

/**
 * RFC 8445 §5.1.2.1:
 *   priority = (2^24)*(type preference) + (2^8)*(local preference) + (2^0)*(256 - component ID)
 * type preference 0..126, local preference 0..65535, component 1..256.
 */
export function candidatePriority(typePreference: number, localPreference: number, component: number): number {
  if (!Number.isInteger(typePreference) || typePreference < 0 || typePreference > 126) throw new RangeError(`type preference ${typePreference} is not 0..126`);
  if (!Number.isInteger(localPreference) || localPreference < 0 || localPreference > 65535) throw new RangeError(`local preference ${localPreference} is not 0..65535`);
  if (!Number.isInteger(component) || component < 1 || component > 256) throw new RangeError(`component ${component} is not 1..256`);
  return typePreference * 2 ** 24 + localPreference * 2 ** 8 + (256 - component);
}

/** The three parts of a priority, for printing and for computing a prflx PRIORITY (§7.1.1). */
export function splitPriority(priority: number): { typePreference: number; localPreference: number; component: number } {
  return { typePreference: Math.floor(priority / 2 ** 24), localPreference: Math.floor(priority / 2 ** 8) & 0xffff, component: 256 - (priority & 0xff) };
}

/**
 * RFC 8445 §6.1.2.3: pair priority = 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), where G is the
 * controlling agent's candidate priority and D the controlled agent's. Up to 2^64 - 1: a BigInt,
 * because a double loses the low bits that break ties.
 */
export function pairPriority(g: number, d: number): bigint {
  const G = BigInt(g);
  const D = BigInt(d);
  const min = G < D ? G : D;
  const max = G > D ? G : D;
  return (min << 32n) + 2n * max + (G > D ? 1n : 0n);
}

/**
 * Foundations (§5.1.1.3): two candidates share one when they have the same type, base IP
 * address, STUN/TURN server IP address and transport. This table hands out short ice-char
 * strings for those tuples, stable for the agent's life.
 */
export class Foundations {
  private readonly map = new Map<string, string>();
  get(type: CandidateType, baseIp: string, serverIp: string | undefined, transport = 'udp'): string {
    const key = `${type}|${baseIp}|${serverIp ?? ''}|${transport}`;
    let f = this.map.get(key);
    if (f === undefined) {
      f = String(this.map.size + 1);
      this.map.set(key, f);
    }
    return f;
  }
}

export function candidateAddress(c: IceCandidate): Address {
  return { address: c.address, port: c.port };
}

export function candidateKey(c: { address: string; port: number }): string {
  return addressKey(c);
}

/**
 * §5.1.3: a candidate is redundant if its transport address and base equal those of another
 * candidate with a higher (or equal, earlier) priority. Returns the survivors, order kept.
 */
export function pruneRedundant(candidates: readonly IceCandidate[]): IceCandidate[] {
  const out: IceCandidate[] = [];
  for (const c of candidates) {
    const twin = out.findIndex((o) => o.address === c.address && o.port === c.port && sameBase(o, c));
    if (twin < 0) out.push(c);
    else if (out[twin].priority < c.priority) out[twin] = c;
  }
  return out;
}

function sameBase(a: IceCandidate, b: IceCandidate): boolean {
  const x = a.base ?? candidateAddress(a);
  const y = b.base ?? candidateAddress(b);
  return x.address === y.address && x.port === y.port;
}

/** Only candidates of the same IP family can be paired (§6.1.2.2). */
export function sameFamily(a: { address: string }, b: { address: string }): boolean {
  return addressFamily(a.address) === addressFamily(b.address);
}

/** To an `a=candidate` / RTCIceCandidate.candidate string (RFC 8839 §5.1), via @rtcstack/sdp. */
export function candidateToSdp(c: IceCandidate): string {
  const sdp: SdpCandidate = {
    foundation: c.foundation,
    component: c.component,
    transport: 'udp',
    priority: c.priority,
    address: c.address,
    port: c.port,
    type: c.type,
    relatedAddress: c.relatedAddress,
    relatedPort: c.relatedPort,
    ...(c.ufrag !== undefined ? { extensions: [['ufrag', c.ufrag]] as const } : {}),
  };
  return formatCandidate(sdp);
}

/**
 * From a candidate line. Throws ParseError (layer 'sdp') for bad text. TCP candidates and host
 * names (mDNS `.local`) are returned with `unsupported` set so the agent can count and skip them.
 */
export function candidateFromSdp(line: string): IceCandidate & { readonly unsupported?: string } {
  const c = parseCandidate(line);
  const unsupported = c.transport.toLowerCase() !== 'udp' ? 'tcp' : /^[0-9.]+$|:/.test(c.address) ? undefined : 'hostname';
  return {
    type: c.type,
    foundation: c.foundation,
    component: c.component,
    transport: 'udp',
    priority: c.priority,
    address: c.address,
    port: c.port,
    relatedAddress: c.relatedAddress,
    relatedPort: c.relatedPort,
    ufrag: c.ufrag,
    ...(unsupported ? { unsupported } : {}),
  };
}
