/**
 * The RFC 5769 samples, loaded from test-vectors/rfc5769-stun.json (never retyped here), for
 * tests that tamper with them.
 */
import { fromHex } from '@rtcstack/common';
import { loadVectorFile } from '@rtcstack/test-support';

const file = loadVectorFile('rfc5769-stun.json');
const hexOf = (id: string): Uint8Array => {
  const c = file.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return fromHex((c.input as { hex: string }).hex);
};

/** §2.1 request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT. */
export const sampleRequest = (): Uint8Array => hexOf('rfc5769-2.1-request');
/** §2.2 IPv4 response: SOFTWARE, XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT. */
export const sampleIpv4Response = (): Uint8Array => hexOf('rfc5769-2.2-ipv4-response');
export const sampleIpv6Response = (): Uint8Array => hexOf('rfc5769-2.3-ipv6-response');
export const sampleLongTermRequest = (): Uint8Array => hexOf('rfc5769-2.4-long-term-request');
/** The short-term password of §2.1-§2.3. */
export const samplePassword = 'VOkJxbRl1RmTxUk/WvJxBt';
