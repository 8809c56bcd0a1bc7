import { ByteReader, ByteWriter, readU16, readU32 } from '@rtcstack/common';
import { ChunkType, ParamType } from './constants.ts';
import { decodeInitParam, initParamTlv, type InitParam } from './param.ts';
import { causeFromTlv, causeTlv, type ErrorCause } from './cause.ts';
import { decodeReconfigParam, reconfigParamTlv, type ReconfigParam } from './reconfig-param.ts';
import { pad4, readTlvs, writeTlvs } from './tlv.ts';

const LAYER = 'sctp';

/** DATA (RFC 9260 §3.3.1). `userData` is a view into the received packet (no copy). */
export interface DataChunk {
  readonly type: typeof ChunkType.DATA;
  /** I(8) U(4) B(2) E(1), see DataFlag. */
  readonly flags: number;
  readonly tsn: number;
  readonly streamId: number;
  readonly ssn: number;
  readonly ppid: number;
  readonly userData: Uint8Array;
}

/** INIT (§3.3.2) and INIT ACK (§3.3.3) share one layout. */
export interface InitChunk {
  readonly type: typeof ChunkType.INIT | typeof ChunkType.INIT_ACK;
  readonly initiateTag: number;
  readonly aRwnd: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly initialTsn: number;
  readonly params: readonly InitParam[];
}

/** A gap ack block, as offsets from the cumulative TSN ack (§3.3.4). */
export interface GapBlock {
  readonly start: number;
  readonly end: number;
}

/** SACK (§3.3.4). */
export interface SackChunk {
  readonly type: typeof ChunkType.SACK;
  readonly cumulativeTsnAck: number;
  readonly aRwnd: number;
  readonly gapBlocks: readonly GapBlock[];
  readonly duplicateTsns: readonly number[];
}

/** HEARTBEAT (§3.3.5) / HEARTBEAT ACK (§3.3.6): one Heartbeat Info parameter, opaque to the peer. */
export interface HeartbeatChunk {
  readonly type: typeof ChunkType.HEARTBEAT | typeof ChunkType.HEARTBEAT_ACK;
  readonly info: Uint8Array;
}

/** ABORT (§3.3.7): T bit = "the verification tag is the peer's, reflected". */
export interface AbortChunk {
  readonly type: typeof ChunkType.ABORT;
  readonly tBit: boolean;
  readonly causes: readonly ErrorCause[];
}

/** SHUTDOWN (§3.3.8). */
export interface ShutdownChunk {
  readonly type: typeof ChunkType.SHUTDOWN;
  readonly cumulativeTsnAck: number;
}

/** ERROR (§3.3.10). */
export interface ErrorChunk {
  readonly type: typeof ChunkType.ERROR;
  readonly causes: readonly ErrorCause[];
}

/** COOKIE ECHO (§3.3.11). */
export interface CookieEchoChunk {
  readonly type: typeof ChunkType.COOKIE_ECHO;
  readonly cookie: Uint8Array;
}

/** Chunks with no value: SHUTDOWN ACK (§3.3.9), COOKIE ACK (§3.3.12), SHUTDOWN COMPLETE (§3.3.13, T bit). */
export interface EmptyChunk {
  readonly type: typeof ChunkType.SHUTDOWN_ACK | typeof ChunkType.COOKIE_ACK | typeof ChunkType.SHUTDOWN_COMPLETE;
  readonly tBit: boolean;
}

/** FORWARD TSN (RFC 3758 §3.2). */
export interface ForwardTsnChunk {
  readonly type: typeof ChunkType.FORWARD_TSN;
  readonly newCumulativeTsn: number;
  readonly streams: readonly { readonly streamId: number; readonly ssn: number }[];
}

/** RE-CONFIG (RFC 6525 §3.1): one or two parameters. */
export interface ReconfigChunk {
  readonly type: typeof ChunkType.RE_CONFIG;
  readonly params: readonly ReconfigParam[];
}

/** A chunk type we do not implement; its upper two bits say what to do (§3.2). */
export interface UnknownChunk {
  readonly type: number;
  readonly unknown: true;
  readonly flags: number;
  readonly value: Uint8Array;
  /** The whole chunk as received (header + value), for an Unrecognized Chunk Type cause. */
  readonly raw: Uint8Array;
}

