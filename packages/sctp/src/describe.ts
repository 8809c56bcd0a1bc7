import { toHex } from '@rtcstack/common';
import { ChunkType, chunkTypeName, DataFlag } from './constants.ts';
import { isUnknown, type AnyChunk } from './chunk.ts';
import { describeCause } from './cause.ts';
import type { InitParam } from './param.ts';
import type { ReconfigParam } from './reconfig-param.ts';

function param(p: InitParam): string {
  switch (p.kind) {
    case 'stateCookie':
      return `StateCookie(${p.cookie.length} B)`;
    case 'supportedExtensions':
      return `SupportedExtensions[${p.chunkTypes.map(chunkTypeName).join(',')}]`;
    case 'forwardTsnSupported':
      return 'ForwardTSNSupported';
    case 'cookiePreservative':
      return `CookiePreservative(${p.incrementMs} ms)`;
    case 'unrecognizedParameter':
      return `UnrecognizedParameter(${toHex(p.parameter.subarray(0, 4))})`;
    case 'raw':
      return `param 0x${p.type.toString(16)}(${p.value.length} B)`;
  }
}

function reconfig(p: ReconfigParam): string {
  switch (p.kind) {
    case 'outgoingSsnReset':
      return `OutgoingSSNReset req=${p.requestSeq} lastTSN=${p.senderLastTsn} streams=[${p.streamIds.join(',')}]`;
    case 'response':
      return `Response req=${p.responseSeq} result=${p.result}`;
    default:
      return p.kind;
  }
}

/** One line per chunk, for labs and traces. */
export function describeChunk(c: AnyChunk): string {
  if (isUnknown(c)) return `UNKNOWN type=0x${c.type.toString(16)} (${c.value.length} B)`;
  switch (c.type) {
    case ChunkType.DATA: {
      const f = [c.flags & DataFlag.UNORDERED ? 'U' : '', c.flags & DataFlag.BEGINNING ? 'B' : '', c.flags & DataFlag.END ? 'E' : ''].join('');
      return `DATA tsn=${c.tsn} stream=${c.streamId} ssn=${c.ssn} ppid=${c.ppid} [${f}] ${c.userData.length} B`;
    }
    case ChunkType.INIT:
    case ChunkType.INIT_ACK:
      return `${chunkTypeName(c.type)} tag=0x${c.initiateTag.toString(16)} a_rwnd=${c.aRwnd} OS=${c.outboundStreams} MIS=${c.inboundStreams} initialTSN=${c.initialTsn} ${c.params.map(param).join(' ')}`;
    case ChunkType.SACK:
      return `SACK cumTSN=${c.cumulativeTsnAck} a_rwnd=${c.aRwnd}${c.gapBlocks.length ? ' gaps=' + c.gapBlocks.map((g) => `${g.start}-${g.end}`).join(',') : ''}${c.duplicateTsns.length ? ' dups=' + c.duplicateTsns.join(',') : ''}`;
    case ChunkType.HEARTBEAT:
    case ChunkType.HEARTBEAT_ACK:
      return `${chunkTypeName(c.type)} info=${c.info.length} B`;
    case ChunkType.ABORT:
      return `ABORT${c.tBit ? ' T' : ''} ${c.causes.map(describeCause).join('; ')}`;
    case ChunkType.ERROR:
      return `ERROR ${c.causes.map(describeCause).join('; ')}`;
    case ChunkType.SHUTDOWN:
      return `SHUTDOWN cumTSN=${c.cumulativeTsnAck}`;
    case ChunkType.COOKIE_ECHO:
      return `COOKIE_ECHO cookie=${c.cookie.length} B`;
    case ChunkType.FORWARD_TSN:
      return `FORWARD_TSN newCumTSN=${c.newCumulativeTsn}${c.streams.length ? ' skip=' + c.streams.map((s) => `${s.streamId}:${s.ssn}`).join(',') : ''}`;
    case ChunkType.RE_CONFIG:
      return `RE_CONFIG ${c.params.map(reconfig).join(' + ')}`;
    default:
      return `${chunkTypeName(c.type)}${'tBit' in c && c.tBit ? ' T' : ''}`;
  }
}
