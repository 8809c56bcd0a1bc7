export * from './udp-agent.ts';
