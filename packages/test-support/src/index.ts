export * from './vectors.ts';
export * from './netsim/index.ts';
