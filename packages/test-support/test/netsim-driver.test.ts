import { describe, expect, it } from 'vitest';
import type { Address } from '@rtcstack/common';
import { Network, driveCore, type DrivenCore, type SendFn } from '../src/index.ts';

/**
 * A toy sans-IO core in the shape every layer uses (handleInput / handleTimeout / pollOutput /
 * nextTimeout): the client sends REQUEST n and retransmits every `rtoMs` until RESPONSE n
 * arrives; the server answers every REQUEST. No sockets, no clock: `now` is passed in.
 */
class ToyCore {
  private out: { data: Uint8Array; to: Address }[] = [];
  private timer: number | undefined;
  readonly answered: number[] = [];
  transmissions = 0;
  constructor(
    private readonly server?: Address,
    private readonly rtoMs = 100,
  ) {}
  start(now: number): void {
    this.transmit(now);
  }
  handleInput(now: number, data: Uint8Array, from: Address): void {
    if (data[0] === 0x01) this.out.push({ data: new Uint8Array([0x02]), to: from }); // server: answer
    if (data[0] === 0x02 && this.timer !== undefined) {
      this.answered.push(now);
      this.timer = undefined;
    }
  }
  handleTimeout(now: number): void {
    if (this.timer !== undefined && now >= this.timer) this.transmit(now);
  }
  pollOutput(): { data: Uint8Array; to: Address } | undefined {
    return this.out.shift();
  }
  nextTimeout(): number | undefined {
    return this.timer;
  }
  private transmit(now: number): void {
    this.transmissions++;
    this.out.push({ data: new Uint8Array([0x01]), to: this.server as Address });
    this.timer = now + this.rtoMs;
  }
}

/** The adapter a test writes: four one-liners. */
function adapt(core: ToyCore): DrivenCore {
  return {
    onDatagram: (now, data, from) => core.handleInput(now, data, from),
    flush: (send: SendFn) => {
      for (let o = core.pollOutput(); o; o = core.pollOutput()) send(o.data, o.to);
    },
    nextTimeout: () => core.nextTimeout(),
    handleTimeout: (now) => core.handleTimeout(now),
  };
}

describe('driveCore', () => {
  it('drives a client and a server core over a lossless link: one round trip', () => {
    const net = new Network({ defaultLink: { delayMs: 25 } });
    const cs = net.addHost('client', '10.0.0.1').bind();
    const ss = net.addHost('server', '10.0.0.2').bind(3478);
    const server = new ToyCore();
    const client = new ToyCore(ss.local);
    driveCore(net, ss, adapt(server));
    const d = driveCore(net, cs, adapt(client));
    client.start(net.now);
    d.flush();
    expect(net.runUntil(() => client.answered.length > 0, 10_000)).toBe(true);
    expect(client.answered).toEqual([50]);
    expect(client.transmissions).toBe(1);
  });

  it('the core retransmits on its timer while the path is cut, and completes once it is restored', () => {
    const net = new Network({ defaultLink: { delayMs: 10 } });
    const cs = net.addHost('client', '10.0.0.1').bind();
    const ss = net.addHost('server', '10.0.0.2').bind(3478);
    net.setLink('client', 'server', { loss: 1 });
    net.at(350, () => net.setLink('client', 'server', { loss: 0 }));
    const client = new ToyCore(ss.local, 100);
    driveCore(net, ss, adapt(new ToyCore()));
    const d = driveCore(net, cs, adapt(client));
    client.start(net.now);
    d.flush();
    expect(net.runUntil(() => client.answered.length > 0, 10_000)).toBe(true);
    // sent at 0, 100, 200, 300 (lost), 400 (gets through): answered at 420
    expect(client.transmissions).toBe(5);
    expect(client.answered).toEqual([420]);
    expect(net.linkStats('client', 'server').dropped.loss).toBe(4);
  });

  it('output queued outside the run loop is flushed by the next run, at the current time', () => {
    const net = new Network({ defaultLink: { delayMs: 25 } });
    const cs = net.addHost('client', '10.0.0.1').bind();
    const ss = net.addHost('server', '10.0.0.2').bind(3478);
    driveCore(net, ss, adapt(new ToyCore()));
    const client = new ToyCore(ss.local);
    driveCore(net, cs, adapt(client));
    net.runFor(1000);
    client.start(net.now); // no driver.flush(): the run loop sends it
    expect(net.runUntil(() => client.answered.length > 0, 10_000)).toBe(true);
    expect(client.answered).toEqual([1050]);
  });

  it('detach stops both the timer and the socket hook', () => {
    const net = new Network();
    const cs = net.addHost('client', '10.0.0.1').bind();
    const ss = net.addHost('server', '10.0.0.2').bind(3478);
    net.setLink('client', 'server', { loss: 1 });
    const client = new ToyCore(ss.local, 100);
    const d = driveCore(net, cs, adapt(client));
    client.start(0);
    d.flush();
    net.runFor(250);
    d.detach();
    net.runFor(1000);
    expect(client.transmissions).toBe(3);
    expect(cs.onReceive).toBeUndefined();
  });

  it('with several sockets, send(data, to, from) picks the socket by local address', () => {
    const net = new Network();
    const h = net.addHost('h', ['10.0.0.1', '10.0.0.5']);
    const s1 = h.bind(1000, '10.0.0.1');
    const s2 = h.bind(1000, '10.0.0.5');
    const peer = net.addHost('p', '10.0.0.2').bind(9);
    const seen: Address[] = [];
    let pending = true; // sends two datagrams on its first flush only
    const core: DrivenCore = {
      onDatagram: (_now, _data, _from, local) => seen.push(local),
      flush: (send) => {
        if (!pending) return;
        pending = false;
        send(new Uint8Array([1]), peer.local, s2.local);
        send(new Uint8Array([1]), peer.local); // no `from`: the first socket
      },
      nextTimeout: () => undefined,
      handleTimeout: () => {},
    };
    const d = driveCore(net, [s1, s2], core);
    const got: Address[] = [];
    peer.onReceive = (_d, from) => (got.push(from), peer.send(new Uint8Array([2]), from));
    d.flush();
    net.runFor(1);
    expect(got).toEqual([s2.local, s1.local]);
    expect(seen).toEqual([s2.local, s1.local]); // each answer reached the socket it was sent to
  });

  it('a core that sends from an address it has no socket for is a test bug and throws', () => {
    const net = new Network();
    const s = net.addHost('h', '10.0.0.1').bind(1);
    const core: DrivenCore = {
      onDatagram: () => {},
      flush: (send) => send(new Uint8Array([1]), { address: '10.0.0.2', port: 1 }, { address: '10.0.0.9', port: 1 }),
      nextTimeout: () => undefined,
      handleTimeout: () => {},
    };
    expect(() => driveCore(net, s, core).flush()).toThrow(/not one of its sockets/);
  });
});
