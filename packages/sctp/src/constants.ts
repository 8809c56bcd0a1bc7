/** Code-point tables (RFC 9260 §3.2, §3.3.10; RFC 3758 §3; RFC 6525 §3-4; RFC 8831/8832). */

/** Chunk types (RFC 9260 §3.2, RFC 3758 §3.2, RFC 6525 §3.1). */
export const ChunkType = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  SHUTDOWN_COMPLETE: 14,
  RE_CONFIG: 130,
  FORWARD_TSN: 192,
} as const;
export type ChunkTypeName = keyof typeof ChunkType;
export const chunkTypeName = (t: number): string =>
  (Object.keys(ChunkType) as ChunkTypeName[]).find((k) => ChunkType[k] === t) ?? `UNKNOWN(${t})`;

/** INIT / INIT ACK / HEARTBEAT parameter types (RFC 9260 §3.3.2-3.3.3, RFC 3758 §3.1, RFC 5061, RFC 4895). */
export const ParamType = {
  HEARTBEAT_INFO: 1,
  IPV4_ADDRESS: 5,
  IPV6_ADDRESS: 6,
  STATE_COOKIE: 7,
  UNRECOGNIZED_PARAMETER: 8,
  COOKIE_PRESERVATIVE: 9,
  HOST_NAME_ADDRESS: 11,
  SUPPORTED_ADDRESS_TYPES: 12,
  ECN_CAPABLE: 0x8000,
  RANDOM: 0x8002,
  CHUNK_LIST: 0x8003,
  REQUESTED_HMAC_ALGORITHM: 0x8004,
  PADDING: 0x8005,
  SUPPORTED_EXTENSIONS: 0x8008,
  FORWARD_TSN_SUPPORTED: 0xc000,
  /** RFC 9653 §4: Zero Checksum Acceptable, value = Error Detection Method Identifier. */
  ZERO_CHECKSUM_ACCEPTABLE: 0x8001,
} as const;

/** RE-CONFIG parameter types (RFC 6525 §4). */
export const ReconfigParamType = {
  OUTGOING_SSN_RESET_REQUEST: 13,
  INCOMING_SSN_RESET_REQUEST: 14,
  SSN_TSN_RESET_REQUEST: 15,
  RECONFIGURATION_RESPONSE: 16,
  ADD_OUTGOING_STREAMS_REQUEST: 17,
  ADD_INCOMING_STREAMS_REQUEST: 18,
} as const;

/** Re-configuration Response results (RFC 6525 §4.4). */
export const ReconfigResult = {
  SUCCESS_NOTHING_TO_DO: 0,
  SUCCESS_PERFORMED: 1,
  DENIED: 2,
  ERROR_WRONG_SSN: 3,
  ERROR_REQUEST_ALREADY_IN_PROGRESS: 4,
  ERROR_BAD_SEQUENCE_NUMBER: 5,
  IN_PROGRESS: 6,
} as const;

/** Error cause codes (RFC 9260 §3.3.10, RFC 6525 none). */
export const CauseCode = {
  INVALID_STREAM_IDENTIFIER: 1,
  MISSING_MANDATORY_PARAMETER: 2,
  STALE_COOKIE_ERROR: 3,
  OUT_OF_RESOURCE: 4,
  UNRESOLVABLE_ADDRESS: 5,
  UNRECOGNIZED_CHUNK_TYPE: 6,
  INVALID_MANDATORY_PARAMETER: 7,
  UNRECOGNIZED_PARAMETERS: 8,
  NO_USER_DATA: 9,
  COOKIE_RECEIVED_WHILE_SHUTTING_DOWN: 10,
  RESTART_WITH_NEW_ADDRESSES: 11,
  USER_INITIATED_ABORT: 12,
  PROTOCOL_VIOLATION: 13,
} as const;
export type CauseName = keyof typeof CauseCode;
export const causeName = (c: number): string =>
  (Object.keys(CauseCode) as CauseName[]).find((k) => CauseCode[k] === c) ?? `UNKNOWN(${c})`;

/** Payload protocol identifiers used by WebRTC data channels (RFC 8831 §8, RFC 8832 §8.1). */
export const Ppid = {
  DCEP: 50,
  STRING: 51,
  BINARY_PARTIAL: 52,
  BINARY: 53,
  STRING_PARTIAL: 54,
  STRING_EMPTY: 56,
  BINARY_EMPTY: 57,
} as const;

/** RFC 9653 §6: error detection method 1 is "SCTP over DTLS" (RFC 8261). */
export const EDMID_DTLS = 1;

/** DATA chunk flags (RFC 9260 §3.3.1, RFC 7053 I bit). */
export const DataFlag = { END: 1, BEGINNING: 2, UNORDERED: 4, IMMEDIATE: 8 } as const;

/** Common header (12) and DATA chunk header (16) sizes. */
export const COMMON_HEADER_SIZE = 12;
export const DATA_CHUNK_HEADER_SIZE = 16;
