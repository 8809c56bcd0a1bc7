import { describe, expect, it } from 'vitest';
import { fromHex, toHex, type Address } from '@rtcstack/common';
import {
  AttributeType,
  BindingServer,
  appendFingerprint,
  buildResponse,
  newTransactionId,
  Method,
  attr,
  buildMessage,
  decodeMessage,
  getAttribute,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  type BindingServerOptions,
  type DecodedMessage,
  type StunAttribute,
  type TypedAttribute,
} from '../src/index.ts';
import { samplePassword, sampleRequest } from './samples.ts';

const client: Address = { address: '203.0.113.5', port: 40123 };
const transactionId = fromHex('0102030405060708090a0b0c');

function ask(req: Uint8Array, options: BindingServerOptions = {}, from: Address = client): { server: BindingServer; reply?: DecodedMessage } {
  const server = new BindingServer(options);
  server.handleInput(0, { data: req, remote: from });
  const out = server.pollOutput();
  expect(server.pollOutput()).toBeUndefined();
  if (out) expect(out.remote).toEqual(from);
  return { server, reply: out ? decodeMessage(out.data, { allowRfc3489: true }) : undefined };
}

const binding = (attributes: (TypedAttribute | StunAttribute)[] = [], extra: { integrity?: Uint8Array; fingerprint?: boolean; method?: number } = {}) =>
  buildMessage({ class: 'request', method: extra.method ?? Method.Binding, transactionId, attributes, integrity: extra.integrity, fingerprint: extra.fingerprint ?? true });

describe('Binding success (RFC 8489 §6.3.1)', () => {
  it.each([
    ['IPv4', client],
    ['IPv6', { address: '2001:db8::7', port: 3478 }],
  ])('%s: XOR-MAPPED-ADDRESS is the source address, with SOFTWARE and FINGERPRINT', (_n, from) => {
    const { reply, server } = ask(binding(), {}, from);
    expect(reply).toBeDefined();
    if (!reply) return;
    expect(reply.class).toBe('success');
    expect(toHex(reply.transactionId)).toBe(toHex(transactionId));
    expect(getAttribute(reply, 'XOR_MAPPED_ADDRESS')).toEqual(from);
    expect(getAttribute(reply, 'MAPPED_ADDRESS')).toBeUndefined();
    expect(getAttribute(reply, 'SOFTWARE')).toBe('rtcstack');
    expect(verifyFingerprint(reply)).toBe('valid');
    expect(server.stats).toMatchObject({ received: 1, answered: 1 });
  });

  it('options: MAPPED-ADDRESS too, custom SOFTWARE, no FINGERPRINT', () => {
    const { reply } = ask(binding(), { mappedAddress: true, software: 'x', fingerprint: false });
    expect(reply && getAttribute(reply, 'MAPPED_ADDRESS')).toEqual(client);
    expect(reply && getAttribute(reply, 'SOFTWARE')).toBe('x');
    expect(reply && verifyFingerprint(reply)).toBe('absent');
  });

  it('unknown comprehension-optional attributes (Chromium 0xC057) are ignored', () => {
    const { reply } = ask(binding([{ type: 0xc057, value: fromHex('00010002') }]));
    expect(reply?.class).toBe('success');
  });

  it('RFC 3489 client (no magic cookie, §12): MAPPED-ADDRESS only, its 16-byte id echoed, no FINGERPRINT', () => {
    // What Debian's `stun` sends: a 28-byte Binding request with CHANGE-REQUEST (no change).
    const legacy = fromHex('0001 0008 a1b2c3d4 0102030405060708090a0b0c 0003 0004 00000000');
    const { reply } = ask(legacy);
    expect(reply?.class).toBe('success');
    expect(reply?.magicCookie).toBe(0xa1b2c3d4);
    expect(reply && reply.attributes.map((a) => a.type)).toEqual([AttributeType.MAPPED_ADDRESS, AttributeType.SOFTWARE]);
    expect(reply && getAttribute(reply, 'MAPPED_ADDRESS')).toEqual(client);
  });
});

describe('error responses', () => {
  it('420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes', () => {
    const { reply, server } = ask(binding([{ type: 0x7777, value: new Uint8Array(0) }, { type: 0x0031, value: new Uint8Array(4) }]));
    expect(reply?.class).toBe('error');
    expect(reply && getAttribute(reply, 'ERROR_CODE')).toEqual({ code: 420, reason: 'Unknown Attribute' });
    expect(reply && getAttribute(reply, 'UNKNOWN_ATTRIBUTES')).toEqual([0x7777, 0x0031]);
    expect(reply && verifyFingerprint(reply)).toBe('valid');
    expect(server.stats.errors).toEqual({ 420: 1 });
  });

  it('420 for a CHANGE-REQUEST that asks for a change (RFC 5780 is not offered); RFC 3489 count made even', () => {
    const legacy = fromHex('0001 0008 a1b2c3d4 0102030405060708090a0b0c 0003 0004 00000006');
    const { reply } = ask(legacy);
    expect(reply && getAttribute(reply, 'ERROR_CODE')?.code).toBe(420);
    expect(reply && getAttribute(reply, 'UNKNOWN_ATTRIBUTES')).toEqual([0x0003, 0x0003]);
  });

  it('400 for a malformed known attribute', () => {
    const { reply } = ask(binding([{ type: AttributeType.PRIORITY, value: new Uint8Array(3) }]));
    expect(reply && getAttribute(reply, 'ERROR_CODE')?.code).toBe(400);
  });

  it('400 for a method other than Binding', () => {
    const { reply } = ask(binding([], { method: Method.Allocate }));
    expect(reply?.method).toBe(Method.Allocate);
    expect(reply && getAttribute(reply, 'ERROR_CODE')?.code).toBe(400);
  });
});

