/**
 * A STUN Binding server, sans-IO (RFC 8489 §6.3, §12).
 *
 * For every Binding request it answers with the request's source transport address: in
 * XOR-MAPPED-ADDRESS for RFC 5389/8489 clients, in MAPPED-ADDRESS for RFC 3489 clients (no magic
 * cookie, §12), plus SOFTWARE and FINGERPRINT. Errors: 400 for malformed attributes or unsupported
 * methods, 420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes, 401 when
 * short-term credentials are configured and the request does not authenticate (§9.1.3).
 * Datagrams that are not STUN, fail FINGERPRINT, or are not requests are dropped and counted.
 */
import { ParseError, type Datagram } from '@rtcstack/common';
import { AttributeType, MAGIC_COOKIE, Method, attributeKey, errorReason, type AttributeName } from './constants.ts';
import { decodeAttribute, getAttribute, unknownComprehensionRequired, type AttributeValues } from './attributes.ts';
import { attr, buildResponse, type TypedAttribute } from './build.ts';
import { verifyFingerprint } from './fingerprint.ts';
import { verifyIntegrity } from './integrity.ts';
import { decodeMessage, type DecodedMessage } from './message.ts';

export interface BindingServerOptions {
  /** SOFTWARE attribute value; empty string to omit. Default "rtcstack". */
  readonly software?: string;
  /** Add FINGERPRINT to RFC 5389/8489 responses. Default true. */
  readonly fingerprint?: boolean;
  /** Also add MAPPED-ADDRESS to RFC 5389/8489 responses. Default false. */
  readonly mappedAddress?: boolean;
  /**
   * Short-term credentials (RFC 8489 §9.1): the key for a USERNAME, or undefined if unknown.
   * When set, every request must carry USERNAME and a valid MESSAGE-INTEGRITY(-SHA256).
   */
  readonly shortTermKey?: (username: string) => Uint8Array | undefined;
}

export interface BindingServerStats {
  received: number;
  /** Success responses sent. */
  answered: number;
  /** Error responses sent, by code. */
  errors: Record<number, number>;
  /** Not STUN (ParseError). */
  malformed: number;
  badFingerprint: number;
  /** Responses and unknown classes: nothing to answer. */
  notRequest: number;
  /** Binding indications (keepalives): nothing to answer. */
  indications: number;
}

export class BindingServer {
  readonly stats: BindingServerStats = {
    received: 0,
    answered: 0,
    errors: {},
    malformed: 0,
    badFingerprint: 0,
    notRequest: 0,
    indications: 0,
  };
  private readonly outputs: Datagram[] = [];
  private readonly software: string;
  private readonly fingerprint: boolean;

  constructor(private readonly options: BindingServerOptions = {}) {
    this.software = options.software ?? 'rtcstack';
    this.fingerprint = options.fingerprint ?? true;
  }

  handleInput(_now: number, datagram: Datagram): void {
    this.stats.received++;
    let msg: DecodedMessage;
    try {
      msg = decodeMessage(datagram.data, { allowRfc3489: true });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.stats.malformed++;
      return;
    }
    if (verifyFingerprint(msg) === 'invalid') {
      this.stats.badFingerprint++;
      return;
    }
    if (msg.class === 'indication') {
      this.stats.indications++;
      return;
    }
    if (msg.class !== 'request') {
      this.stats.notRequest++;
      return;
    }
    const reply = this.answer(msg, datagram);
    this.outputs.push({ data: reply, remote: datagram.remote, local: datagram.local });
  }

  handleTimeout(_now: number): void {
    // Stateless: nothing to do.
  }

  pollOutput(): Datagram | undefined {
    return this.outputs.shift();
  }

  nextTimeout(): number | undefined {
    return undefined;
  }

  private answer(req: DecodedMessage, datagram: Datagram): Uint8Array {
    const legacy = req.magicCookie !== MAGIC_COOKIE; // an RFC 3489 client (§12)

    // §9.1.3 first: with short-term credentials the request must authenticate. Answers to an
    // authenticated request carry MESSAGE-INTEGRITY under the same key, errors included.
    let key: Uint8Array | undefined;
    if (this.options.shortTermKey) {
      const username = this.tryGet(req, 'USERNAME');
      const hasIntegrity = req.attributes.some(
        (a) => a.type === AttributeType.MESSAGE_INTEGRITY || a.type === AttributeType.MESSAGE_INTEGRITY_SHA256,
      );
      if (username === undefined || !hasIntegrity) return this.error(req, 400, [], 'Bad Request: USERNAME and MESSAGE-INTEGRITY required');
      key = this.options.shortTermKey(username);
      if (!key || verifyIntegrity(req, key) !== 'valid') return this.error(req, 401);
    }

    // §6.3.1: then unknown comprehension-required attributes -> 420 listing them.
    const unknown = unknownComprehensionRequired(req);
    const change = this.tryGet(req, 'CHANGE_REQUEST');
    if (change && (change.changeIp || change.changePort)) unknown.push(AttributeType.CHANGE_REQUEST); // RFC 5780 not offered
    if (unknown.length > 0) {
      // RFC 3489 §11.2.8 wanted an even count (repeat one); RFC 5389+ pads instead.
      if (legacy && unknown.length % 2 === 1) unknown.push(unknown[0]);
      return this.error(req, 420, [attr('UNKNOWN_ATTRIBUTES', unknown)], undefined, key);
    }

    // Every known attribute must be well-formed, and only Binding is served: else 400.
    const malformed = firstMalformed(req);
    if (malformed) return this.error(req, 400, [], `Bad Request: ${malformed}`, key);
    if (req.method !== Method.Binding) return this.error(req, 400, [], 'Bad Request: only Binding is served here', key);

    const address = { address: datagram.remote.address, port: datagram.remote.port };
    const attributes: TypedAttribute[] = legacy
      ? [attr('MAPPED_ADDRESS', address)]
      : [attr('XOR_MAPPED_ADDRESS', address), ...(this.options.mappedAddress ? [attr('MAPPED_ADDRESS', address)] : [])];
    if (this.software) attributes.push(attr('SOFTWARE', this.software));
    this.stats.answered++;
    return buildResponse(req, 'success', { attributes, integrity: key, fingerprint: this.fingerprint && !legacy });
  }

  private error(req: DecodedMessage, code: number, extra: TypedAttribute[] = [], reason?: string, key?: Uint8Array): Uint8Array {
    this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
    const attributes: TypedAttribute[] = [attr('ERROR_CODE', { code, reason: reason ?? errorReason[code] ?? 'Error' }), ...extra];
    if (this.software) attributes.push(attr('SOFTWARE', this.software));
    return buildResponse(req, 'error', { attributes, integrity: key, fingerprint: this.fingerprint && req.magicCookie === MAGIC_COOKIE });
  }

  private tryGet<N extends AttributeName>(msg: DecodedMessage, name: N): AttributeValues[N] | undefined {
    try {
      return getAttribute(msg, name);
    } catch (e) {
      if (e instanceof ParseError) return undefined;
      throw e;
    }
  }
}

/** The first known attribute whose value does not decode, as a short description. */
function firstMalformed(msg: DecodedMessage): string | undefined {
  for (const a of msg.attributes) {
    const name = attributeKey(a.type);
    if (!name) continue;
    try {
      decodeAttribute(name, a, msg, a.offset);
    } catch (e) {
      if (e instanceof ParseError) return `${e.field} at offset ${e.offset}`;
      throw e;
    }
  }
  return undefined;
}
