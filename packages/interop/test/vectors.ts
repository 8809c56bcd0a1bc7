/**
 * Checks for the captured Chromium vectors (test-vectors/chromium-dtls.json, chromium-sctp.json):
 * replay what Chromium 156 really sent through our decoders and assert the facts DESIGN.md names.
 *
 *   clientHello   input.datagrams: the UDP payloads holding one ClientHello's fragments.
 *                 Reassembles them in capture order AND reversed (RFC 6347 §4.2.3), decodes the
 *                 ClientHello (RFC 6347 §4.2.1) and its extensions, compares `expected` (hex values).
 *   clientFlight  input.datagram: Chromium's second flight; record layout, and its certificate's
 *                 fingerprint against the a=fingerprint of its offer (RFC 8122 §5).
 *   sctpPacket    input.hex: one SCTP packet; CRC32c (RFC 9260 §6.8), decode, facts, exact re-encode.
 */
import assert from 'node:assert/strict';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import { ContentType, HandshakeReassembler, HandshakeType, decodeHandshakeFragments, decodeRecords, extensions, fingerprint, messages, type HandshakeFragment } from '@rtcstack/dtls';
import { ChunkType, checksumValid, decodeDcep, decodePacket, encodePacket, type AnyChunk, type CookieEchoChunk, type DataChunk, type InitChunk } from '@rtcstack/sctp';

const { certificate, clientHello, clientKeyExchange } = messages;
const { findExtension, useSrtp } = extensions;
type ClientHello = messages.ClientHello;

const X25519MLKEM768 = 0x11ec;
const DTLS_1_3 = 0xfefc;

const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const u16hex = (n: number): string => n.toString(16).padStart(4, '0');

function u16List(data: Uint8Array, lengthBytes: 1 | 2): number[] {
  const n = lengthBytes === 1 ? data[0] : (data[0] << 8) | data[1];
  assert.equal(n, data.length - lengthBytes, 'list length');
  const out: number[] = [];
  for (let i = lengthBytes; i < data.length; i += 2) out.push((data[i] << 8) | data[i + 1]);
  return out;
}

/** RFC 8446 §4.2.8: KeyShareClientHello { KeyShareEntry client_shares<0..2^16-1> }. */
function keyShares(data: Uint8Array): { group: string; length: number }[] {
  const total = (data[0] << 8) | data[1];
  assert.equal(total, data.length - 2, 'key_share length');
  const out: { group: string; length: number }[] = [];
  for (let i = 2; i < data.length; ) {
    const group = (data[i] << 8) | data[i + 1];
    const len = (data[i + 2] << 8) | data[i + 3];
    out.push({ group: u16hex(group), length: len });
    i += 4 + len;
  }
  return out;
}

function fragmentsOf(datagrams: readonly string[]): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  for (const d of datagrams) {
    for (const rec of decodeRecords(bytes(d))) {
      assert.equal(rec.type, ContentType.handshake);
      assert.equal(rec.epoch, 0);
      out.push(...decodeHandshakeFragments(rec.fragment));
    }
  }
  return out;
}

function reassemble(frags: readonly HandshakeFragment[], seq: number): { msgType: number; body: Uint8Array } {
  const r = new HandshakeReassembler(seq);
  for (const f of frags) r.add(f);
  const m = r.pop();
  assert.ok(m, 'the fragments make one complete message');
  return m;
}

function helloFromDatagrams(datagrams: readonly string[], seq: number): { hello: ClientHello; body: Uint8Array; frags: HandshakeFragment[] } {
  const frags = fragmentsOf(datagrams);
  const m = reassemble(frags, seq);
  assert.equal(m.msgType, HandshakeType.client_hello);
  // Reversed arrival (RFC 6347 §4.2.3: fragments may come in any order) gives the same body.
  assert.deepEqual(reassemble([...frags].reverse(), seq).body, m.body);
  return { hello: clientHello.decode(m.body), body: m.body, frags };
}

interface HelloExpected {
  datagramLengths: number[];
  messageSeq: number;
  messageLength: number;
  fragments: [number, number][];
  version: string;
  sessionIdLength: number;
  cookieLength: number;
  sameRandomAsFirst?: boolean;
  cipherSuites: string[];
  extensionTypes: string[];
  supportedVersions: string[];
  supportedGroups: string[];
  keyShares: { group: string; length: number }[];
  srtpProfiles: string[];
  srtpMki: string;
  extendedMasterSecret: boolean;
  renegotiationInfo: string;
}

