import { ParseError, ipv4ToBytes, ipv6ToBytes } from '@rtcstack/common';

/**
 * An ICE candidate as carried in `a=candidate:` (RFC 8839 §5.1) and in trickled
 * RTCIceCandidate.candidate strings. Shared with the ICE agent.
 *
 *   candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
 *             [raddr <address>] [rport <port>] *(<extension-name> <extension-value>)
 */
export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
export type CandidateType = (typeof CANDIDATE_TYPES)[number];

/** RFC 6544 §4.5 TCP candidate types. */
export const TCP_TYPES = ['active', 'passive', 'so'] as const;
export type TcpType = (typeof TCP_TYPES)[number];

/** What kind of thing the connection-address is (RFC 8839 §5.1: IP4, IP6 or FQDN). */
export type AddressKind = 'ipv4' | 'ipv6' | 'mdns' | 'fqdn';

export interface Candidate {
  /** 1*32 ice-char: candidates with the same foundation share a base and server. */
  readonly foundation: string;
  /** 1 = RTP, 2 = RTCP (1..256). */
  readonly component: number;
  /** As written: "udp", "UDP", "tcp"... compare with `transport.toLowerCase()`. */
  readonly transport: string;
  /** 0..2^32-1 (RFC 8445 §5.1.2). */
  readonly priority: number;
  /** IPv4, IPv6, or a host name (an mDNS `<uuid>.local` name hides the real address). */
  readonly address: string;
  readonly port: number;
  readonly type: CandidateType;
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  /**
   * Every extension pair after typ/raddr/rport, in order, as written (tcptype, generation,
   * ufrag, network-id, network-cost, ...). formatCandidate writes exactly these when present.
   */
  readonly extensions?: readonly (readonly [string, string])[];
  /** Convenience views of well-known extensions (derived from `extensions` when parsing). */
  readonly tcpType?: TcpType;
  readonly generation?: number;
  readonly ufrag?: string;
  readonly networkId?: number;
  readonly networkCost?: number;
}

const ICE_CHAR = /^[A-Za-z0-9+/]+$/;
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const DIGITS = /^[0-9]+$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Classify a connection-address, or undefined if it is none of IPv4, IPv6, host name. */
export function addressKind(a: string): AddressKind | undefined {
  if (a.includes(':')) return ipv6ToBytes(a) ? 'ipv6' : undefined;
  // Something made only of digits and dots must be a valid dotted quad, not a host name.
  if (/^[0-9.]+$/.test(a)) return ipv4ToBytes(a) ? 'ipv4' : undefined;
  if (!HOSTNAME.test(a)) return undefined;
  return /\.local\.?$/i.test(a) ? 'mdns' : 'fqdn';
}

function fail(field: string, reason: string, line: number): never {
  throw new ParseError('sdp', field, line, reason);
}

function port(s: string | undefined, field: string, line: number): number {
  if (s === undefined || !DIGITS.test(s) || s.length > 5 || Number(s) > 65535) {
    fail(field, `port ${JSON.stringify(s ?? '')} is not 0..65535`, line);
  }
  return Number(s);
}

function address(s: string | undefined, field: string, line: number): string {
  if (s === undefined || addressKind(s) === undefined) {
    fail(field, `${JSON.stringify(s ?? '')} is not an IPv4/IPv6 address or a host name`, line);
  }
  return s;
}

/**
 * Parse a candidate. Accepts "a=candidate:...", "candidate:..." or the bare value, with
 * trailing whitespace or a line ending tolerated. `line` is reported as the ParseError offset
 * (a line number when called by the SDP parser, 0 otherwise).
 */
