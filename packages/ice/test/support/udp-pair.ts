/** Two UdpIceAgents signalling to each other in-process (credentials, trickled candidates). */
import { UdpIceAgent, type UdpIceAgentOptions } from '../../src/node/index.ts';
import type { IceConnectionState } from '../../src/index.ts';

export interface UdpPair {
  a: UdpIceAgent;
  b: UdpIceAgent;
  states: { a: IceConnectionState[]; b: IceConnectionState[] };
  received: { a: string[]; b: string[] };
  errors: Error[];
  close(): Promise<void>;
}

export async function udpPair(aOpts: Partial<UdpIceAgentOptions>, bOpts: Partial<UdpIceAgentOptions>): Promise<UdpPair> {
  const a = await UdpIceAgent.create({ controlling: true, addresses: ['127.0.0.1'], ...aOpts });
  const b = await UdpIceAgent.create({ controlling: false, addresses: ['127.0.0.1'], ...bOpts });
  const pair: UdpPair = {
    a,
    b,
    states: { a: [], b: [] },
    received: { a: [], b: [] },
    errors: [],
    close: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  };
  const wire = (from: UdpIceAgent, to: UdpIceAgent, name: 'a' | 'b'): void => {
    from.events.candidate = (_c, sdp) => setImmediate(() => to.addRemoteCandidate(sdp));
    from.events.endOfCandidates = () => setImmediate(() => to.endOfRemoteCandidates());
    from.events.connectionState = (s) => pair.states[name].push(s);
    from.events.data = (d) => pair.received[name].push(new TextDecoder().decode(d));
    from.events.error = (e) => pair.errors.push(e);
  };
  wire(a, b, 'a');
  wire(b, a, 'b');
  a.setRemoteCredentials(b.agent.localCredentials.ufrag, b.agent.localCredentials.pwd);
  b.setRemoteCredentials(a.agent.localCredentials.ufrag, a.agent.localCredentials.pwd);
  a.gather();
  b.gather();
  return pair;
}

export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}
