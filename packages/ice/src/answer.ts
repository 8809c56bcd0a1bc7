/**
 * Answering connectivity checks (RFC 8445 §7.3): validating and authenticating the Binding
 * request (RFC 8489 §9.1.3, §7.3 mandatory attributes), role conflicts (§7.3.1.1), the success
 * response (§7.3.1.2), peer-reflexive remote candidates (§7.3.1.3). Triggered checks
 * (§7.3.1.4) and USE-CANDIDATE (§7.3.1.5) change the checklist, so the agent applies those.
 */
import { ParseError, type Address } from '@rtcstack/common';
import {
  Method,
  attr,
  buildMessage,
  errorReason,
  getAttribute,
  hasAttribute,
  shortTermKey,
  unknownComprehensionRequired,
  verifyMessageIntegrity,
  type DecodedMessage,
  type TypedAttribute,
} from '@rtcstack/stun';
import { COMPONENT_RTP, type IceCandidate } from './candidate.ts';
import type { IceCredentials } from './credentials.ts';

/** An authenticated check: whose generation it belongs to and what it asks. */
export interface AcceptedCheck {
  readonly ok: true;
  readonly creds: IceCredentials;
  readonly key: Uint8Array;
  readonly priority: number;
  readonly controlling: bigint | undefined;
  readonly controlled: bigint | undefined;
  readonly useCandidate: boolean;
}

/** A rejected check: the error response to send and the statistic that counts it. */
export interface RejectedCheck {
  readonly ok: false;
  readonly stat: 'badRequest' | 'unauthenticated' | 'unknownAttributes';
  readonly code: 400 | 401 | 420;
  /** Integrity key for the error response (only once the request is authenticated). */
  readonly key: Uint8Array | undefined;
  readonly extra: readonly TypedAttribute[];
}

function reject(stat: RejectedCheck['stat'], code: RejectedCheck['code'], key?: Uint8Array, extra: readonly TypedAttribute[] = []): RejectedCheck {
  return { ok: false, stat, code, key, extra };
}

/**
 * §7.3 / §7.2.2: USERNAME is "our ufrag:their ufrag"; the key is our password of that
 * generation (the current one, or the previous one still answered after a restart, §9).
 */
export function acceptCheck(req: DecodedMessage, current: IceCredentials, previous: IceCredentials | undefined): AcceptedCheck | RejectedCheck {
  let username: string | undefined;
  let priority: number | undefined;
  let controlling: bigint | undefined;
  let controlled: bigint | undefined;
  let useCandidate = false;
  try {
    username = getAttribute(req, 'USERNAME');
    priority = getAttribute(req, 'PRIORITY');
    controlling = getAttribute(req, 'ICE_CONTROLLING');
    controlled = getAttribute(req, 'ICE_CONTROLLED');
    useCandidate = hasAttribute(req, 'USE_CANDIDATE');
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return reject('badRequest', 400);
  }
  // RFC 8489 §9.1.3: without USERNAME or MESSAGE-INTEGRITY → 400.
  if (username === undefined || !hasAttribute(req, 'MESSAGE_INTEGRITY')) return reject('badRequest', 400);
  // Without the colon and both parts it is no valid username (RFC 8489 §9.1.3: 401).
  const colon = username.indexOf(':');
  const ours = colon > 0 && colon < username.length - 1 ? username.slice(0, colon) : undefined;
  const creds = ours === undefined ? undefined : ours === current.ufrag ? current : ours === previous?.ufrag ? previous : undefined;
  if (!creds) return reject('unauthenticated', 401);
  const key = shortTermKey(creds.pwd);
  if (verifyMessageIntegrity(req, key) !== 'valid') return reject('unauthenticated', 401);
  const unknown = unknownComprehensionRequired(req);
  if (unknown.length > 0) return reject('unknownAttributes', 420, key, [attr('UNKNOWN_ATTRIBUTES', unknown)]);
  // §7.3: PRIORITY and one of ICE-CONTROLLING / ICE-CONTROLLED are mandatory in checks.
  if (priority === undefined || (controlling === undefined && controlled === undefined)) return reject('badRequest', 400, key);
  return { ok: true, creds, key, priority, controlling, controlled, useCandidate };
}

/** What §7.3.1.1 says to do about the peer's role attribute. */
export type RoleConflictOutcome = 'none' | 'reply-487' | 'become-controlled' | 'become-controlling';

/**
 * §7.3.1.1: both sides claim the same role. The larger tie-breaker keeps controlling: if it is
 * ours we answer 487 (or take control back), otherwise we switch.
 */
export function resolveRoleConflict(weControl: boolean, tieBreaker: bigint, check: Pick<AcceptedCheck, 'controlling' | 'controlled'>): RoleConflictOutcome {
  if (check.controlling !== undefined && weControl) return tieBreaker >= check.controlling ? 'reply-487' : 'become-controlled';
  if (check.controlled !== undefined && !weControl) return tieBreaker >= check.controlled ? 'become-controlling' : 'reply-487';
  return 'none';
}

/** §7.3.1.2: success, XOR-MAPPED-ADDRESS = where the request came from, integrity with our pwd. */
export function successResponse(req: DecodedMessage, from: Address, key: Uint8Array): Uint8Array {
  return buildMessage({
    class: 'success',
    method: Method.Binding,
    transactionId: req.transactionId,
    attributes: [attr('XOR_MAPPED_ADDRESS', from)],
    integrity: key,
    fingerprint: true,
  });
}

/** An error response (RFC 8489 §6.3.4), with integrity once the request was authenticated. */
export function errorResponse(req: DecodedMessage, code: number, key: Uint8Array | undefined, extra: readonly TypedAttribute[] = []): Uint8Array {
  return buildMessage({
    class: 'error',
    method: req.method,
    transactionId: req.transactionId,
    attributes: [attr('ERROR_CODE', { code, reason: errorReason[code] ?? 'Error' }), ...extra],
    integrity: key,
    fingerprint: true,
  });
}

/** §7.3.1.3: a check from a source address we do not know makes a peer-reflexive remote candidate. */
export function peerReflexiveRemote(from: Address, priority: number, n: number): IceCandidate {
  return {
    type: 'prflx',
    foundation: `p${n}`,
    component: COMPONENT_RTP,
    transport: 'udp',
    priority,
    address: from.address,
    port: from.port,
  };
}
