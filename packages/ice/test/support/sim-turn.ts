import { driveCore, type Network } from '@rtcstack/test-support';
import { SimTurnServer, type SimTurnServerOptions } from './turn-server.ts';

/** A SimTurnServer on a public simulated host: listening at :3478, relays from :49160 up. */
export function simTurnServer(net: Network, hostName: string, ip: string, options: Partial<SimTurnServerOptions> = {}, relays = 8): SimTurnServer {
  const host = net.addHost(hostName, ip);
  const listen = host.bind(3478);
  const pool = Array.from({ length: relays }, (_, i) => host.bind(49160 + i));
  const server = new SimTurnServer({ listen: listen.local, relays: pool.map((s) => s.local), realm: 'example.test', users: { alice: 'alicepass' }, ...options });
  driveCore(net, [listen, ...pool], {
    onDatagram: (now, data, from, local) => server.handleInput(now, { data, remote: from, local }),
    flush: (send) => {
      for (let d = server.pollOutput(); d; d = server.pollOutput()) send(d.data, d.remote, d.local);
    },
    nextTimeout: () => server.nextTimeout(),
    handleTimeout: (now) => server.handleTimeout(now),
  });
  return server;
}