function checkClientHello(c: VectorCase): void {
  const input = c.input as { datagrams: string[]; firstHello?: string[] };
  const e = c.expected as HelloExpected;
  assert.deepEqual(input.datagrams.map((d) => bytes(d).length), e.datagramLengths);
  const { hello, body, frags } = helloFromDatagrams(input.datagrams, e.messageSeq);
  assert.equal(body.length, e.messageLength);
  assert.deepEqual(frags.map((f) => [f.fragmentOffset, f.data.length]), e.fragments);
  assert.equal(u16hex(hello.version), e.version);
  assert.equal(hello.sessionId.length, e.sessionIdLength);
  assert.equal(hello.cookie.length, e.cookieLength);
  assert.deepEqual(hello.cipherSuites.map(u16hex), e.cipherSuites);
  assert.deepEqual(hello.compressionMethods, [0]);
  assert.deepEqual(hello.extensions.map((x) => u16hex(x.type)), e.extensionTypes);
  const ext = (type: number): Uint8Array => {
    const x = findExtension(hello.extensions, type);
    assert.ok(x, `extension ${u16hex(type)} present`);
    return x.data;
  };
  // RFC 9147 §5.3 / RFC 8446 §4.2.1: DTLS 1.3 offered, 1.2 still acceptable.
  const versions = u16List(ext(43), 1);
  assert.deepEqual(versions.map(u16hex), e.supportedVersions);
  assert.ok(versions.includes(DTLS_1_3), 'supported_versions lists DTLS 1.3');
  // RFC 8422 §5.1.1 supported_groups; RFC 8446 §4.2.8 key_share: hybrid ML-KEM share next to x25519.
  assert.deepEqual(u16List(ext(10), 2).map(u16hex), e.supportedGroups);
  const shares = keyShares(ext(51));
  assert.deepEqual(shares, e.keyShares);
  assert.ok(shares.some((s) => s.group === u16hex(X25519MLKEM768)), 'X25519MLKEM768 key share');
  // RFC 5764 §4.1.1 use_srtp.
  const srtp = useSrtp.decode(ext(14));
  assert.deepEqual(srtp.profiles.map(u16hex), e.srtpProfiles);
  assert.equal(hex(srtp.mki), e.srtpMki);
  assert.equal(ext(23).length === 0, e.extendedMasterSecret); // RFC 7627 §5.1: empty
  assert.equal(hex(ext(0xff01)), e.renegotiationInfo === '' ? '00' : e.renegotiationInfo); // RFC 5746 §3.2
  // Re-encoding the decoded hello gives the reassembled bytes back.
  assert.equal(hex(clientHello.encode(hello)), hex(body));
  if (e.sameRandomAsFirst) {
    assert.ok(input.firstHello, 'firstHello given');
    const first = helloFromDatagrams(input.firstHello, 0).hello;
    // RFC 6347 §4.2.1: the ClientHello answering a HelloVerifyRequest repeats the first's random.
    assert.equal(hex(hello.random), hex(first.random));
    assert.equal(first.cookie.length, 0);
  }
}

interface FlightExpected {
  datagramLength: number;
  records: { type: number; epoch: number; handshake?: number }[];
  certificateFingerprint: { algorithm: 'sha-256'; value: string };
  clientKeyExchangePointLength: number;
}

function checkClientFlight(c: VectorCase): void {
  const d = bytes((c.input as { datagram: string }).datagram);
  const e = c.expected as FlightExpected;
  assert.equal(d.length, e.datagramLength);
  const recs = decodeRecords(d);
  const shape = recs.map((r) => {
    if (r.type === ContentType.handshake && r.epoch === 0) {
      const [f] = decodeHandshakeFragments(r.fragment);
      return { type: r.type, epoch: r.epoch, handshake: f.msgType };
    }
    return { type: r.type, epoch: r.epoch };
  });
  assert.deepEqual(shape, e.records);
  const body = (t: number): Uint8Array => {
    for (const r of recs) {
      if (r.type !== ContentType.handshake || r.epoch !== 0) continue;
      const [f] = decodeHandshakeFragments(r.fragment);
      if (f.msgType === t) {
        assert.equal(f.data.length, f.length, 'unfragmented');
        return f.data;
      }
    }
    throw new Error(`no handshake message ${t}`);
  };
  const chain = certificate.decode(body(HandshakeType.certificate));
  assert.equal(chain.length, 1);
  assert.equal(fingerprint(chain[0], 'sha-256'), e.certificateFingerprint.value.toUpperCase());
  assert.equal(clientKeyExchange.decode(body(HandshakeType.client_key_exchange)).length, e.clientKeyExchangePointLength);
}

