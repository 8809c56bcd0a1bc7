/**
 * The errors webrtc-pc names (W3C webrtc-pc §4.4, WebIDL §2.8): DOMException with a name such as
 * InvalidStateError, plus plain TypeError for bad arguments. Node has a global DOMException, so
 * `e instanceof DOMException` and `e.name` behave as in a browser.
 */
export const DOM_ERROR_NAMES = [
  'InvalidStateError',
  'InvalidAccessError',
  'InvalidModificationError',
  'OperationError',
  'NotSupportedError',
  'SyntaxError',
  'InvalidCharacterError',
  'TypeError',
] as const;
export type DomErrorName = (typeof DOM_ERROR_NAMES)[number];

/** A DOMException (or TypeError) with the spec's name. */
export function domError(name: DomErrorName, message: string): Error {
  if (name === 'TypeError') return new TypeError(message);
  return new DOMException(message, name) as unknown as Error;
}

export const invalidState = (m: string): Error => domError('InvalidStateError', m);
export const invalidAccess = (m: string): Error => domError('InvalidAccessError', m);
export const operationError = (m: string): Error => domError('OperationError', m);

/** RTCError's errorDetail values we raise (webrtc-pc §11.1 RTCErrorDetailType). */
export type RTCErrorDetailType = 'sdp-syntax-error' | 'data-channel-failure' | 'dtls-failure';

/**
 * RTCError (webrtc-pc §11.1): a DOMException named OperationError with an errorDetail; for
 * 'sdp-syntax-error', sdpLineNumber is the line where parsing failed.
 */
export class RTCError extends DOMException {
  readonly errorDetail: RTCErrorDetailType;
  readonly sdpLineNumber: number | null;
  constructor(init: { errorDetail: RTCErrorDetailType; sdpLineNumber?: number }, message: string) {
    super(message, 'OperationError');
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
  }
}
