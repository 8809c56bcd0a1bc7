export * from './vectors.ts';
export * from './netsim/index.ts';
export * from './chromium-flags.ts';
