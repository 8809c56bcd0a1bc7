/**
 * Vector checks for @rtcstack/webrtc (test-vectors/*.json with "package": "webrtc").
 *   demux  input.hex (a real packet or its first bytes) -> expected.class from classifyPacket
 */
import { fromHex } from '@rtcstack/common';
import type { VectorChecks } from '@rtcstack/test-support';
import { classifyPacket } from '../src/demux.ts';

export const checks: VectorChecks = {
  demux(c) {
    const bytes = fromHex(String((c.input as { hex: string }).hex));
    const got = classifyPacket(bytes);
    const want = (c.expected as { class: string }).class;
    if (got !== want) throw new Error(`${c.id}: classified as ${got}, expected ${want}`);
  },
};
