import { describe, expect, test } from 'vitest';
import { seededRandom, type Address } from '@rtcstack/common';
import { Method, decodeMessage, getAttribute, hasAttribute, looksLikeChannelData } from '@rtcstack/stun';
import { TurnClient, TurnError, type TurnOutput } from '../src/index.ts';
import { SimTurnServer } from './support/turn-server.ts';

const SERVER: Address = { address: '198.51.100.5', port: 3478 };
const CLIENT: Address = { address: '203.0.113.1', port: 40000 };
const RELAY: Address = { address: '198.51.100.5', port: 49160 };
const PEER: Address = { address: '192.0.2.9', port: 7000 };

/** Client and server wired back to back, lossless, zero delay; returns what the client reported. */
function rig(options: { password?: string; staleNonces?: number; lifetime?: number } = {}) {
  const server = new SimTurnServer({ listen: SERVER, relays: [RELAY], realm: 'example.test', users: { alice: 'alicepass' }, staleNonces: options.staleNonces });
  const client = new TurnClient({ server: SERVER, username: 'alice', password: options.password ?? 'alicepass', random: seededRandom(4), lifetime: options.lifetime });
  const events: TurnOutput[] = [];
  const wire: Uint8Array[] = [];
  const toPeer: { data: Uint8Array; from: Address }[] = [];
  const pump = (now: number) => {
    for (let i = 0; i < 100; i++) {
      let moved = false;
      for (let o = client.pollOutput(); o; o = client.pollOutput()) {
        moved = true;
        if (o.type === 'send') {
          wire.push(o.data);
          server.handleInput(now, { data: o.data, remote: CLIENT, local: SERVER });
        } else events.push(o);
      }
      for (let d = server.pollOutput(); d; d = server.pollOutput()) {
        moved = true;
        if (d.remote.port === CLIENT.port) client.handleInput(now, d.data);
        else toPeer.push({ data: d.data, from: d.local! });
      }
      if (!moved) return;
    }
  };
  return { server, client, events, wire, toPeer, pump };
}

describe('TURN client (RFC 8656) against the simulated server', () => {
  test('Allocate: 401 with REALM and NONCE, then the authenticated retry succeeds', () => {
    const r = rig();
    r.client.allocate(0);
    r.pump(0);
    const [first, second] = r.wire.map((w) => decodeMessage(w));
    expect(first.method).toBe(Method.Allocate);
    expect(hasAttribute(first, 'MESSAGE_INTEGRITY')).toBe(false);
    expect(getAttribute(first, 'REQUESTED_TRANSPORT')).toBe(17);
    expect(getAttribute(second, 'USERNAME')).toBe('alice');
    expect(getAttribute(second, 'REALM')).toBe('example.test');
    expect(getAttribute(second, 'NONCE')).toBe('nonce-0');
    expect(r.events).toEqual([{ type: 'allocated', relayed: RELAY, mapped: CLIENT, lifetime: 600 }]);
    expect(r.client.state).toBe('allocated');
  });

  test('438 Stale Nonce → retried with the new nonce', () => {
    const r = rig({ staleNonces: 1 });
    r.client.allocate(0);
    r.pump(0);
    expect(r.client.stats.staleNonce).toBe(1);
    expect(r.client.state).toBe('allocated');
    const last = decodeMessage(r.wire[r.wire.length - 1]);
    expect(getAttribute(last, 'NONCE')).toBe('nonce-1');
  });

  test('a server that keeps saying 438 is given up on after 3 retries (reported, no loop)', () => {
    const r = rig({ staleNonces: 100 });
    r.client.allocate(0);
    r.pump(0);
    expect(r.client.stats.staleNonce).toBe(3);
    expect(r.client.state).toBe('failed');
    const err = r.events.find((e) => e.type === 'error');
    expect(err?.type === 'error' && err.error instanceof TurnError && err.error.code).toBe(438);
  });

  test('wrong password: a 401 to the authenticated request is reported as an error event, never thrown', () => {
    const r = rig({ password: 'wrong' });
    r.client.allocate(0);
    expect(() => r.pump(0)).not.toThrow();
    const err = r.events.find((e) => e.type === 'error');
    expect(err && err.type === 'error' && err.error).toBeInstanceOf(TurnError);
    expect(err?.type === "error" && err.error instanceof TurnError && err.error.code).toBe(401);
    expect(r.client.state).toBe('failed');
  });

  test('Refresh a minute before expiry; close sends Refresh LIFETIME 0 and the allocation is gone', () => {
    const r = rig({ lifetime: 600 });
    r.client.allocate(0);
    r.pump(0);
    expect(r.client.nextTimeout()).toBe(540_000);
    r.client.handleTimeout(540_000);
    r.pump(540_000);
    expect(r.events.some((e) => e.type === 'refreshed')).toBe(true);
    expect(r.server.stats.refreshes).toBe(1);
    r.client.close(541_000);
    r.pump(541_000);
    const last = decodeMessage(r.wire[r.wire.length - 1]);
    expect(last.method).toBe(Method.Refresh);
    expect(getAttribute(last, 'LIFETIME')).toBe(0);
    expect(r.server.allocationCount).toBe(0);
    expect(r.client.state).toBe('closed');
  });

  test('sendTo: CreatePermission, then Send indications, then ChannelBind and ChannelData; Data back', () => {
    const r = rig();
    r.client.allocate(0);
    r.pump(0);
    r.client.sendTo(10, PEER, Uint8Array.of(1, 2, 3));
    r.pump(10);
    expect(r.events.map((e) => e.type)).toEqual(['allocated', 'permission', 'channel']);
    expect(r.toPeer.map((p) => [...p.data])).toEqual([[1, 2, 3]]);
    expect(r.client.stats.sendIndications).toBe(1);
    expect(r.client.channelFor(PEER)).toBe(0x4000);
    r.client.sendTo(20, PEER, Uint8Array.of(4));
    r.pump(20);
    expect(looksLikeChannelData(r.wire[r.wire.length - 1])).toBe(true);
    expect(r.toPeer.map((p) => [...p.data])).toEqual([[1, 2, 3], [4]]);
    // The peer answers to the relayed address: ChannelData to us.
    r.server.handleInput(30, { data: Uint8Array.of(9, 9), remote: PEER, local: RELAY });
    r.pump(30);
    expect(r.events[r.events.length - 1]).toEqual({ type: 'data', peer: PEER, data: Uint8Array.of(9, 9), via: 'channel-data' });
    // Permissions are refreshed before their 5 minutes run out, channels before 10.
    r.client.handleTimeout(240_010);
    r.pump(240_010);
    expect(r.server.stats.permissions).toBe(2);
    r.client.handleTimeout(480_010);
    r.pump(480_010);
    expect(r.server.stats.channelBinds).toBe(2); // channels refreshed before their 10 minutes
  });

  test('a peer without a permission is dropped by the server; malformed server bytes are counted', () => {
    const r = rig();
    r.client.allocate(0);
    r.pump(0);
    r.server.handleInput(5, { data: Uint8Array.of(1), remote: PEER, local: RELAY });
    r.pump(5);
    expect(r.events.filter((e) => e.type === 'data')).toEqual([]);
    expect(r.client.handleInput(6, Uint8Array.of(0x40, 0x00, 0x00, 0x09))).toBe(true);
    expect(r.client.stats.malformed).toBe(1);
  });
});
