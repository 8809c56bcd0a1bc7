/**
 * Chromium's ClientHello (DESIGN.md, "What Chromium 156 sends"): about 1400 bytes, so two
 * handshake fragments at MTU 1200; DTLS 1.3 in supported_versions; an X25519MLKEM768 key share
 * beside x25519; X25519MLKEM768 first in supported_groups; AEAD SRTP profiles first. A DTLS 1.2
 * server must reassemble it (fragments in either order), ignore what 1.2 does not use, and finish.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, seededRandom } from '@rtcstack/common';
import { ContentType, HandshakeType } from '../src/constants.ts';
import { decodeHandshakeFragments } from '../src/handshake.ts';
import { decodeRecords } from '../src/record.ts';
import { connectedEvent, pair, run } from './helpers.ts';

const X25519MLKEM768 = 0x11ec;
const rnd = seededRandom(7);

function chromiumExtensions(): { type: number; data: Uint8Array }[] {
  // RFC 9147 §5.3 / RFC 8446 §4.2.1: supported_versions lists DTLS 1.3 (0xfefc) and 1.2 (0xfefd).
  const versions = new ByteWriter(5).u8(4).u16(0xfefc).u16(0xfefd).finish();
  // RFC 8446 §4.2.8 key_share: X25519MLKEM768 (1216-byte share) then x25519 (32 bytes).
  const ks = new ByteWriter(2 + 4 + 1216 + 4 + 32);
  ks.u16(4 + 1216 + 4 + 32).u16(X25519MLKEM768).u16(1216).bytes(rnd(1216)).u16(29).u16(32).bytes(rnd(32));
  const groups = new ByteWriter(10).u16(8).u16(X25519MLKEM768).u16(29).u16(23).u16(24).finish();
  return [
    { type: 10, data: groups },
    { type: 43, data: versions },
    { type: 51, data: ks.finish() },
    { type: 0x0a0a, data: new Uint8Array(0) }, // a GREASE-style unknown extension (RFC 8701)
  ];
}

describe("Chromium's DTLS 1.3-capable ClientHello", () => {
  for (const order of ['in order', 'fragments swapped'] as const) {
    it(`is reassembled from two fragments (${order}) and answered with DTLS 1.2`, () => {
      const { c, s } = pair({ clientHelloExtensions: chromiumExtensions(), srtpProfiles: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AEAD_AES_256_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'] }, { srtpProfiles: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'] });
      const helloFragments: number[] = [];
      let held: Uint8Array | undefined;
      run(c, s, {
        filter: (from, d) => {
          if (from !== 'c') return d;
          const recs = decodeRecords(d);
          const frag = recs[0].type === ContentType.handshake && recs[0].epoch === 0 ? decodeHandshakeFragments(recs[0].fragment)[0] : undefined;
          if (!frag || frag.msgType !== HandshakeType.client_hello) return d;
          helloFragments.push(frag.length);
          if (order === 'fragments swapped' && frag.fragmentOffset === 0 && !held) {
            held = d; // deliver the first fragment after the second
            return undefined;
          }
          if (held && frag.fragmentOffset > 0) {
            s.ep.handleInput(0, d);
            const first = held;
            held = undefined;
            return first;
          }
          return d;
        },
      });
      expect(helloFragments[0]).toBeGreaterThan(1300);
      expect(helloFragments.length).toBeGreaterThanOrEqual(4); // two ClientHellos (before/after cookie), two fragments each
      expect(connectedEvent(s)?.srtpProfile).toBe('SRTP_AEAD_AES_128_GCM');
      expect(connectedEvent(c)?.keyingMaterial.length).toBe(56);
    });
  }
});
