// HEARTBEAT info (RFC 9260 §8.3, §3.3.5): what we put in the Heartbeat Information TLV is ours to
// choose and comes back unchanged in the HEARTBEAT ACK: the send time (for an RTT sample, §6.3.1)
// and a random nonce (so a forged or stale ACK is not believed).
import { readU32, writeU32 } from '@rtcstack/common';

const INFO_LENGTH = 12;

/** 8 bytes send time (float64 ms) then 4 bytes nonce. */
export function heartbeatInfo(now: number, nonce: number): Uint8Array {
  const info = new Uint8Array(INFO_LENGTH);
  new DataView(info.buffer).setFloat64(0, now);
  writeU32(info, 8, nonce);
  return info;
}

/** The send time from a HEARTBEAT ACK's info, or undefined when it is not the answer to `nonce`. */
export function heartbeatSentAt(info: Uint8Array, nonce: number | undefined): number | undefined {
  if (info.length !== INFO_LENGTH || nonce === undefined || readU32(info, 8) !== nonce) return undefined;
  return new DataView(info.buffer, info.byteOffset, INFO_LENGTH).getFloat64(0);
}
