import { describe, expect, test } from 'vitest';
import { negotiate, runUntil, simPeers, trickle } from './support/call.ts';
import type { RTCDataChannel } from '../src/data-channel.ts';

describe('a whole call between two of our peers on the simulated network', () => {
  test('offer/answer, trickle, ICE, DTLS, SCTP, data channel messages both ways, close', async () => {
    const { net, a, b } = simPeers(1);
    trickle(a.pc, b.pc);
    const chA = a.pc.createDataChannel('chat');
    let chB: RTCDataChannel | undefined;
    b.pc.ondatachannel = (e) => {
      chB = (e as Event & { channel: RTCDataChannel }).channel;
    };
    await negotiate(a.pc, b.pc);
    expect(a.pc.signalingState).toBe('stable');
    expect(b.pc.signalingState).toBe('stable');
    expect(await runUntil(net, () => a.pc.connectionState === 'connected' && b.pc.connectionState === 'connected')).toBe(true);
    expect(await runUntil(net, () => chA.readyState === 'open' && chB?.readyState === 'open')).toBe(true);
    expect(chB!.label).toBe('chat');
    const gotB: unknown[] = [];
    const gotA: unknown[] = [];
    chB!.onmessage = (e) => gotB.push((e as MessageEvent).data);
    chA.onmessage = (e) => gotA.push((e as MessageEvent).data);
    chA.send('hello bob');
    chB!.send('hello alice');
    chB!.send(new Uint8Array([1, 2, 3]));
    expect(await runUntil(net, () => gotB.length === 1 && gotA.length === 2)).toBe(true);
    expect(gotB).toEqual(['hello bob']);
    expect(gotA[0]).toBe('hello alice');
    expect([...new Uint8Array(gotA[1] as ArrayBuffer)]).toEqual([1, 2, 3]);
    // Stats have the W3C types.
    const report = await a.pc.getStats();
    const types = new Set([...report.values()].map((s) => s.type));
    for (const t of ['peer-connection', 'transport', 'candidate-pair', 'local-candidate', 'remote-candidate', 'certificate', 'data-channel']) expect(types).toContain(t);
    // Close: the remote sees its channel close and DTLS close.
    let remoteClosed = false;
    chB!.onclose = () => {
      remoteClosed = true;
    };
    a.pc.close();
    expect(a.pc.connectionState).toBe('closed');
    expect(a.pc.signalingState).toBe('closed');
    expect(a.transport.closed()).toBe(true);
    expect(await runUntil(net, () => remoteClosed && b.pc.core.dtlsState === 'closed', 5_000)).toBe(true);
    expect(a.states).toContain('connection:connected');
    b.pc.close();
  });
});