describe('dropped and counted, never answered', () => {
  it('not STUN', () => {
    expect(ask(Uint8Array.of(0x16, 0xfe, 0xfd)).server.stats.malformed).toBe(1);
    expect(ask(new Uint8Array(0)).server.stats.malformed).toBe(1);
  });
  it('bad FINGERPRINT', () => {
    const b = binding();
    b[b.length - 1] ^= 1;
    const { reply, server } = ask(b);
    expect(reply).toBeUndefined();
    expect(server.stats.badFingerprint).toBe(1);
  });
  it('indications (keepalives) and responses', () => {
    const ind = buildMessage({ class: 'indication', method: Method.Binding, transactionId });
    expect(ask(ind).server.stats.indications).toBe(1);
    const resp = buildMessage({ class: 'success', method: Method.Binding, transactionId, attributes: [attr('XOR_MAPPED_ADDRESS', client)] });
    const r = ask(resp);
    expect(r.reply).toBeUndefined();
    expect(r.server.stats.notRequest).toBe(1);
  });
});

describe('short-term credentials (RFC 8489 §9.1.3)', () => {
  const key = shortTermKey(samplePassword);
  const options: BindingServerOptions = { shortTermKey: (u) => (u === 'evtj:h6vY' ? key : undefined) };

  it('the RFC 5769 §2.1 request authenticates; the answer carries MESSAGE-INTEGRITY under the same key', () => {
    const { reply } = ask(sampleRequest(), options);
    expect(reply?.class).toBe('success');
    expect(reply && verifyMessageIntegrity(reply, key)).toBe('valid');
    expect(reply && reply.attributes.at(-1)?.type).toBe(AttributeType.FINGERPRINT);
  });

  it('400 without USERNAME or MESSAGE-INTEGRITY', () => {
    expect(getAttribute(ask(binding(), options).reply!, 'ERROR_CODE')?.code).toBe(400);
    const noMi = binding([attr('USERNAME', 'evtj:h6vY')]);
    expect(getAttribute(ask(noMi, options).reply!, 'ERROR_CODE')?.code).toBe(400);
  });

  it('401 for an unknown username or a bad MESSAGE-INTEGRITY, without integrity in the answer', () => {
    const unknownUser = binding([attr('USERNAME', 'mallory')], { integrity: key });
    const forged = binding([attr('USERNAME', 'evtj:h6vY')], { integrity: shortTermKey('guess') });
    for (const req of [unknownUser, forged]) {
      const { reply } = ask(req, options);
      expect(reply && getAttribute(reply, 'ERROR_CODE')?.code).toBe(401);
      expect(reply && verifyMessageIntegrity(reply, key)).toBe('absent');
    }
  });

  it('a tampered RFC 5769 §2.1 request with a recomputed FINGERPRINT gets 401', () => {
    const b = sampleRequest();
    b[44] ^= 1; // PRIORITY value, covered by MESSAGE-INTEGRITY
    const refingerprinted = appendFingerprint(b.subarray(0, b.length - 8)) // sets the length itself;
    const { reply } = ask(refingerprinted, options);
    expect(reply && getAttribute(reply, 'ERROR_CODE')?.code).toBe(401);
  });
});

describe('buildResponse / newTransactionId (helpers the ICE agent answers with)', () => {
  it('a response keeps the request method and transaction id', () => {
    const req = decodeMessage(sampleRequest());
    const resp = decodeMessage(buildResponse(req, 'success', { attributes: [attr('XOR_MAPPED_ADDRESS', client)], integrity: shortTermKey(samplePassword), fingerprint: true }));
    expect(resp.class).toBe('success');
    expect(resp.method).toBe(req.method);
    expect(toHex(resp.transactionId)).toBe(toHex(req.transactionId));
    expect(verifyMessageIntegrity(resp, shortTermKey(samplePassword))).toBe('valid');
    expect(newTransactionId()).toHaveLength(12);
    expect(toHex(newTransactionId())).not.toBe(toHex(newTransactionId()));
  });
});

describe('order of checks (RFC 5389 §7.3: authentication first, then unknown attributes)', () => {
  const key = shortTermKey('pw');
  const options: BindingServerOptions = { shortTermKey: (u) => (u === 'user' ? key : undefined) };
  it('an unauthenticated request with an unknown attribute gets 401, not 420', () => {
    const req = binding([attr('USERNAME', 'user'), { type: 0x7777, value: new Uint8Array(0) }], { integrity: shortTermKey('wrong') });
    expect(getAttribute(ask(req, options).reply!, 'ERROR_CODE')?.code).toBe(401);
  });
  it('an authenticated one gets 420, signed with the key', () => {
    const req = binding([attr('USERNAME', 'user'), { type: 0x7777, value: new Uint8Array(0) }], { integrity: key });
    const { reply } = ask(req, options);
    expect(getAttribute(reply!, 'ERROR_CODE')?.code).toBe(420);
    expect(verifyMessageIntegrity(reply!, key)).toBe('valid');
  });
});
