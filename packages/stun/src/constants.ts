/**
 * The numbers of STUN and TURN: header constants, classes, methods, attribute types, error codes.
 * Tables are `as const` so the names become types (see `AttributeName`, `MethodName`).
 *
 * Registries: RFC 8489 §18 (STUN), RFC 8656 §18 (TURN), RFC 8445 §16.1 (ICE attributes).
 */

/** RFC 8489 §5: the fixed value in bytes 4..7 of every RFC 5389/8489 message. */
export const MAGIC_COOKIE = 0x2112a442;

/** RFC 8489 §5: type(2) + length(2) + magic cookie(4) + transaction id(12). */
export const HEADER_LENGTH = 20;

/** RFC 8489 §5: 96 bits. */
export const TRANSACTION_ID_LENGTH = 12;

/** RFC 8489 §14.7: FINGERPRINT = CRC-32(message) XOR this ("STUN" in ASCII). */
export const FINGERPRINT_XOR = 0x5354554e;

/**
 * RFC 8489 §5: the two class bits C1 C0, spread over the message type (see encodeMessageType in message.ts).
 */
export const MessageClass = {
  request: 0b00,
  indication: 0b01,
  success: 0b10,
  error: 0b11,
} as const;
export type MessageClassName = keyof typeof MessageClass;

/** RFC 8489 §18.2 (Binding) and RFC 8656 §18.1 (TURN methods). 12 bits. */
export const Method = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;
export type MethodName = keyof typeof Method;

/** The name of a known method, or `0x0ab` style hex for others (for printing). */
export function methodName(method: number): string {
  for (const [name, value] of Object.entries(Method)) if (value === method) return name;
  return `0x${method.toString(16).padStart(3, '0')}`;
}

/**
 * Attribute types. 0x0000-0x7FFF are comprehension-required: a receiver that does not know one
 * must reject the request (420). 0x8000-0xFFFF are comprehension-optional: ignore if unknown
 * (RFC 8489 §14).
 */
export const AttributeType = {
  // RFC 8489 §18.3.1 (comprehension-required)
  MAPPED_ADDRESS: 0x0001,
  /** RFC 5780 §7.2; RFC 3489 clients (Debian's `stun`) always send it. */
  CHANGE_REQUEST: 0x0003,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  REALM: 0x0014,
  NONCE: 0x0015,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  USERHASH: 0x001e,
  XOR_MAPPED_ADDRESS: 0x0020,
  // RFC 8656 §18.2 (TURN, comprehension-required)
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  RESERVATION_TOKEN: 0x0022,
  // RFC 8445 §16.1 (ICE, comprehension-required)
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  // RFC 8489 §18.3.2 (comprehension-optional)
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  // RFC 8445 §16.1 (ICE, comprehension-optional)
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;
export type AttributeName = keyof typeof AttributeType;

const attributeNames = new Map<number, AttributeName>(
  (Object.entries(AttributeType) as [AttributeName, number][]).map(([n, t]) => [t, n]),
);

/** The table key of a known attribute type, e.g. 0x0020 -> 'XOR_MAPPED_ADDRESS'. */
export function attributeKey(type: number): AttributeName | undefined {
  return attributeNames.get(type);
}

/** The RFC name of a known attribute type, e.g. 0x0020 -> "XOR-MAPPED-ADDRESS". */
export function attributeName(type: number): string | undefined {
  return attributeNames.get(type)?.replace(/_/g, '-');
}

export function isKnownAttribute(type: number): boolean {
  return attributeNames.has(type);
}

/** RFC 8489 §14: types below 0x8000 must be understood by the receiver. */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

/** Error codes: RFC 8489 §14.8, RFC 8656 §18.3, RFC 8445 §16.1 (487). */
export const ErrorCode = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  UnknownAttribute: 420,
  AllocationMismatch: 437,
  StaleNonce: 438,
  AddressFamilyNotSupported: 440,
  WrongCredentials: 441,
  UnsupportedTransportProtocol: 442,
  PeerAddressFamilyMismatch: 443,
  AllocationQuotaReached: 486,
  RoleConflict: 487,
  ServerError: 500,
  InsufficientCapacity: 508,
} as const;

/** Suggested reason phrases (RFC 8489 §14.8 gives them; any UTF-8 text is allowed). */
export const errorReason: Readonly<Record<number, string>> = {
  300: 'Try Alternate',
  400: 'Bad Request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  420: 'Unknown Attribute',
  437: 'Allocation Mismatch',
  438: 'Stale Nonce',
  440: 'Address Family not Supported',
  441: 'Wrong Credentials',
  442: 'Unsupported Transport Protocol',
  443: 'Peer Address Family Mismatch',
  486: 'Allocation Quota Reached',
  487: 'Role Conflict',
  500: 'Server Error',
  508: 'Insufficient Capacity',
};

/** RFC 8489 §18.5: PASSWORD-ALGORITHM(S) values. */
export const PasswordAlgorithm = {
  MD5: 0x0001,
  SHA256: 0x0002,
} as const;
export type PasswordAlgorithmName = keyof typeof PasswordAlgorithm;

/** RFC 8489 §14.1 / §14.2: address family byte of (XOR-)MAPPED-ADDRESS. */
export const AddressFamilyCode = { IPv4: 0x01, IPv6: 0x02 } as const;

/** RFC 8656 §14.7: REQUESTED-TRANSPORT carries an IP protocol number; TURN allows UDP. */
export const TransportProtocol = { UDP: 17, TCP: 6 } as const;

/** RFC 8656 §12: channel numbers 0x4000 through 0x4FFF. */
export const CHANNEL_NUMBER_MIN = 0x4000;
export const CHANNEL_NUMBER_MAX = 0x4fff;