export function parseCandidate(text: string, line = 0): Candidate {
  let s = text.replace(/[\r\n]+$/, '').trimEnd();
  if (s.startsWith('a=')) s = s.slice(2);
  if (s.startsWith('candidate:')) s = s.slice('candidate:'.length);
  const f = s.split(' ');
  if (f.some((x) => x === '')) fail('candidate', 'fields must be separated by single spaces', line);
  if (f.length < 8) fail('candidate', `needs at least 8 fields, got ${f.length}`, line);
  const [foundation, comp, transport, prio, addr, portText, typ, type] = f;
  if (foundation.length > 32 || !ICE_CHAR.test(foundation)) {
    fail('candidate.foundation', `${JSON.stringify(foundation)} is not 1*32 ice-char`, line);
  }
  if (!DIGITS.test(comp) || comp.length > 3 || Number(comp) < 1 || Number(comp) > 256) {
    fail('candidate.component', `${JSON.stringify(comp)} is not 1..256`, line);
  }
  if (!TOKEN.test(transport)) fail('candidate.transport', `${JSON.stringify(transport)} is not a token`, line);
  const tl = transport.toLowerCase();
  if (tl !== 'udp' && tl !== 'tcp') fail('candidate.transport', `unsupported transport ${JSON.stringify(transport)}`, line);
  if (!DIGITS.test(prio) || prio.length > 10 || Number(prio) > 0xffffffff) {
    fail('candidate.priority', `${JSON.stringify(prio)} is not 0..2^32-1`, line);
  }
  address(addr, 'candidate.address', line);
  const p = port(portText, 'candidate.port', line);
  if (typ !== 'typ') fail('candidate.typ', `expected "typ", got ${JSON.stringify(typ)}`, line);
  if (!(CANDIDATE_TYPES as readonly string[]).includes(type)) {
    fail('candidate.type', `unknown candidate type ${JSON.stringify(type)}`, line);
  }
  let i = 8;
  let relatedAddress: string | undefined;
  let relatedPort: number | undefined;
  if (f[i] === 'raddr') {
    relatedAddress = address(f[i + 1], 'candidate.raddr', line);
    i += 2;
  }
  if (f[i] === 'rport') {
    relatedPort = port(f[i + 1], 'candidate.rport', line);
    i += 2;
  }
  const extensions: [string, string][] = [];
  let tcpType: TcpType | undefined;
  let generation: number | undefined;
  let ufrag: string | undefined;
  let networkId: number | undefined;
  let networkCost: number | undefined;
  for (; i < f.length; i += 2) {
    const name = f[i];
    const value = f[i + 1];
    if (value === undefined) fail('candidate.extension', `extension ${JSON.stringify(name)} has no value`, line);
    if (!TOKEN.test(name)) fail('candidate.extension', `${JSON.stringify(name)} is not a token`, line);
    if (name === 'raddr' || name === 'rport') fail(`candidate.${name}`, `${name} out of place`, line);
    const num = (field: string): number => {
      if (!DIGITS.test(value) || value.length > 10) fail(`candidate.${field}`, `${JSON.stringify(value)} is not a number`, line);
      return Number(value);
    };
    if (name === 'tcptype') {
      if (!(TCP_TYPES as readonly string[]).includes(value)) fail('candidate.tcptype', `unknown tcptype ${JSON.stringify(value)}`, line);
      tcpType = value as TcpType;
    } else if (name === 'generation') generation = num('generation');
    else if (name === 'ufrag') ufrag = value;
    else if (name === 'network-id') networkId = num('network-id');
    else if (name === 'network-cost') networkCost = num('network-cost');
    extensions.push([name, value]);
  }
  // RFC 6544 §4.5: a TCP candidate carries tcptype (port 9 for active ones).
  if (tl === 'tcp' && tcpType === undefined) fail('candidate.tcptype', 'TCP candidate without tcptype', line);
  // RFC 8839 §5.1: raddr/rport are for srflx, prflx and relay (browsers also send them
  // on host candidates only when hiding addresses; accept but require them in pairs).
  if ((relatedAddress === undefined) !== (relatedPort === undefined)) {
    fail('candidate.raddr', 'raddr and rport must appear together', line);
  }
  const c: Candidate = {
    foundation,
    component: Number(comp),
    transport,
    priority: Number(prio),
    address: addr,
    port: p,
    type: type as CandidateType,
    ...(relatedAddress !== undefined ? { relatedAddress, relatedPort } : {}),
    extensions,
    ...(tcpType !== undefined ? { tcpType } : {}),
    ...(generation !== undefined ? { generation } : {}),
    ...(ufrag !== undefined ? { ufrag } : {}),
    ...(networkId !== undefined ? { networkId } : {}),
    ...(networkCost !== undefined ? { networkCost } : {}),
  };
  return c;
}

/**
 * Write a candidate as "candidate:..." (the RTCIceCandidate.candidate form; prefix "a=" for an
 * SDP line). With `extensions` present they are written verbatim, so a parsed candidate comes
 * back byte for byte; otherwise the convenience fields are written in the order Chrome uses.
 */
export function formatCandidate(c: Candidate): string {
  const parts = [
    c.foundation,
    String(c.component),
    c.transport,
    String(c.priority),
    c.address,
    String(c.port),
    'typ',
    c.type,
  ];
  if (c.relatedAddress !== undefined) parts.push('raddr', c.relatedAddress);
  if (c.relatedPort !== undefined) parts.push('rport', String(c.relatedPort));
  if (c.extensions) {
    for (const [k, v] of c.extensions) parts.push(k, v);
  } else {
    if (c.tcpType !== undefined) parts.push('tcptype', c.tcpType);
    if (c.generation !== undefined) parts.push('generation', String(c.generation));
    if (c.ufrag !== undefined) parts.push('ufrag', c.ufrag);
    if (c.networkId !== undefined) parts.push('network-id', String(c.networkId));
    if (c.networkCost !== undefined) parts.push('network-cost', String(c.networkCost));
  }
  return `candidate:${parts.join(' ')}`;
}
