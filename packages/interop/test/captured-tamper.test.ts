/**
 * The captured-vector checks must be able to fail: each tampered copy of a captured case is
 * rejected, by the decoder (ParseError / CRC32c ChecksumError) or by the check's own facts.
 * And random damage to the captured bytes only ever raises ParseError in our decoders.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ParseError } from '@rtcstack/common';
import { ChecksumError, decodePacket } from '@rtcstack/sctp';
import { loadVectorFile, type VectorCase } from '@rtcstack/test-support';
import { decodeHandshakeFragments, decodeRecords, messages } from '@rtcstack/dtls';
import { checks } from './vectors.ts';

const dtls = loadVectorFile('chromium-dtls');
const sctp = loadVectorFile('chromium-sctp');
const byId = (cases: readonly VectorCase[], id: string): VectorCase => {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};
const flip = (h: string, byteIndex: number): string => {
  const b = Buffer.from(h, 'hex');
  b[byteIndex] ^= 0x01;
  return b.toString('hex');
};

describe('tampered captures are rejected', () => {
  test('SCTP INIT with one bit flipped fails the CRC32c (RFC 9260 §6.8)', () => {
    const c = byId(sctp.cases, 'chromium156-sctp-init');
    const hex = flip((c.input as { hex: string }).hex, 20);
    expect(() => decodePacket(Buffer.from(hex, 'hex'))).toThrow(ChecksumError);
    expect(() => checks.sctpPacket({ ...c, input: { hex } })).toThrow();
  });

  test('a ClientHello missing its second fragment is not a complete message', () => {
    const c = byId(dtls.cases, 'chromium156-client-hello-1');
    const { datagrams } = c.input as { datagrams: string[] };
    const expected = { ...(c.expected as object), datagramLengths: [1200], fragments: [[0, 1175]] };
    expect(() => checks.clientHello({ ...c, input: { datagrams: [datagrams[0]] }, expected })).toThrow(/one complete message/);
  });

  test('a certificate with one bit flipped no longer matches the offer fingerprint', () => {
    const c = byId(dtls.cases, 'chromium156-client-flight-5');
    const { datagram } = c.input as { datagram: string };
    // Byte 100 lies inside the Certificate message (record 0 starts at 0, body at 25).
    expect(() => checks.clientFlight({ ...c, input: { datagram: flip(datagram, 100) } })).toThrow(/strictly equal/);
  });

  test('a second ClientHello whose random differs from the first is caught', () => {
    const c = byId(dtls.cases, 'chromium156-client-hello-2-cookie');
    const input = c.input as { datagrams: string[]; firstHello: string[] };
    // Offset 13 (record header) + 12 (handshake header) + 2 (version) = first byte of the random.
    const firstHello = [flip(input.firstHello[0], 27), input.firstHello[1]];
    expect(() => checks.clientHello({ ...c, input: { ...input, firstHello } })).toThrow();
  });
});

describe('random damage to captured bytes only raises ParseError', () => {
  const samples = [
    ...dtls.cases.flatMap((c) => {
      const i = c.input as { datagrams?: string[]; datagram?: string };
      return i.datagrams ?? (i.datagram ? [i.datagram] : []);
    }),
  ].map((h) => Buffer.from(h, 'hex'));
  const packets = sctp.cases.map((c) => Buffer.from((c.input as { hex: string }).hex, 'hex'));

  const mutated = (pool: Buffer[]) =>
    fc.tuple(fc.nat(pool.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }), fc.nat()).map(([k, edits, cut]) => {
      const b = Uint8Array.from(pool[k]);
      for (const [at, v] of edits) b[at % b.length] = v;
      return b.subarray(0, cut % (b.length + 1));
    });

  test('DTLS records, handshake fragments, ClientHello', () => {
    fc.assert(
      fc.property(mutated(samples), (b) => {
        try {
          for (const r of decodeRecords(b)) {
            if (r.type !== 22 || r.epoch !== 0) continue;
            for (const f of decodeHandshakeFragments(r.fragment)) if (f.msgType === 1 && f.data.length === f.length) messages.clientHello.decode(f.data);
          }
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  test('SCTP packets (with and without checksum verification)', () => {
    fc.assert(
      fc.property(mutated(packets), fc.boolean(), (b, verify) => {
        try {
          decodePacket(b, verify);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});
