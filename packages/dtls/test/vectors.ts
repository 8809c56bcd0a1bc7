/**
 * Checks for the DTLS/TLS 1.2 key-schedule vector files (test-vectors/*prf*.json, *tls*.json).
 * Each check reads hex fields from `input` and compares with `expected`; it throws on mismatch.
 */
import { createHash, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { fromHex, toHex } from '@rtcstack/common';
import type { VectorCase, VectorChecks } from '@rtcstack/test-support';
import type { PrfHash } from '../src/constants.ts';
import { ExtensionType } from '../src/constants.ts';
import { findExtension, useSrtp } from '../src/extensions.ts';
import { decodeHandshakeFragments, encodeHandshakeMessage } from '../src/handshake.ts';
import * as M from '../src/messages.ts';
import { decodeRecords, encodeRecord } from '../src/record.ts';
import { expandKeys, exportKeyingMaterial, extendedMasterSecret, keyBlock, masterSecret, prf, verifyData } from '../src/prf.ts';
import { x509Checks } from './x509-vectors.ts';

type Fields = Record<string, string | number>;
const inp = (c: VectorCase): Fields => c.input as Fields;
const exp = (c: VectorCase): Fields => c.expected as Fields;
const hex = (f: Fields, k: string): Uint8Array => fromHex(String(f[k]));

function eq(what: string, got: Uint8Array, want: string): void {
  const w = want.replace(/\s/g, '').toLowerCase();
  if (toHex(got) !== w) throw new Error(`${what}: got ${toHex(got)}, want ${w}`);
}

/** The DTLS key-schedule checks below plus the X.509/DER checks (test/x509-vectors.ts). */
export const checks: VectorChecks = {
  ...x509Checks,
  /** input: hash, secret, label, seed, length -> expected.output */
  prf(c) {
    const i = inp(c);
    eq('prf', prf(i.hash as PrfHash, hex(i, 'secret'), String(i.label), hex(i, 'seed'), Number(i.length)), String(exp(c).output));
  },
  /** input: hash, preMaster, clientRandom, serverRandom -> expected.master */
  'master-secret'(c) {
    const i = inp(c);
    eq('master', masterSecret(i.hash as PrfHash, hex(i, 'preMaster'), hex(i, 'clientRandom'), hex(i, 'serverRandom')), String(exp(c).master));
  },
  /** input: hash, preMaster, sessionHash -> expected.master */
  'extended-master-secret'(c) {
    const i = inp(c);
    eq('ems', extendedMasterSecret(i.hash as PrfHash, hex(i, 'preMaster'), hex(i, 'sessionHash')), String(exp(c).master));
  },
  /** input: hash, master, clientRandom, serverRandom, length -> expected.keyBlock */
  'key-block'(c) {
    const i = inp(c);
    eq('key block', keyBlock(i.hash as PrfHash, hex(i, 'master'), hex(i, 'clientRandom'), hex(i, 'serverRandom'), Number(i.length)), String(exp(c).keyBlock));
  },
  /** input: hash, master, randoms, keyLength, ivLength -> expected client/server write keys and IVs */
  'expand-keys'(c) {
    const i = inp(c);
    const k = expandKeys(i.hash as PrfHash, hex(i, 'master'), hex(i, 'clientRandom'), hex(i, 'serverRandom'), Number(i.keyLength), Number(i.ivLength));
    const e = exp(c);
    eq('clientWriteKey', k.clientWriteKey, String(e.clientWriteKey));
    eq('serverWriteKey', k.serverWriteKey, String(e.serverWriteKey));
    eq('clientWriteIv', k.clientWriteIv, String(e.clientWriteIv));
    eq('serverWriteIv', k.serverWriteIv, String(e.serverWriteIv));
  },
  /** input: hash, master, label, handshakeMessages (hex, hashed here) -> expected.verifyData */
  'verify-data'(c) {
    const i = inp(c);
    const th = createHash(String(i.hash)).update(hex(i, 'handshakeMessages')).digest();
    eq('verify_data', verifyData(i.hash as PrfHash, hex(i, 'master'), i.label as 'client finished' | 'server finished', th), String(exp(c).verifyData));
  },
  /** input: hash, master, label, clientRandom, serverRandom, length -> expected.keyingMaterial */
  exporter(c) {
    const i = inp(c);
    eq('exporter', exportKeyingMaterial(i.hash as PrfHash, hex(i, 'master'), String(i.label), hex(i, 'clientRandom'), hex(i, 'serverRandom'), Number(i.length)), String(exp(c).keyingMaterial));
  },
  /**
   * input.hex: one plaintext handshake record. expected: contentType, version, epoch,
   * sequenceNumber, msgType, messageSeq, and per message: cookie, firstCipherSuite,
   * cipherSuiteCount, extensionTypes, srtpProfiles, cipherSuite, serverVersion, publicKeyLength.
   */
  'captured-record'(c) {
    const bytes = fromHex(String(inp(c).hex));
    const e = c.expected as Record<string, unknown>;
    const same = (what: string, got: unknown, want: unknown): void => {
      if (want !== undefined && JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    };
    const recs = decodeRecords(bytes);
    same('records', recs.length, 1);
    const r = recs[0];
    same('contentType', r.type, e.contentType);
    same('version', r.version, e.version);
    same('epoch', r.epoch, e.epoch);
    same('sequenceNumber', r.sequenceNumber, e.sequenceNumber);
    eq('record re-encoded', encodeRecord(r), toHex(bytes));
    const frags = decodeHandshakeFragments(r.fragment);
    same('fragments', frags.length, 1);
    const f = frags[0];
    same('msgType', f.msgType, e.msgType);
    same('messageSeq', f.messageSeq, e.messageSeq);
    same('whole message', f.fragmentOffset === 0 && f.data.length === f.length, true);
    eq('handshake re-encoded', encodeHandshakeMessage(f.msgType, f.messageSeq, f.data), toHex(r.fragment));
    const body = f.data;
    const srtp = (exts: readonly { type: number; data: Uint8Array }[]): number[] | undefined => {
      const x = findExtension(exts, ExtensionType.use_srtp);
      return x ? [...useSrtp.decode(x.data).profiles] : undefined;
    };
    switch (f.msgType) {
      case 1: {
        const m = M.clientHello.decode(body);
        same('cookie', toHex(m.cookie), e.cookie);
        same('firstCipherSuite', m.cipherSuites[0], e.firstCipherSuite);
        same('cipherSuiteCount', m.cipherSuites.length, e.cipherSuiteCount);
        same('extensionTypes', m.extensions.map((x) => x.type), e.extensionTypes);
        same('srtpProfiles', srtp(m.extensions), e.srtpProfiles);
        eq('client_hello re-encoded', M.clientHello.encode(m), toHex(body));
        break;
      }
      case 3: {
        const m = M.helloVerifyRequest.decode(body);
        same('cookie', toHex(m.cookie), e.cookie);
        same('serverVersion', m.version, e.serverVersion);
        eq('hello_verify_request re-encoded', M.helloVerifyRequest.encode(m), toHex(body));
        break;
      }
      case 2: {
        const m = M.serverHello.decode(body);
        same('cipherSuite', m.cipherSuite, e.cipherSuite);
        same('extensionTypes', m.extensions.map((x) => x.type), e.extensionTypes);
        same('srtpProfiles', srtp(m.extensions), e.srtpProfiles);
        eq('server_hello re-encoded', M.serverHello.encode(m), toHex(body));
        break;
      }
      case 14:
        M.serverHelloDone.decode(body);
        break;
      case 16: {
        const pk = M.clientKeyExchange.decode(body);
        same('publicKeyLength', pk.length, e.publicKeyLength);
        eq('client_key_exchange re-encoded', M.clientKeyExchange.encode(pk), toHex(body));
        break;
      }
    }
  },
  /** input: privateKey (raw 32), peerPublicKey (raw 32) -> expected.preMaster */
  x25519(c) {
    const i = inp(c);
    // PKCS#8 / SPKI wrappers for raw X25519 keys (RFC 8410 §7, §4).
    const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), hex(i, 'privateKey')]), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), hex(i, 'peerPublicKey')]), format: 'der', type: 'spki' });
    eq('pre-master', new Uint8Array(diffieHellman({ privateKey: priv, publicKey: pub })), String(exp(c).preMaster));
  },
};
