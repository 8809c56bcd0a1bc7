export * from './udp-server.ts';
export * from './udp-client.ts';
export * from './udp-transactions.ts';
