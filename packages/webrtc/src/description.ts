/**
 * RTCSessionDescription and RTCIceCandidate (W3C webrtc-pc §4.8, §4.8.2): plain value objects
 * with the spec's fields and toJSON(), so they can go straight into JSON signaling.
 */
import { parseCandidate } from '@rtcstack/sdp';
import type { RTCSdpType } from './signaling.ts';

export interface RTCSessionDescriptionInit {
  type: RTCSdpType;
  sdp?: string;
}

export class RTCSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;
  constructor(init: RTCSessionDescriptionInit) {
    this.type = init.type;
    this.sdp = init.sdp ?? '';
  }
  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp };
  }
}

export interface RTCIceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export class RTCIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;
  readonly foundation: string | null = null;
  readonly component: 'rtp' | 'rtcp' | null = null;
  readonly priority: number | null = null;
  readonly address: string | null = null;
  readonly protocol: 'udp' | 'tcp' | null = null;
  readonly port: number | null = null;
  readonly type: 'host' | 'srflx' | 'prflx' | 'relay' | null = null;
  readonly relatedAddress: string | null = null;
  readonly relatedPort: number | null = null;

  constructor(init: RTCIceCandidateInit = {}) {
    // webrtc-pc §4.8.2.1: both sdpMid and sdpMLineIndex null is a TypeError.
    if ((init.sdpMid ?? null) === null && (init.sdpMLineIndex ?? null) === null) {
      throw new TypeError('RTCIceCandidate: sdpMid and sdpMLineIndex are both null');
    }
    this.candidate = init.candidate ?? '';
    this.sdpMid = init.sdpMid ?? null;
    this.sdpMLineIndex = init.sdpMLineIndex ?? null;
    this.usernameFragment = init.usernameFragment ?? null;
    if (this.candidate) {
      try {
        const c = parseCandidate(this.candidate.replace(/^candidate:/, ''));
        Object.assign(this, {
          foundation: c.foundation,
          component: c.component === 1 ? 'rtp' : 'rtcp',
          priority: c.priority,
          address: c.address,
          protocol: c.transport.toLowerCase() === 'tcp' ? 'tcp' : 'udp',
          port: c.port,
          type: c.type,
          relatedAddress: c.relatedAddress ?? null,
          relatedPort: c.relatedPort ?? null,
        });
      } catch {
        // Unparseable text keeps the fields null (as browsers do); addIceCandidate rejects it.
      }
    }
  }

  toJSON(): RTCIceCandidateInit {
    return { candidate: this.candidate, sdpMid: this.sdpMid, sdpMLineIndex: this.sdpMLineIndex, usernameFragment: this.usernameFragment };
  }
}
