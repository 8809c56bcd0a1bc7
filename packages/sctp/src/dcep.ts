import { ByteReader, ByteWriter, ParseError } from '@rtcstack/common';

/**
 * The Data Channel Establishment Protocol (RFC 8832 §5), carried with PPID 50 on the channel's
 * own stream.
 *
 * DATA_CHANNEL_OPEN (§5.1):
 *  +---------------+---------------+-------------------------------+
 *  | Type = 0x03   | Channel Type  |           Priority            |
 *  +---------------+---------------+-------------------------------+
 *  |                    Reliability Parameter                      |
 *  +-------------------------------+-------------------------------+
 *  |         Label Length          |       Protocol Length         |
 *  +-------------------------------+-------------------------------+
 *  |  Label (UTF-8) ...            |  Protocol (UTF-8) ...         |
 *
 * DATA_CHANNEL_ACK (§5.2) is the single byte 0x02.
 */
export const DcepType = { ACK: 0x02, OPEN: 0x03 } as const;

/** Channel types (§5.1): the 0x80 bit means unordered. */
export const ChannelType = {
  RELIABLE: 0x00,
  RELIABLE_UNORDERED: 0x80,
  PARTIAL_RELIABLE_REXMIT: 0x01,
  PARTIAL_RELIABLE_REXMIT_UNORDERED: 0x81,
  PARTIAL_RELIABLE_TIMED: 0x02,
  PARTIAL_RELIABLE_TIMED_UNORDERED: 0x82,
} as const;
export type ChannelTypeValue = (typeof ChannelType)[keyof typeof ChannelType];

export interface DcepOpen {
  readonly type: typeof DcepType.OPEN;
  readonly channelType: number;
  readonly priority: number;
  /** Retransmissions for REXMIT, milliseconds for TIMED, ignored (0) for RELIABLE. */
  readonly reliabilityParameter: number;
  readonly label: string;
  readonly protocol: string;
}

export interface DcepAck {
  readonly type: typeof DcepType.ACK;
}

export type DcepMessage = DcepOpen | DcepAck;

const LAYER = 'dcep';
const utf8 = new TextEncoder();

export function decodeDcep(buf: Uint8Array): DcepMessage {
  const r = new ByteReader(buf, LAYER);
  const type = r.u8('messageType');
  if (type === DcepType.ACK) {
    // §5.2 defines one byte; some stacks send four (three zero bytes of padding). Accept both.
    return { type: DcepType.ACK };
  }
  if (type !== DcepType.OPEN) throw new ParseError(LAYER, 'messageType', 0, `unknown DCEP message type 0x${type.toString(16)}`);
  const channelType = r.u8('channelType');
  const priority = r.u16('priority');
  const reliabilityParameter = r.u32('reliabilityParameter');
  const labelLength = r.u16('labelLength');
  const protocolLength = r.u16('protocolLength');
  const dec = new TextDecoder('utf-8', { fatal: true });
  const labelAt = r.offset;
  const labelBytes = r.bytes(labelLength, 'label');
  const protocolAt = r.offset;
  const protocolBytes = r.bytes(protocolLength, 'protocol');
  let label: string;
  let protocol: string;
  try {
    label = dec.decode(labelBytes);
  } catch {
    throw new ParseError(LAYER, 'label', labelAt, 'not valid UTF-8');
  }
  try {
    protocol = dec.decode(protocolBytes);
  } catch {
    throw new ParseError(LAYER, 'protocol', protocolAt, 'not valid UTF-8');
  }
  return { type: DcepType.OPEN, channelType, priority, reliabilityParameter, label, protocol };
}

export function encodeDcep(m: DcepMessage): Uint8Array {
  if (m.type === DcepType.ACK) return Uint8Array.of(DcepType.ACK);
  const label = utf8.encode(m.label);
  const protocol = utf8.encode(m.protocol);
  if (label.length > 0xffff || protocol.length > 0xffff) throw new RangeError('label/protocol longer than 65535 UTF-8 bytes');
  return new ByteWriter(12 + label.length + protocol.length)
    .u8(DcepType.OPEN)
    .u8(m.channelType)
    .u16(m.priority)
    .u32(m.reliabilityParameter)
    .u16(label.length)
    .u16(protocol.length)
    .bytes(label)
    .bytes(protocol)
    .finish();
}