interface SctpExpected {
  sourcePort: number;
  destinationPort: number;
  verificationTag: number;
  chunkTypes: number[];
  init?: { outboundStreams: number; inboundStreams: number; aRwnd: number; initiateTag: number; initialTsn: number; forwardTsnSupported: boolean; supportedExtensions: number[] };
  cookieLength?: number;
  data?: { tsn: number; streamId: number; ssn: number; ppid: number; flags: number; dcep: { channelType: number; priority: number; reliabilityParameter: number; label: string; protocol: string } };
}

function chunk<C extends AnyChunk>(cs: readonly AnyChunk[], is: (x: AnyChunk) => x is C, what: string): C {
  const found = cs.find(is);
  assert.ok(found, `${what} chunk present`);
  return found;
}
const isInit = (x: AnyChunk): x is InitChunk => x.type === ChunkType.INIT;
const isCookieEcho = (x: AnyChunk): x is CookieEchoChunk => x.type === ChunkType.COOKIE_ECHO;
const isData = (x: AnyChunk): x is DataChunk => x.type === ChunkType.DATA;

function checkSctpPacket(c: VectorCase): void {
  const raw = bytes((c.input as { hex: string }).hex);
  const e = c.expected as SctpExpected;
  assert.ok(checksumValid(raw), 'CRC32c verifies');
  const p = decodePacket(raw);
  assert.equal(p.sourcePort, e.sourcePort);
  assert.equal(p.destinationPort, e.destinationPort);
  assert.equal(p.verificationTag, e.verificationTag);
  assert.deepEqual(p.chunks.map((x) => x.type), e.chunkTypes);
  if (e.init) {
    const init = chunk(p.chunks, isInit, 'INIT');
    assert.equal(init.outboundStreams, e.init.outboundStreams);
    assert.equal(init.inboundStreams, e.init.inboundStreams);
    assert.equal(init.aRwnd, e.init.aRwnd);
    assert.equal(init.initiateTag, e.init.initiateTag);
    assert.equal(init.initialTsn, e.init.initialTsn);
    assert.equal(init.params.some((x) => x.kind === 'forwardTsnSupported'), e.init.forwardTsnSupported);
    const ext = init.params.find((x) => x.kind === 'supportedExtensions');
    assert.deepEqual(ext && ext.kind === 'supportedExtensions' ? [...ext.chunkTypes] : [], e.init.supportedExtensions);
    // RFC 6525 RE-CONFIG and RFC 3758 FORWARD-TSN advertised.
    assert.ok(e.init.supportedExtensions.includes(ChunkType.RE_CONFIG) && e.init.supportedExtensions.includes(ChunkType.FORWARD_TSN));
  }
  if (e.cookieLength !== undefined) assert.equal(chunk(p.chunks, isCookieEcho, 'COOKIE ECHO').cookie.length, e.cookieLength);
  if (e.data) {
    const d = chunk(p.chunks, isData, 'DATA');
    assert.deepEqual({ tsn: d.tsn, streamId: d.streamId, ssn: d.ssn, ppid: d.ppid, flags: d.flags }, { tsn: e.data.tsn, streamId: e.data.streamId, ssn: e.data.ssn, ppid: e.data.ppid, flags: e.data.flags });
    const m = decodeDcep(d.userData);
    assert.ok(m.type === 3, 'DATA_CHANNEL_OPEN');
    if (m.type === 3) {
      assert.deepEqual({ channelType: m.channelType, priority: m.priority, reliabilityParameter: m.reliabilityParameter, label: m.label, protocol: m.protocol }, e.data.dcep);
    }
  }
  assert.equal(hex(encodePacket(p)), hex(raw), 're-encodes byte for byte');
}

export const checks: VectorChecks = {
  clientHello: checkClientHello,
  clientFlight: checkClientFlight,
  sctpPacket: checkSctpPacket,
};
