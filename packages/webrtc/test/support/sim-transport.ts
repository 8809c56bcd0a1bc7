/** A PeerTransport on the simulated network: one socket on a netsim host, the virtual clock, one timer. */
import type { Address } from '@rtcstack/common';
import type { Host, Network } from '@rtcstack/test-support';
import type { PeerTransport, TransportFactory } from '../../src/transport.ts';

export function simTransport(net: Network, host: Host, port?: number): TransportFactory & { closed: () => boolean } {
  let closedFlag = false;
  const factory = ((handlers) => {
    let timerAt: number | undefined;
    let detach: (() => void) | undefined;
    let sock: ReturnType<Host['bind']> | undefined;
    const t: PeerTransport = {
      async open(): Promise<readonly Address[]> {
        sock = host.bind(port);
        sock.onReceive = (data, from) => handlers.onDatagram(data, from, sock!.local);
        detach = net.attach({
          nextTimeout: () => timerAt,
          handleTimeout: () => {
            timerAt = undefined;
            handlers.onTimer();
          },
        });
        return [sock.local];
      },
      send(data, remote) {
        sock?.send(data, remote);
      },
      setTimer(at) {
        timerAt = at === undefined ? undefined : Math.max(at, net.now);
      },
      now: () => net.now,
      close() {
        closedFlag = true;
        timerAt = undefined;
        detach?.();
        sock?.close();
      },
    };
    return t;
  }) as TransportFactory & { closed: () => boolean };
  factory.closed = () => closedFlag;
  return factory;
}
