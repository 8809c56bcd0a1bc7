/**
 * One error model for every decoder in the stack (see shared/DESIGN.md, "Codecs and errors").
 *
 * A decoder either returns a typed value or throws a ParseError that names the layer, the field
 * it was reading and the byte offset where the problem is. Cores catch ParseError, drop the
 * datagram, count it and carry on: a ParseError must never escape a socket handler.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    /** Which protocol layer was decoding: 'stun', 'sdp', 'dtls', ... */
    readonly layer: string,
    /** The field being read when the input turned out to be bad, e.g. 'header.length'. */
    readonly field: string,
    /** Byte offset (or, for text formats, line number) where the problem was found. */
    readonly offset: number,
    /** Human-readable reason. */
    readonly reason: string,
  ) {
    super(`${layer}: ${field} at offset ${offset}: ${reason}`);
  }
}

export function isParseError(e: unknown): e is ParseError {
  return e instanceof ParseError;
}

/** Throws a ParseError; typed `never` so it can end an expression. */
export function parseFail(layer: string, field: string, offset: number, reason: string): never {
  throw new ParseError(layer, field, offset, reason);
}