export type Chunk =
  | DataChunk
  | InitChunk
  | SackChunk
  | HeartbeatChunk
  | AbortChunk
  | ShutdownChunk
  | ErrorChunk
  | CookieEchoChunk
  | EmptyChunk
  | ForwardTsnChunk
  | ReconfigChunk;

export type AnyChunk = Chunk | UnknownChunk;

export const isUnknown = (c: AnyChunk): c is UnknownChunk => 'unknown' in c;

/** Decode the value of one chunk. `buf[start..end)` is the value (after the 4-byte header). */
export function decodeChunkValue(type: number, flags: number, buf: Uint8Array, start: number, end: number, headerAt: number): AnyChunk {
  if (type === ChunkType.DATA && end - start > 12) {
    // Hot path: no reader object for the most common chunk.
    return {
      type,
      flags,
      tsn: readU32(buf, start),
      streamId: readU16(buf, start + 4),
      ssn: readU16(buf, start + 6),
      ppid: readU32(buf, start + 8),
      userData: buf.subarray(start + 12, end),
    };
  }
  const r = new ByteReader(buf, LAYER, start, end);
  switch (type) {
    case ChunkType.DATA: {
      const tsn = r.u32('data.tsn');
      const streamId = r.u16('data.streamId');
      const ssn = r.u16('data.ssn');
      const ppid = r.u32('data.ppid');
      if (r.remaining === 0) r.fail('data.userData', 'DATA chunk with no user data (RFC 9260 §6.2)');
      return { type, flags, tsn, streamId, ssn, ppid, userData: r.rest() };
    }
    case ChunkType.INIT:
    case ChunkType.INIT_ACK: {
      const initiateTag = r.u32('init.initiateTag');
      const aRwnd = r.u32('init.aRwnd');
      const outboundStreams = r.u16('init.outboundStreams');
      const inboundStreams = r.u16('init.inboundStreams');
      const initialTsn = r.u32('init.initialTsn');
      const params = readTlvs(r, 'init.param').map((t) => decodeInitParam(t, LAYER));
      return { type, initiateTag, aRwnd, outboundStreams, inboundStreams, initialTsn, params };
    }
    case ChunkType.SACK: {
      const cumulativeTsnAck = r.u32('sack.cumulativeTsnAck');
      const aRwnd = r.u32('sack.aRwnd');
      const nGaps = r.u16('sack.numberOfGapBlocks');
      const nDups = r.u16('sack.numberOfDuplicateTsns');
      const gapBlocks: GapBlock[] = new Array(nGaps);
      for (let i = 0; i < nGaps; i++) gapBlocks[i] = { start: r.u16('sack.gap.start'), end: r.u16('sack.gap.end') };
      const duplicateTsns: number[] = new Array(nDups);
      for (let i = 0; i < nDups; i++) duplicateTsns[i] = r.u32('sack.duplicateTsn');
      if (r.remaining) r.fail('sack', `${r.remaining} byte(s) after the listed gap blocks and duplicates`);
      return { type, cumulativeTsnAck, aRwnd, gapBlocks, duplicateTsns };
    }
    case ChunkType.HEARTBEAT:
    case ChunkType.HEARTBEAT_ACK: {
      const tlvs = readTlvs(r, 'heartbeat.param');
      const info = tlvs.find((t) => t.type === ParamType.HEARTBEAT_INFO);
      if (!info) return r.fail('heartbeat.info', 'no Heartbeat Info parameter', start);
      return { type, info: info.value };
    }
    case ChunkType.ABORT:
      return { type, tBit: (flags & 1) !== 0, causes: readTlvs(r, 'abort.cause').map(causeFromTlv) };
    case ChunkType.ERROR:
      return { type, causes: readTlvs(r, 'error.cause').map(causeFromTlv) };
    case ChunkType.SHUTDOWN: {
      const cumulativeTsnAck = r.u32('shutdown.cumulativeTsnAck');
      return { type, cumulativeTsnAck };
    }
    case ChunkType.COOKIE_ECHO:
      return { type, cookie: r.rest() };
    case ChunkType.SHUTDOWN_ACK:
    case ChunkType.COOKIE_ACK:
    case ChunkType.SHUTDOWN_COMPLETE:
      return { type, tBit: (flags & 1) !== 0 };
    case ChunkType.FORWARD_TSN: {
      const newCumulativeTsn = r.u32('forwardTsn.newCumulativeTsn');
      const streams: { streamId: number; ssn: number }[] = [];
      while (r.remaining > 0) streams.push({ streamId: r.u16('forwardTsn.streamId'), ssn: r.u16('forwardTsn.ssn') });
      return { type, newCumulativeTsn, streams };
    }
    case ChunkType.RE_CONFIG: {
      const params = readTlvs(r, 'reconfig.param').map((t) => decodeReconfigParam(t, LAYER));
      if (params.length < 1 || params.length > 2) r.fail('reconfig', `${params.length} parameters; RFC 6525 §3.1 allows 1 or 2`, start);
      return { type, params };
    }
    default:
      return { type, unknown: true, flags, value: buf.subarray(start, end), raw: buf.subarray(headerAt, end) };
  }
}

