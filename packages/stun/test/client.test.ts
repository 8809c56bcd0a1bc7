import { describe, expect, it } from 'vitest';
import { seededRandom, type Address } from '@rtcstack/common';
import { Network, driveCore, type DrivenCore } from '@rtcstack/test-support';
import {
  BindingClient,
  BindingServer,
  Method,
  StunErrorResponse,
  StunTimeoutError,
  attr,
  buildMessage,
  decodeMessage,
  type BindingClientOutput,
} from '../src/index.ts';

/** The four-line adapter from a STUN core to the simulated network. */
function serverCore(s: BindingServer): DrivenCore {
  return {
    onDatagram: (now, data, from, local) => s.handleInput(now, { data, remote: from, local }),
    flush: (send) => {
      for (let o = s.pollOutput(); o; o = s.pollOutput()) send(o.data, o.remote);
    },
    nextTimeout: () => s.nextTimeout(),
    handleTimeout: (now) => s.handleTimeout(now),
  };
}

function clientCore(c: BindingClient, results: BindingClientOutput[]): DrivenCore {
  return {
    onDatagram: (now, data, from) => c.handleInput(now, { data, remote: from }),
    flush: (send) => {
      for (let o = c.pollOutput(); o; o = c.pollOutput()) {
        if (o.type === 'send') send(o.datagram.data, o.datagram.remote);
        else results.push(o);
      }
    },
    nextTimeout: () => c.nextTimeout(),
    handleTimeout: (now) => c.handleTimeout(now),
  };
}

function setup(linkLoss = 0) {
  const net = new Network({ seed: 7, defaultLink: { delayMs: 20, loss: linkLoss } });
  const serverSocket = net.addHost('stun-server', '198.51.100.1').bind(3478);
  const nat = net.addNat('home-nat', { publicAddress: '203.0.113.9', mapping: 'endpoint-independent' });
  const clientSocket = nat.addHost('laptop', '192.168.1.20').bind(5000);
  const server = new BindingServer();
  driveCore(net, serverSocket, serverCore(server));
  const client = new BindingClient({ random: seededRandom(3), software: 'test' });
  const results: BindingClientOutput[] = [];
  const driver = driveCore(net, clientSocket, clientCore(client, results));
  return { net, nat, server, serverAddress: serverSocket.local, client, results, driver };
}

describe('reflexive address discovery through a NAT (simulated network)', () => {
  it('the mapped address is the NAT mapping, not the private address', () => {
    const { net, nat, client, results, driver, serverAddress } = setup();
    client.discover(net.now, serverAddress);
    driver.flush();
    expect(net.runUntil(() => results.length > 0, 60_000)).toBe(true);
    const [r] = results;
    expect(r.type).toBe('mapped');
    if (r.type !== 'mapped') return;
    const [mapping] = nat.mappings(net.now);
    expect(r.mapped).toEqual(mapping.external);
    expect(r.mapped.address).toBe('203.0.113.9');
    expect(r.rtt).toBe(40);
  });

  it('with 50% loss it still succeeds, by retransmitting', () => {
    const { net, client, results, driver, serverAddress, server } = setup(0.5);
    client.discover(net.now, serverAddress);
    driver.flush();
    expect(net.runUntil(() => results.length > 0, 60_000)).toBe(true);
    expect(results[0].type).toBe('mapped');
    expect(client.transactions.stats.retransmissions + server.stats.received).toBeGreaterThan(1);
  });

  it('with the server unreachable it fails with StunTimeoutError at 39.5 s', () => {
    const { net, client, results, driver } = setup();
    const nowhere: Address = { address: '198.51.100.99', port: 3478 };
    client.discover(net.now, nowhere);
    driver.flush();
    expect(net.runUntil(() => results.length > 0, 60_000)).toBe(true);
    const [r] = results;
    expect(r.type).toBe('failed');
    if (r.type !== 'failed') return;
    expect(r.error).toBeInstanceOf(StunTimeoutError);
    expect(net.now).toBe(39_500);
  });

  it('an error response surfaces as StunErrorResponse', () => {
    const c = new BindingClient({ random: seededRandom(1) });
    const server: Address = { address: '192.0.2.1', port: 3478 };
    c.discover(0, server);
    const sent = c.pollOutput();
    if (sent?.type !== 'send') throw new Error('expected a send');
    const { transactionId } = decodeMessage(sent.datagram.data);
    const error = buildMessage({
      class: 'error',
      method: Method.Binding,
      transactionId,
      attributes: [attr('ERROR_CODE', { code: 500, reason: 'Server Error' })],
      fingerprint: true,
    });
    expect(c.handleInput(5, { data: error, remote: server })).toBe(true);
    const out = c.pollOutput();
    expect(out?.type).toBe('failed');
    if (out?.type === 'failed') {
      expect(out.error).toBeInstanceOf(StunErrorResponse);
      expect(out.error).toMatchObject({ code: 500, reason: 'Server Error' });
    }
  });
});
