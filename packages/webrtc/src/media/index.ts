// The media pipeline of one audio call (see README.md): sans-IO sender and receiver.
export * from './audio-sender.ts';
export * from './audio-receiver.ts';
export * from './jitter-buffer.ts';
export * from './nack-generator.ts';
export * from './packet-history.ts';
export * from './rtcp-interval.ts';
export * from './sequence.ts';
export * from './rtcp-input.ts';
