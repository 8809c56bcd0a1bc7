import { dataChannelPort, parse, serialize, webrtcView, type SessionDescription, type WebRtcMedia } from '../src/index.ts';

/**
 * The facts a vector records about a description, computed from our parse. Vectors list a
 * subset; `expectFacts` compares only the keys a vector names, and fails on unknown keys so a
 * typo cannot silently pass.
 */
function mediaFacts(m: WebRtcMedia): Record<string, unknown> {
  const c0 = m.codecs[0];
  const fmtp = (pt: number) => m.codecs.find((c) => c.payloadType === pt)?.parameters.map((p) => (p.value !== undefined ? [p.name, p.value] : [p.name]));
  return {
    kind: m.kind,
    mid: m.mid,
    port: m.port,
    protocol: m.protocol,
    formats: m.formats,
    direction: m.direction,
    payloadTypes: m.codecs.map((c) => c.payloadType),
    iceUfrag: m.iceUfrag,
    icePwd: m.icePwd,
    iceOptions: m.iceOptions,
    fingerprintAlgorithm: m.fingerprints[0]?.algorithm,
    fingerprint: m.fingerprints[0]?.value,
    fingerprints: m.fingerprints.map((f) => [f.algorithm, f.value]),
    setup: m.setup,
    candidates: m.candidates.length,
    mdnsCandidates: m.candidates.filter((c) => /\.local$/.test(c.address)).length,
    endOfCandidates: m.endOfCandidates,
    rtcpMux: m.rtcpMux,
    rtcpRsize: m.rtcpRsize,
    rtcp: m.rtcp,
    firstCodec: c0 && { payloadType: c0.payloadType, name: c0.name, clockRate: c0.clockRate, ...(c0.channels !== undefined ? { channels: c0.channels } : {}) },
    extmaps: m.extmaps.map((e) => (e.direction ? [e.id, e.uri, e.direction] : [e.id, e.uri])),
    ssrcs: m.ssrcs.map((s) => s.ssrc),
    cname: m.ssrcs[0]?.cname,
    ssrcGroups: m.ssrcGroups.map((g) => [g.semantics, g.ssrcs]),
    msid: m.msids[0],
    feedback96: m.codecs.find((c) => c.payloadType === 96)?.feedback.map((f) => (f.parameter ? [f.type, f.parameter] : [f.type])),
    fmtp120: fmtp(120),
    rids: m.rids.map((r) => (r.params !== undefined ? [r.id, r.direction, r.params] : [r.id, r.direction])),
    simulcast: m.simulcast,
    sctpPort: m.sctpPort,
    sctpmap: m.sctpmap,
    dataChannelPort: dataChannelPort(m),
    maxMessageSize: m.maxMessageSize,
    bandwidths: m.bandwidths.map((b) => [b.type, b.bandwidth]),
  };
}

export function facts(d: SessionDescription): Record<string, unknown> {
  const v = webrtcView(d);
  return {
    mediaCount: v.media.length,
    sessionName: v.sessionName,
    connection: v.connection?.address,
    bundle: v.bundle,
    origin: { username: v.origin.username, sessionId: v.origin.sessionId, sessionVersion: v.origin.sessionVersion },
    extmapAllowMixed: v.extmapAllowMixed,
    iceLite: v.iceLite,
    mids: v.media.map((m) => m.mid),
    media: v.media.map(mediaFacts),
  };
}

/** JSON equality where an absent fact (undefined) equals null in the vector. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Throws if `actual` does not match every key `expected` names (media compared per index). */
export function expectFacts(actual: Record<string, unknown>, expected: Record<string, unknown>, where = ''): void {
  for (const [k, want] of Object.entries(expected)) {
    if (!(k in actual)) throw new Error(`${where}${k}: not a known fact (typo in the vector?)`);
    const got = actual[k];
    if (k === 'media' && Array.isArray(want)) {
      const gm = got as Record<string, unknown>[];
      if (gm.length < want.length) throw new Error(`${where}media: ${gm.length} sections, vector lists ${want.length}`);
      want.forEach((wm, i) => expectFacts(gm[i], wm as Record<string, unknown>, `${where}media[${i}].`));
      continue;
    }
    if (!sameJson(got, want)) throw new Error(`${where}${k}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

/** Parse, check the exact round trip, and return the facts. */
export function parseRoundTrip(sdp: string): SessionDescription {
  const d = parse(sdp);
  const back = serialize(d);
  if (back !== sdp) {
    let i = 0;
    while (i < sdp.length && sdp[i] === back[i]) i++;
    throw new Error(`round trip differs at char ${i}: ${JSON.stringify(sdp.slice(i, i + 40))} vs ${JSON.stringify(back.slice(i, i + 40))}`);
  }
  return d;
}
