/** A STUN Binding server (the @rtcstack/stun core) on a simulated public host. */
import { BindingServer } from '@rtcstack/stun';
import { driveCore, type Network, type SimSocket } from '@rtcstack/test-support';

export function simStunServer(net: Network, socket: SimSocket): BindingServer {
  const server = new BindingServer();
  driveCore(net, socket, {
    onDatagram: (now, data, from, local) => server.handleInput(now, { data, remote: from, local }),
    flush: (send) => {
      for (let d = server.pollOutput(); d; d = server.pollOutput()) send(d.data, d.remote);
    },
    nextTimeout: () => server.nextTimeout(),
    handleTimeout: (now) => server.handleTimeout(now),
  });
  return server;
}
