/**
 * Building a message in one call: typed attributes, then MESSAGE-INTEGRITY(-SHA256), then
 * FINGERPRINT, in the order RFC 8489 §14.5-§14.7 requires.
 *
 *   buildMessage({
 *     class: 'request', method: Method.Binding, transactionId,
 *     attributes: [attr('USERNAME', 'a:b'), attr('PRIORITY', 1853824767)],
 *     integrity: shortTermKey('pass'), fingerprint: true,
 *   })
 */
import { cryptoRandom, type RandomSource } from '@rtcstack/common';
import { TRANSACTION_ID_LENGTH, type AttributeName, type MessageClassName } from './constants.ts';
import { encodeAttribute, type AttributeValues } from './attributes.ts';
import { appendFingerprint } from './fingerprint.ts';
import { appendMessageIntegrity, appendMessageIntegritySha256 } from './integrity.ts';
import { encodeMessage, type StunAttribute, type StunMessage } from './message.ts';

/** A typed attribute waiting to be encoded (XOR-ed addresses need the transaction id). */
export type TypedAttribute = { [N in AttributeName]: { readonly name: N; readonly value: AttributeValues[N] } }[AttributeName];

export function attr<N extends AttributeName>(name: N, value: AttributeValues[N]): TypedAttribute {
  return { name, value } as TypedAttribute;
}

export interface MessageSpec {
  readonly class: MessageClassName;
  readonly method: number;
  readonly transactionId: Uint8Array;
  /** Typed (`attr(...)`) or raw (`{ type, value }`) attributes, in wire order. */
  readonly attributes?: readonly (TypedAttribute | StunAttribute)[];
  /** Key for MESSAGE-INTEGRITY (HMAC-SHA1). */
  readonly integrity?: Uint8Array;
  /** Key for MESSAGE-INTEGRITY-SHA256 (after MESSAGE-INTEGRITY when both are given). */
  readonly integritySha256?: Uint8Array;
  /** Append FINGERPRINT last. */
  readonly fingerprint?: boolean;
  /** Only for answering RFC 3489 clients: their 4 bytes in the cookie position. */
  readonly magicCookie?: number;
}

export function buildMessage(spec: MessageSpec): Uint8Array {
  const ctx = { transactionId: spec.transactionId, magicCookie: spec.magicCookie };
  const attributes = (spec.attributes ?? []).map((a) =>
    // TypeScript cannot correlate `name` and `value` across the union; attr() guaranteed it.
    'name' in a ? encodeAttribute(a.name, a.value as never, ctx) : a,
  );
  let bytes = encodeMessage({ ...spec, attributes });
  if (spec.integrity) bytes = appendMessageIntegrity(bytes, spec.integrity);
  if (spec.integritySha256) bytes = appendMessageIntegritySha256(bytes, spec.integritySha256);
  if (spec.fingerprint) bytes = appendFingerprint(bytes);
  return bytes;
}

/** A fresh 96-bit transaction id (RFC 8489 §6: uniformly random). */
export function newTransactionId(random: RandomSource = cryptoRandom): Uint8Array {
  return random(TRANSACTION_ID_LENGTH);
}

export interface ResponseSpec {
  readonly attributes?: readonly (TypedAttribute | StunAttribute)[];
  readonly integrity?: Uint8Array;
  readonly integritySha256?: Uint8Array;
  readonly fingerprint?: boolean;
}

/**
 * A response to `request`: same method and transaction id (and, for RFC 3489 requests, the same
 * cookie bytes), class success or error (RFC 8489 §6.3.1.1, §6.3.1.2).
 */
export function buildResponse(request: StunMessage, cls: 'success' | 'error', spec: ResponseSpec = {}): Uint8Array {
  return buildMessage({ ...spec, class: cls, method: request.method, transactionId: request.transactionId, magicCookie: request.magicCookie });
}
