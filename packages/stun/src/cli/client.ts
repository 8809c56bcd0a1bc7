/**
 * npm run stun:client -- --server 127.0.0.1:3478 [--rto 500] [--verbose]
 *
 * Sends a Binding request and prints the reflexive transport address the server saw.
 * Exits 0 on success, 1 on timeout or error.
 */
import { addressKey, hexDump } from '@rtcstack/common';
import { discoverReflexiveAddress } from '../node/udp-client.ts';
import { parseArgs, parseHostPort } from './args.ts';

const args = parseArgs(process.argv.slice(2));
if (args.has('help') || !args.has('server')) {
  console.log('usage: npm run stun:client -- --server HOST:PORT [--rto MS] [--verbose]');
  process.exit(args.has('help') ? 0 : 2);
}
const verbose = args.has('verbose');
const server = parseHostPort(args.get('server') ?? '');

try {
  const r = await discoverReflexiveAddress({
    server,
    rto: args.has('rto') ? Number(args.get('rto')) : undefined,
    software: 'rtcstack stun:client',
    onDatagram: verbose ? (dir, data, remote) => console.log(`${dir === 'in' ? '<-' : '->'} ${addressKey(remote)}\n${hexDump(data, '   ')}`) : undefined,
  });
  console.log(`local address:     ${addressKey(r.local)}`);
  console.log(`reflexive address: ${addressKey(r.mapped)}   (XOR-MAPPED-ADDRESS from ${addressKey(server)}, ${r.rtt.toFixed(1)} ms)`);
} catch (e) {
  console.error(`failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
