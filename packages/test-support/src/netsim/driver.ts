import { addressKey, sameAddress, type Address } from '@rtcstack/common';
import type { SimSocket } from './host.ts';
import type { Network } from './network.ts';

/** Send one datagram; `from` picks the socket when the core has several (ICE). */
export type SendFn = (data: Uint8Array, to: Address, from?: Address) => void;

/**
 * The four calls that connect a sans-IO core to the simulated network. Adapt your core's
 * handleInput/pollOutput to this shape in a few lines (README "Driving a sans-IO core").
 */
export interface DrivenCore {
  /** A datagram arrived on socket `local`: typically core.handleInput(now, { data, remote: from, local }). */
  onDatagram(now: number, data: Uint8Array, from: Address, local: Address): void;
  /** Drain the core's pending datagrams into `send` (loop over pollOutput()). */
  flush(send: SendFn): void;
  nextTimeout(): number | undefined;
  handleTimeout(now: number): void;
}

export interface CoreDriver {
  /**
   * Flush the core now. The run loop also flushes every driven core before each step, so
   * calling this after poking a core (core.connect(net.now)) is only needed to send at once.
   */
  flush(): void;
  /** Stop driving: unhooks the sockets and the timer. */
  detach(): void;
  readonly sockets: readonly SimSocket[];
}

/**
 * Drive `core` on the simulated network through one or more sockets: each arriving datagram
 * goes to onDatagram then flush; the run loop wakes handleTimeout (then flush) at nextTimeout(),
 * and flushes the core before every step.
 */
export function driveCore(net: Network, socket: SimSocket | readonly SimSocket[], core: DrivenCore): CoreDriver {
  const sockets = Array.isArray(socket) ? [...(socket as readonly SimSocket[])] : [socket as SimSocket];
  if (sockets.length === 0) throw new Error('driveCore: needs at least one socket');
  const send: SendFn = (data, to, from) => {
    const s = from === undefined ? sockets[0] : sockets.find((x) => sameAddress(x.local, from));
    if (!s) throw new Error(`driveCore: core sent from ${addressKey(from as Address)}, which is not one of its sockets`);
    s.send(data, to);
  };
  const flush = (): void => core.flush(send);
  for (const s of sockets) {
    s.onReceive = (data, from, now) => {
      core.onDatagram(now, data, from, s.local);
      flush();
    };
  }
  const detachTimer = net.attach({
    nextTimeout: () => core.nextTimeout(),
    handleTimeout: (now) => {
      core.handleTimeout(now);
      flush();
    },
    // Whatever the core queued between events (a test called core.connect()) goes out too.
    flush,
  });
  return {
    flush,
    sockets,
    detach: () => {
      detachTimer();
      for (const s of sockets) s.onReceive = undefined;
    },
  };
}
