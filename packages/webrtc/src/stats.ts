/**
 * getStats() (W3C webrtc-pc §8, webrtc-stats): a Map of id -> stats dictionary, one entry per
 * object: peer-connection, transport, candidate-pair, local-candidate, remote-candidate,
 * certificate, data-channel, inbound-rtp, outbound-rtp, remote-inbound-rtp.
 */
import type { PeerConnectionCore } from './core.ts';
import type { RTCCertificate } from './certificate.ts';
import type { RTCDataChannel } from './data-channel.ts';
import type { MediaEngine } from './media-engine.ts';
import type { RTCRtpTransceiver } from './transceiver.ts';
import type { RTCIceConnectionState, RTCIceGatheringState } from './states.ts';
import { fingerprint } from '@rtcstack/dtls';

export const STATS_TYPES = [
  'peer-connection',
  'transport',
  'candidate-pair',
  'local-candidate',
  'remote-candidate',
  'certificate',
  'data-channel',
  'inbound-rtp',
  'outbound-rtp',
  'remote-inbound-rtp',
  'codec',
] as const;
export type RTCStatsType = (typeof STATS_TYPES)[number];

export interface RTCStats {
  readonly id: string;
  readonly type: RTCStatsType;
  readonly timestamp: number;
  readonly [field: string]: unknown;
}

export type RTCStatsReport = Map<string, RTCStats>;

export interface StatsInput {
  readonly now: number;
  readonly core: PeerConnectionCore;
  readonly certificate: RTCCertificate;
  readonly remoteFingerprint: string | undefined;
  readonly channels: readonly RTCDataChannel[];
  readonly media: MediaEngine;
  readonly transceivers: readonly RTCRtpTransceiver[];
  readonly dataChannelsOpened: number;
  readonly dataChannelsClosed: number;
  readonly iceState: RTCIceConnectionState;
  readonly gatheringState: RTCIceGatheringState;
}