/** The chunk's flags byte as it goes on the wire. */
function flagsOf(c: AnyChunk): number {
  if (isUnknown(c)) return c.flags;
  switch (c.type) {
    case ChunkType.DATA:
      return c.flags;
    case ChunkType.ABORT:
    case ChunkType.SHUTDOWN_ACK:
    case ChunkType.COOKIE_ACK:
    case ChunkType.SHUTDOWN_COMPLETE:
      return c.tBit ? 1 : 0;
    default:
      return 0;
  }
}

/** Append one chunk (header, value, padding to 4 bytes) to `w`. */
export function writeChunk(w: ByteWriter, c: AnyChunk): void {
  const at = w.length;
  w.u8(c.type).u8(flagsOf(c)).u16(0);
  if (isUnknown(c)) w.bytes(c.value);
  else {
    switch (c.type) {
      case ChunkType.DATA:
        w.u32(c.tsn).u16(c.streamId).u16(c.ssn).u32(c.ppid).bytes(c.userData);
        break;
      case ChunkType.INIT:
      case ChunkType.INIT_ACK:
        w.u32(c.initiateTag).u32(c.aRwnd).u16(c.outboundStreams).u16(c.inboundStreams).u32(c.initialTsn);
        writeTlvs(w, c.params.map(initParamTlv), false);
        break;
      case ChunkType.SACK:
        w.u32(c.cumulativeTsnAck).u32(c.aRwnd).u16(c.gapBlocks.length).u16(c.duplicateTsns.length);
        for (const g of c.gapBlocks) w.u16(g.start).u16(g.end);
        for (const d of c.duplicateTsns) w.u32(d);
        break;
      case ChunkType.HEARTBEAT:
      case ChunkType.HEARTBEAT_ACK:
        writeTlvs(w, [{ type: ParamType.HEARTBEAT_INFO, value: c.info }], false);
        break;
      case ChunkType.ABORT:
      case ChunkType.ERROR:
        writeTlvs(w, c.causes.map(causeTlv), false);
        break;
      case ChunkType.SHUTDOWN:
        w.u32(c.cumulativeTsnAck);
        break;
      case ChunkType.COOKIE_ECHO:
        w.bytes(c.cookie);
        break;
      case ChunkType.SHUTDOWN_ACK:
      case ChunkType.COOKIE_ACK:
      case ChunkType.SHUTDOWN_COMPLETE:
        break;
      case ChunkType.FORWARD_TSN:
        w.u32(c.newCumulativeTsn);
        for (const s of c.streams) w.u16(s.streamId).u16(s.ssn);
        break;
      case ChunkType.RE_CONFIG:
        writeTlvs(w, c.params.map(reconfigParamTlv), false);
        break;
    }
  }
  const length = w.length - at;
  w.patchU16(at + 2, length);
  w.zeros(pad4(length) - length);
}

/** Encode one chunk on its own (with padding). */
export function encodeChunk(c: AnyChunk): Uint8Array {
  const w = new ByteWriter(64);
  writeChunk(w, c);
  return w.finish();
}
