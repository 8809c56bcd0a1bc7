/**
 * One-line names for what crosses the wire in a call (the demo's sequence diagram): STUN method
 * and class, DTLS records and handshake messages (RFC 6347 §4.1, §4.2.2), SCTP chunks (RFC 9260
 * §3.2) with DCEP (RFC 8832 §5) and data channel payloads, RTP/RTCP headers. Never throws: bytes
 * that do not parse are named as such.
 */
import { decodeMessage, hasAttribute, Method } from '@rtcstack/stun';
import { ChunkType, Ppid as PPID, chunkTypeName, decodePacket } from '@rtcstack/sctp';
import { classifyPacket } from './demux.ts';

const METHOD_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Method).map(([k, v]) => [v, k]));

const DTLS_CONTENT: Record<number, string> = { 20: 'ChangeCipherSpec', 21: 'Alert', 22: 'Handshake', 23: 'ApplicationData' };
const HANDSHAKE: Record<number, string> = {
  1: 'ClientHello',
  2: 'ServerHello',
  3: 'HelloVerifyRequest',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
};
const RTCP_TYPES: Record<number, string> = { 200: 'SR', 201: 'RR', 202: 'SDES', 203: 'BYE', 204: 'APP', 205: 'RTPFB', 206: 'PSFB', 207: 'XR' };

export function describeStun(data: Uint8Array): string {
  try {
    const m = decodeMessage(data);
    const name = METHOD_NAMES[m.method] ?? `method 0x${m.method.toString(16)}`;
    const cls = m.class === 'success' ? 'success response' : m.class === 'error' ? 'error response' : m.class;
    const uc = m.class === 'request' && hasAttribute(m, 'USE_CANDIDATE') ? ' USE-CANDIDATE' : '';
    return `STUN ${name} ${cls}${uc}`;
  } catch {
    return 'STUN (malformed)';
  }
}

/** The records in one DTLS datagram (RFC 6347 §4.1: 13-byte header each). */
export function describeDtls(data: Uint8Array): string {
  const parts: string[] = [];
  let at = 0;
  while (at + 13 <= data.length) {
    const type = data[at];
    const epoch = (data[at + 3] << 8) | data[at + 4];
    const len = (data[at + 11] << 8) | data[at + 12];
    let name = DTLS_CONTENT[type] ?? `type ${type}`;
    if (type === 22) {
      // Epoch 0 handshake bodies are in the clear; epoch 1 (Finished) is encrypted.
      name = epoch === 0 && at + 13 < data.length ? (HANDSHAKE[data[at + 13]] ?? `Handshake(${data[at + 13]})`) : 'Finished (encrypted)';
    }
    if (type === 21) name = epoch === 0 ? 'Alert' : 'Alert (encrypted, e.g. close_notify)';
    parts.push(name);
    at += 13 + len;
  }
  return `DTLS ${parts.join(', ') || '(empty)'}`;
}

export interface SctpSummary {
  readonly text: string;
  /** DCEP messages and data channel payload counts inside. */
  readonly dcep: readonly string[];
  readonly messages: number;
}

export function describeSctp(data: Uint8Array): SctpSummary {
  try {
    const p = decodePacket(data);
    const dcep: string[] = [];
    let messages = 0;
    const names = p.chunks.map((c) => {
      if (c.type === ChunkType.DATA) {
        const d = c as { ppid: number; streamId: number; userData: Uint8Array };
        if (d.ppid === PPID.DCEP) {
          const kind = d.userData[0] === 0x03 ? 'DATA_CHANNEL_OPEN' : d.userData[0] === 0x02 ? 'DATA_CHANNEL_ACK' : 'DCEP?';
          dcep.push(`${kind} (stream ${d.streamId})`);
          return `DATA[DCEP ${kind}]`;
        }
        messages++;
        const kind = d.ppid === PPID.STRING || d.ppid === PPID.STRING_EMPTY ? 'string' : 'binary';
        return `DATA[${kind} ${d.userData.length} B, stream ${d.streamId}]`;
      }
      return chunkTypeName(c.type);
    });
    return { text: `SCTP ${names.join(' + ')}`, dcep, messages };
  } catch {
    return { text: 'SCTP (malformed)', dcep: [], messages: 0 };
  }
}

export function describeRtp(plain: Uint8Array): string {
  if (plain.length < 12) return 'RTP (short)';
  const pt = plain[1] & 0x7f;
  const seq = (plain[2] << 8) | plain[3];
  const ssrc = ((plain[8] << 24) | (plain[9] << 16) | (plain[10] << 8) | plain[11]) >>> 0;
  return `RTP pt=${pt} seq=${seq} ssrc=${ssrc.toString(16)}`;
}

export function describeRtcp(plain: Uint8Array): string {
  const types: string[] = [];
  let at = 0;
  while (at + 4 <= plain.length) {
    const pt = plain[at + 1];
    const fmt = plain[at] & 0x1f;
    let n = RTCP_TYPES[pt] ?? String(pt);
    if (pt === 205 && fmt === 1) n = 'NACK';
    if (pt === 206 && fmt === 1) n = 'PLI';
    types.push(n);
    at += (((plain[at + 2] << 8) | plain[at + 3]) + 1) * 4;
  }
  return `RTCP ${types.join('+')}`;
}

/** A name for any datagram (SRTP payloads are opaque without `plain`). */
export function describeDatagram(data: Uint8Array, plain?: Uint8Array): string {
  switch (classifyPacket(data)) {
    case 'stun':
      return describeStun(data);
    case 'dtls':
      return describeDtls(data);
    case 'rtp':
      return plain ? `SRTP ${describeRtp(plain)}` : 'SRTP';
    case 'rtcp':
      return plain ? `SRTCP ${describeRtcp(plain)}` : 'SRTCP';
    default:
      return `unknown (first byte ${data[0]})`;
  }
}
