/**
 * Checks for test-vectors/*-stun.json (see test-vectors/README.md).
 *
 * Check "message" reads:
 *   input.hex          the message
 *   input.credentials  { kind: "short-term", password } or
 *                      { kind: "long-term", username, realm, password, profile?, algorithm?, preparedPassword? }
 *   expected.class / method / transactionId (hex)
 *   expected.attributes  [[RFC name, value], ...] in wire order; values as JSON: strings, numbers,
 *                        {address, port}, bytes as hex, 64-bit and 32-bit CRC values as "0x..." hex;
 *                        an unknown type is named "0x00aa" and its value is the raw hex
 *   expected.integrity / fingerprint   'valid' | 'absent' | 'invalid'
 *   expected.userhashValid             USERHASH equals SHA-256(username ":" realm)
 * and also requires that re-encoding the decoded message, and rebuilding it from its typed
 * attributes plus our own integrity and fingerprint, both reproduce the input bytes.
 * A case with `valid: false` must make decodeMessage throw ParseError.
 */
import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { ParseError, fromHex, toHex } from '@rtcstack/common';
import type { VectorChecks, VectorCase } from '@rtcstack/test-support';
import {
  AttributeType,
  Method,
  PasswordAlgorithm,
  appendFingerprint,
  appendMessageIntegrity,
  appendMessageIntegritySha256,
  attributeKey,
  decodeAttribute,
  decodeMessage,
  encodeAttribute,
  encodeMessage,
  longTermKey,
  methodName,
  saslprep,
  shortTermKey,
  userHash,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  type AttributeName,
  type StunAttribute,
} from '../src/index.ts';

type Credentials =
  | { kind: 'short-term'; password: string }
  | {
      kind: 'long-term';
      username: string;
      realm: string;
      password: string;
      profile?: 'saslprep' | 'opaque-string';
      algorithm?: keyof typeof PasswordAlgorithm;
      preparedPassword?: string;
    };

interface MessageInput {
  hex: string;
  credentials?: Credentials;
}
interface MessageExpected {
  class: string;
  method: keyof typeof Method;
  transactionId: string;
  attributes: [string, unknown][];
  integrity?: string;
  fingerprint?: string;
  userhashValid?: boolean;
}

/** Typed values as the JSON in the vector files writes them. */
export function toJson(v: unknown): unknown {
  if (v instanceof Uint8Array) return toHex(v);
  if (typeof v === 'bigint') return `0x${v.toString(16).padStart(16, '0')}`;
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

const constName = (rfcName: string): AttributeName => rfcName.replace(/-/g, '_') as AttributeName;

function keyFor(c: Credentials): Uint8Array {
  if (c.kind === 'short-term') return shortTermKey(c.password);
  if (c.preparedPassword !== undefined) strictEqual(saslprep(c.password), c.preparedPassword, 'SASLprep(password)');
  return longTermKey(c.username, c.realm, c.password, {
    profile: c.profile,
    algorithm: PasswordAlgorithm[c.algorithm ?? 'MD5'],
  });
}

const isUnknown = (name: string): boolean => name.startsWith('0x');

function message(c: VectorCase): void {
  const input = c.input as MessageInput;
  const bytes = fromHex(input.hex);
  if (c.valid === false) {
    let error: unknown;
    try {
      decodeMessage(bytes);
    } catch (e) {
      error = e;
    }
    if (!(error instanceof ParseError)) throw new Error(`accepted a message that must be rejected (${c.reason})`);
    strictEqual(error.layer, 'stun', 'the ParseError names the stun layer');
    return;
  }
  const expected = c.expected as MessageExpected;
  const msg = decodeMessage(bytes);

  strictEqual(msg.class, expected.class, 'class');
  strictEqual(methodName(msg.method), expected.method, 'method');
  strictEqual(toHex(msg.transactionId), expected.transactionId, 'transaction id');
  deepStrictEqual(
    msg.attributes.map((a, i) => {
      const name = expected.attributes[i]?.[0] ?? `0x${a.type.toString(16).padStart(4, '0')}`;
      if (isUnknown(name) || attributeKey(a.type) === undefined) return [`0x${a.type.toString(16).padStart(4, '0')}`, toHex(a.value)];
      let value = toJson(decodeAttribute(constName(name), a, msg, a.offset));
      if (a.type === AttributeType.FINGERPRINT) value = `0x${(value as number).toString(16).padStart(8, '0')}`;
      strictEqual(a.type, AttributeType[constName(name)], `attribute ${i} type`);
      return [name, value];
    }),
    expected.attributes,
    'attributes',
  );

  const key = input.credentials ? keyFor(input.credentials) : undefined;
  if (expected.integrity !== undefined) {
    if (!key) throw new Error('a case with expected.integrity needs input.credentials');
    const hasSha256 = msg.attributes.some((a) => a.type === AttributeType.MESSAGE_INTEGRITY_SHA256);
    const result = hasSha256 ? verifyMessageIntegritySha256(msg, key) : verifyMessageIntegrity(msg, key);
    strictEqual(result, expected.integrity, 'integrity');
  }
  if (expected.fingerprint !== undefined) strictEqual(verifyFingerprint(msg), expected.fingerprint, 'fingerprint');
  if (expected.userhashValid !== undefined && input.credentials?.kind === 'long-term') {
    const { username, realm, profile } = input.credentials;
    const sent = msg.attributes.find((a) => a.type === AttributeType.USERHASH);
    strictEqual(sent !== undefined && toHex(sent.value) === toHex(userHash(username, realm, profile)), expected.userhashValid, 'USERHASH');
  }

  // Re-encoding the decoded message reproduces the bytes (padding as received).
  strictEqual(toHex(encodeMessage(msg)), toHex(bytes), 're-encode');

  // Rebuilding from typed values, then appending our own integrity and fingerprint, does too.
  const body: StunAttribute[] = [];
  for (const [i, [name]] of expected.attributes.entries()) {
    if (isUnknown(name)) {
      body.push(msg.attributes[i]);
      continue;
    }
    const n = constName(name);
    if (n === 'MESSAGE_INTEGRITY' || n === 'MESSAGE_INTEGRITY_SHA256' || n === 'FINGERPRINT') continue;
    const typed = encodeAttribute(n, decodeAttribute(n, msg.attributes[i], msg), msg);
    body.push({ ...typed, padding: msg.attributes[i].padding });
  }
  let rebuilt = encodeMessage({ ...msg, attributes: body });
  for (const a of msg.attributes) {
    if (a.type === AttributeType.MESSAGE_INTEGRITY && key) rebuilt = appendMessageIntegrity(rebuilt, key);
    if (a.type === AttributeType.MESSAGE_INTEGRITY_SHA256 && key) rebuilt = appendMessageIntegritySha256(rebuilt, key, a.value.length);
    if (a.type === AttributeType.FINGERPRINT) rebuilt = appendFingerprint(rebuilt);
  }
  strictEqual(toHex(rebuilt), toHex(bytes), 'rebuild from typed attributes');
}

export const checks: VectorChecks = { message };
