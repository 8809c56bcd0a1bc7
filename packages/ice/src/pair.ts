/**
 * A candidate pair as the agent keeps it (RFC 8445 §6.1.2), and what a check transaction is for
 * (§7.2 connectivity check or RFC 7675 consent check). Plain data shared by the checklist, the
 * check sender and the answerer.
 */
import { addressKey, type Address } from '@rtcstack/common';
import type { IceCandidate } from './candidate.ts';
import type { IceCredentials } from './credentials.ts';
import type { CandidatePair } from './types.ts';

export interface Pair extends CandidatePair {
  /** Credentials of the generation this pair belongs to. */
  readonly creds: { readonly local: IceCredentials; readonly remote: IceCredentials };
  transaction?: Uint8Array;
  nominating: boolean;
}

/** What a check transaction is for. */
export type CheckContext =
  | { readonly kind: 'check'; readonly pair: Pair; readonly nominate: boolean; readonly controlling: boolean; readonly priority: number }
  | { readonly kind: 'consent'; readonly pair: Pair };

/** The base a local candidate sends from (§5.1.1: a host or relayed candidate is its own base). */
export function localBaseOf(c: IceCandidate): Address {
  return c.base ?? { address: c.address, port: c.port };
}

/** Key of a (local, remote) address pair a check has vouched for; non-STUN data is accepted only on these. */
export function trustKey(local: Address, remote: Address): string {
  return `${addressKey(local)}|${addressKey(remote)}`;
}
