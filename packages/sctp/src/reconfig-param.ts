import { ByteReader, ByteWriter } from '@rtcstack/common';
import { ReconfigParamType } from './constants.ts';
import type { Tlv } from './tlv.ts';

/** RE-CONFIG chunk parameters (RFC 6525 §4.1-4.6). */
export type ReconfigParam =
  | {
      /** §4.1: "I will reset these outgoing streams after TSN senderLastTsn". */
      readonly kind: 'outgoingSsnReset';
      readonly requestSeq: number;
      readonly responseSeq: number;
      readonly senderLastTsn: number;
      readonly streamIds: readonly number[];
    }
  | { readonly kind: 'incomingSsnReset'; readonly requestSeq: number; readonly streamIds: readonly number[] }
  | { readonly kind: 'ssnTsnReset'; readonly requestSeq: number }
  | {
      readonly kind: 'response';
      readonly responseSeq: number;
      readonly result: number;
      readonly senderNextTsn?: number;
      readonly receiverNextTsn?: number;
    }
  | { readonly kind: 'addOutgoingStreams'; readonly requestSeq: number; readonly newStreams: number }
  | { readonly kind: 'addIncomingStreams'; readonly requestSeq: number; readonly newStreams: number }
  | { readonly kind: 'raw'; readonly type: number; readonly value: Uint8Array };

function streamList(r: ByteReader): number[] {
  const ids: number[] = [];
  if (r.remaining % 2) r.fail('reconfig.streamIds', 'odd number of bytes in the stream list');
  while (r.remaining >= 2) ids.push(r.u16('reconfig.streamId'));
  return ids;
}

export function decodeReconfigParam(t: Tlv, layer: string): ReconfigParam {
  const r = new ByteReader(t.value, layer);
  switch (t.type) {
    case ReconfigParamType.OUTGOING_SSN_RESET_REQUEST: {
      const requestSeq = r.u32('reconfig.requestSeq');
      const responseSeq = r.u32('reconfig.responseSeq');
      const senderLastTsn = r.u32('reconfig.senderLastTsn');
      return { kind: 'outgoingSsnReset', requestSeq, responseSeq, senderLastTsn, streamIds: streamList(r) };
    }
    case ReconfigParamType.INCOMING_SSN_RESET_REQUEST: {
      const requestSeq = r.u32('reconfig.requestSeq');
      return { kind: 'incomingSsnReset', requestSeq, streamIds: streamList(r) };
    }
    case ReconfigParamType.SSN_TSN_RESET_REQUEST:
      return { kind: 'ssnTsnReset', requestSeq: r.u32('reconfig.requestSeq') };
    case ReconfigParamType.RECONFIGURATION_RESPONSE: {
      const responseSeq = r.u32('reconfig.responseSeq');
      const result = r.u32('reconfig.result');
      if (r.remaining === 0) return { kind: 'response', responseSeq, result };
      const senderNextTsn = r.u32('reconfig.senderNextTsn');
      const receiverNextTsn = r.u32('reconfig.receiverNextTsn');
      return { kind: 'response', responseSeq, result, senderNextTsn, receiverNextTsn };
    }
    case ReconfigParamType.ADD_OUTGOING_STREAMS_REQUEST:
    case ReconfigParamType.ADD_INCOMING_STREAMS_REQUEST: {
      const requestSeq = r.u32('reconfig.requestSeq');
      const newStreams = r.u16('reconfig.newStreams');
      r.skip(2, 'reconfig.reserved');
      const kind = t.type === ReconfigParamType.ADD_OUTGOING_STREAMS_REQUEST ? 'addOutgoingStreams' : 'addIncomingStreams';
      return { kind, requestSeq, newStreams };
    }
    default:
      return { kind: 'raw', type: t.type, value: t.value };
  }
}

export function reconfigParamTlv(p: ReconfigParam): { type: number; value: Uint8Array } {
  const w = new ByteWriter(32);
  switch (p.kind) {
    case 'outgoingSsnReset':
      w.u32(p.requestSeq).u32(p.responseSeq).u32(p.senderLastTsn);
      for (const s of p.streamIds) w.u16(s);
      return { type: ReconfigParamType.OUTGOING_SSN_RESET_REQUEST, value: w.finish() };
    case 'incomingSsnReset':
      w.u32(p.requestSeq);
      for (const s of p.streamIds) w.u16(s);
      return { type: ReconfigParamType.INCOMING_SSN_RESET_REQUEST, value: w.finish() };
    case 'ssnTsnReset':
      return { type: ReconfigParamType.SSN_TSN_RESET_REQUEST, value: w.u32(p.requestSeq).finish() };
    case 'response':
      w.u32(p.responseSeq).u32(p.result);
      if (p.senderNextTsn !== undefined) w.u32(p.senderNextTsn).u32(p.receiverNextTsn ?? 0);
      return { type: ReconfigParamType.RECONFIGURATION_RESPONSE, value: w.finish() };
    case 'addOutgoingStreams':
    case 'addIncomingStreams':
      w.u32(p.requestSeq).u16(p.newStreams).u16(0);
      return {
        type:
          p.kind === 'addOutgoingStreams'
            ? ReconfigParamType.ADD_OUTGOING_STREAMS_REQUEST
            : ReconfigParamType.ADD_INCOMING_STREAMS_REQUEST,
        value: w.finish(),
      };
    case 'raw':
      return { type: p.type, value: p.value };
  }
}
