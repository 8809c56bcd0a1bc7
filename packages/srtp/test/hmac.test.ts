import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '@rtcstack/common';
import { HmacSha1 } from '../src/index.ts';

it('HmacSha1 (pads precomputed, two one-shot SHA-1 calls) equals crypto.createHmac', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 2000 }), (key, msg) => {
      expect(toHex(new HmacSha1(key).mac(msg))).toBe(createHmac('sha1', key).update(msg).digest('hex'));
    }),
    { numRuns: 200 },
  );
});
