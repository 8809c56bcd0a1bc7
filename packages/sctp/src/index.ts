export * from './constants.ts';
export * from './crc32c.ts';
export * from './tlv.ts';
export * from './param.ts';
export * from './cause.ts';
export * from './reconfig-param.ts';
export * from './chunk.ts';
export * from './packet.ts';
export * from './tsn.ts';
export * from './cookie.ts';
export * from './rto.ts';
export * from './tsn-tracker.ts';
export * from './reassembly.ts';
export * from './options.ts';
export * from './events.ts';
export { SctpAssociation } from './association.ts';
export * from './dcep.ts';
/**
 * @deprecated The chunk codec now writes with common's ByteWriter (its growth bug was fixed in
 * 46a0aee); this alias keeps the old export working.
 */
export { ByteWriter as Writer } from '@rtcstack/common';
export * from './datachannel.ts';
export * from './sctp-transport.ts';
export * from './udp.ts';
export * from './describe.ts';
