/**
 * npm run stun:server -- --host 127.0.0.1 --port 3478 [--software NAME] [--quiet]
 *
 * A STUN Binding server: answers every Binding request with the address it came from.
 * Try it with `npm run stun:client -- --server 127.0.0.1:3478`, Debian's `stun 127.0.0.1:3478`,
 * or coturn's `turnutils_stunclient -p 3478 127.0.0.1`. Ctrl-C prints statistics and exits.
 */
import { addressKey } from '@rtcstack/common';
import { decodeMessage } from '../message.ts';
import { describeAttributes } from '../attributes.ts';
import { methodName } from '../constants.ts';
import { startUdpStunServer } from '../node/udp-server.ts';
import { parseArgs } from './args.ts';

const args = parseArgs(process.argv.slice(2));
if (args.has('help')) {
  console.log('usage: npm run stun:server -- [--host 127.0.0.1] [--port 3478] [--software NAME] [--quiet]');
  process.exit(0);
}
const quiet = args.has('quiet');

function summary(data: Uint8Array): string {
  try {
    const m = decodeMessage(data, { allowRfc3489: true });
    const attrs = describeAttributes(m)
      .map((a) => `${a.name ?? `0x${a.type.toString(16).padStart(4, '0')}`}${a.value && typeof a.value === 'object' && 'port' in a.value ? `=${addressKey(a.value as { address: string; port: number })}` : ''}`)
      .join(' ');
    return `${methodName(m.method)} ${m.class}${m.magicCookie !== 0x2112a442 ? ' (RFC 3489, no magic cookie)' : ''} [${attrs}]`;
  } catch (e) {
    return `not STUN (${e instanceof Error ? e.message : String(e)})`;
  }
}

const server = await startUdpStunServer({
  host: args.get('host') ?? '127.0.0.1',
  port: Number(args.get('port') ?? 3478),
  software: args.get('software'),
  onDatagram: quiet
    ? undefined
    : (dir, data, remote) => console.log(`${dir === 'in' ? '<-' : '->'} ${addressKey(remote).padEnd(22)} ${data.length} bytes  ${summary(data)}`),
});
console.log(`STUN server listening on ${addressKey(server.address)} (udp). Ctrl-C to stop.`);

const stop = async (): Promise<void> => {
  await server.close();
  console.log('\nstats:', JSON.stringify(server.core.stats));
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
