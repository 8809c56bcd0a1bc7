/**
 * RTCConfiguration (W3C webrtc-pc §4.2.1) and the ICE server URLs in it (RFC 7064 stun:, RFC 7065
 * turn:). Hosts must be IP literals (or localhost): the peer connection does no DNS.
 */
import type { Address } from '@rtcstack/common';
import type { TurnServerConfig } from '@rtcstack/ice';
import { domError } from './errors.ts';
import type { RTCCertificate } from './certificate.ts';

export interface RTCIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface RTCConfiguration {
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: 'all' | 'relay';
  bundlePolicy?: 'balanced' | 'max-compat' | 'max-bundle';
  rtcpMuxPolicy?: 'require';
  certificates?: RTCCertificate[];
  iceCandidatePoolSize?: number;
}

export interface ParsedIceServers {
  readonly stun: Address[];
  readonly turn: TurnServerConfig[];
}

/** Parse iceServers; bad URLs are SyntaxError, TURN without credentials InvalidAccessError (§4.4.1.1). */
export function parseIceServers(servers: readonly RTCIceServer[] = []): ParsedIceServers {
  const stun: Address[] = [];
  const turn: TurnServerConfig[] = [];
  for (const s of servers) {
    const urls = typeof s.urls === 'string' ? [s.urls] : s.urls;
    if (!urls || urls.length === 0) throw domError('SyntaxError', 'RTCIceServer.urls is empty');
    for (const url of urls) {
      const m = /^(stuns?|turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(url);
      if (!m) throw domError('SyntaxError', `bad ICE server URL ${JSON.stringify(url)}`);
      const scheme = m[1].toLowerCase();
      let host = m[2].replace(/^\[|\]$/g, '');
      if (host === 'localhost') host = '127.0.0.1';
      const port = m[3] ? Number(m[3]) : scheme.endsWith('s') ? 5349 : 3478;
      if (scheme === 'stun') stun.push({ address: host, port });
      else if (scheme === 'turn') {
        if (s.username === undefined || s.credential === undefined) throw domError('InvalidAccessError', `TURN server ${url} needs username and credential`);
        if ((m[4] ?? 'udp').toLowerCase() === 'udp') turn.push({ address: { address: host, port }, username: s.username, password: s.credential });
      } else throw domError('NotSupportedError', `${scheme}: (TLS) servers are not supported`);
    }
  }
  return { stun, turn };
}