export function collectStats(i: StatsInput): RTCStatsReport {
  const r: RTCStatsReport = new Map();
  const ts = i.now;
  const add = (s: RTCStats): void => {
    r.set(s.id, s);
  };
  add({ id: 'P', type: 'peer-connection', timestamp: ts, dataChannelsOpened: i.dataChannelsOpened, dataChannelsClosed: i.dataChannelsClosed });

  const localCertId = 'CF' + i.certificate.getFingerprints()[0].value.replace(/:/g, '').slice(0, 16);
  add({
    id: localCertId,
    type: 'certificate',
    timestamp: ts,
    fingerprint: i.certificate.getFingerprints()[0].value,
    fingerprintAlgorithm: 'sha-256',
    base64Certificate: Buffer.from(i.certificate.local.der).toString('base64'),
  });
  let remoteCertId: string | undefined;
  if (i.remoteFingerprint) {
    remoteCertId = 'CF' + i.remoteFingerprint.replace(/:/g, '').slice(0, 16);
    const der = i.core.peerCertificate;
    add({ id: remoteCertId, type: 'certificate', timestamp: ts, fingerprint: i.remoteFingerprint, fingerprintAlgorithm: 'sha-256', base64Certificate: der ? Buffer.from(der).toString('base64') : '' });
  }

  const ice = i.core.ice;
  const sel = i.core.selectedPair;
  const candId = (side: 'L' | 'R', c: { address: string; port: number }) => `I${side}${c.address}:${c.port}`;
  if (ice) {
    for (const c of ice.localCandidatesList) {
      add({ id: candId('L', c), type: 'local-candidate', timestamp: ts, transportId: 'T01', address: c.address, port: c.port, protocol: 'udp', candidateType: c.type, priority: c.priority, foundation: c.foundation, usernameFragment: ice.localCredentials.ufrag });
    }
    for (const c of ice.remoteCandidatesList) {
      add({ id: candId('R', c), type: 'remote-candidate', timestamp: ts, transportId: 'T01', address: c.address, port: c.port, protocol: 'udp', candidateType: c.type, priority: c.priority, foundation: c.foundation });
    }
    for (const p of ice.checklist) {
      const id = `CP${candId('L', p.local).slice(2)}_${candId('R', p.remote).slice(2)}`;
      if (!r.has(candId('L', p.local))) add({ id: candId('L', p.local), type: 'local-candidate', timestamp: ts, transportId: 'T01', address: p.local.address, port: p.local.port, protocol: 'udp', candidateType: p.local.type, priority: p.local.priority });
      if (!r.has(candId('R', p.remote))) add({ id: candId('R', p.remote), type: 'remote-candidate', timestamp: ts, transportId: 'T01', address: p.remote.address, port: p.remote.port, protocol: 'udp', candidateType: p.remote.type, priority: p.remote.priority });
      const isSel = sel !== undefined && sel.local.address === p.local.address && sel.local.port === p.local.port && sel.remote.address === p.remote.address && sel.remote.port === p.remote.port;
      add({
        id,
        type: 'candidate-pair',
        timestamp: ts,
        transportId: 'T01',
        localCandidateId: candId('L', p.local),
        remoteCandidateId: candId('R', p.remote),
        state: p.state,
        nominated: p.nominated,
        priority: Number(p.priority),
        selected: isSel,
        ...(isSel ? { bytesSent: i.core.stats.bytesSent, bytesReceived: i.core.stats.bytesReceived, packetsSent: i.core.stats.packetsSent, packetsReceived: i.core.stats.packetsReceived } : {}),
      });
    }
  }
  const selId = sel ? `CP${candId('L', sel.local).slice(2)}_${candId('R', sel.remote).slice(2)}` : undefined;
  const profile = i.core.srtp?.profile.name;
  add({
    id: 'T01',
    type: 'transport',
    timestamp: ts,
    bytesSent: i.core.stats.bytesSent,
    bytesReceived: i.core.stats.bytesReceived,
    packetsSent: i.core.stats.packetsSent,
    packetsReceived: i.core.stats.packetsReceived,
    iceState: i.iceState === 'closed' ? 'closed' : i.core.iceState,
    iceRole: ice ? (ice.controlling ? 'controlling' : 'controlled') : 'unknown',
    iceLocalUsernameFragment: i.core.localCredentials.ufrag,
    dtlsState: i.core.dtlsState,
    dtlsRole: i.core.dtlsRole ?? 'unknown',
    tlsVersion: i.core.dtls?.state === 'connected' ? 'FEFD' : undefined,
    dtlsCipher: i.core.dtls?.cipherSuite,
    srtpCipher: profile,
    selectedCandidatePairId: selId,
    localCertificateId: localCertId,
    remoteCertificateId: remoteCertId,
    iceGatheringState: i.gatheringState,
    demux: { ...i.core.stats.demux },
    droppedNoLayer: i.core.stats.droppedNoLayer,
    srtpFailures: i.core.stats.srtpFailures,
    srtpAuthFailures: i.core.stats.srtpAuthFailures,
    srtpReplays: i.core.stats.srtpReplays,
    srtpParseErrors: i.core.stats.srtpParseErrors,
    srtpUnknownSsrc: i.core.stats.srtpUnknownSsrc,
    internalErrors: i.core.stats.internalErrors,
  });

  for (const ch of i.channels) {
    add({
      id: `D${ch.id ?? 'x'}`,
      type: 'data-channel',
      timestamp: ts,
      label: ch.label,
      protocol: ch.protocol,
      dataChannelIdentifier: ch.id,
      state: ch.readyState,
      messagesSent: ch.ref.messagesSent,
      bytesSent: ch.ref.bytesSent,
      messagesReceived: ch.ref.messagesReceived,
      bytesReceived: ch.ref.bytesReceived,
    });
  }

  for (const t of i.transceivers) {
    const s = i.media.senderStats(t);
    const rs = i.media.receiverStats(t);
    const codec = t.negotiatedCodecs.find((c) => /^pcm[ua]$/i.test(c.name));
    const codecId = codec ? `COT01_${codec.payloadType}` : undefined;
    if (codec && codecId) add({ id: codecId, type: 'codec', timestamp: ts, transportId: 'T01', payloadType: codec.payloadType, mimeType: `audio/${codec.name}`, clockRate: codec.clockRate, channels: codec.channels ?? 1 });
    if (s) {
      add({
        id: `OT01A${s.ssrc}`,
        type: 'outbound-rtp',
        timestamp: ts,
        kind: 'audio',
        ssrc: s.ssrc,
        mid: t.mid,
        transportId: 'T01',
        codecId,
        packetsSent: s.packetsSent,
        bytesSent: s.bytesSent,
        headerBytesSent: s.headerBytesSent,
        retransmittedPacketsSent: s.retransmittedPacketsSent,
        retransmittedBytesSent: s.retransmittedBytesSent,
        nackCount: s.nackCount,
        pliCount: s.pliCount,
        firCount: s.firCount,
        remoteId: s.remoteInbound ? `RIA${s.ssrc}` : undefined,
      });
      if (s.remoteInbound) {
        const ri = s.remoteInbound;
        add({
          id: `RIA${s.ssrc}`,
          type: 'remote-inbound-rtp',
          timestamp: ts,
          kind: 'audio',
          ssrc: s.ssrc,
          transportId: 'T01',
          codecId,
          localId: `OT01A${s.ssrc}`,
          packetsLost: ri.packetsLost,
          fractionLost: ri.fractionLost,
          jitter: ri.jitter,
          // Seconds already (W3C webrtc-stats units), as the media pipeline reports them.
          roundTripTime: ri.roundTripTime,
          totalRoundTripTime: ri.totalRoundTripTime,
          roundTripTimeMeasurements: ri.roundTripTimeMeasurements,
        });
      }
    }
    if (rs && rs.ssrc !== undefined) {
      add({
        id: `IT01A${rs.ssrc}`,
        type: 'inbound-rtp',
        timestamp: ts,
        kind: 'audio',
        ssrc: rs.ssrc,
        mid: t.mid,
        trackIdentifier: t.receiver.track.id,
        transportId: 'T01',
        codecId,
        packetsReceived: rs.packetsReceived,
        packetsLost: rs.packetsLost,
        packetsDiscarded: rs.packetsDiscarded,
        jitter: rs.jitter,
        bytesReceived: rs.bytesReceived,
        headerBytesReceived: rs.headerBytesReceived,
        audioLevel: rs.audioLevel,
        totalAudioEnergy: rs.totalAudioEnergy,
        totalSamplesDuration: rs.totalSamplesDuration,
        totalSamplesReceived: rs.totalSamplesReceived,
        concealedSamples: rs.concealedSamples,
        silentConcealedSamples: rs.silentConcealedSamples,
        concealmentEvents: rs.concealmentEvents,
        jitterBufferDelay: rs.jitterBufferDelay,
        jitterBufferEmittedCount: rs.jitterBufferEmittedCount,
        nackCount: rs.nackCount,
        pliCount: rs.pliCount,
        firCount: rs.firCount,
      });
    }
  }
  return r;
}

/** Our own certificate's fingerprint (for tests comparing with a=fingerprint). */
export function certificateFingerprint(der: Uint8Array): string {
  return fingerprint(der, 'sha-256');
}
