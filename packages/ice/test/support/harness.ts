/**
 * Test harness: IceAgents on simulated hosts (netsim), with signaling between them done by the
 * test (candidates and credentials handed over after `signalDelay` ms of virtual time).
 */
import { seededRandom, type Address } from '@rtcstack/common';
import { driveCore, type CoreDriver, type Network, type SimSocket } from '@rtcstack/test-support';
import { IceAgent, type IceAgentOptions, type IceConnectionState, type IceOutput, type SelectedPair } from '../../src/index.ts';

export interface SimAgent {
  readonly name: string;
  readonly agent: IceAgent;
  readonly sockets: SimSocket[];
  readonly driver: CoreDriver;
  readonly states: IceConnectionState[];
  readonly selections: SelectedPair[];
  readonly received: { data: Uint8Array; remote: Address }[];
  readonly sent: { data: Uint8Array; remote: Address; local: Address }[];
  readonly errors: Error[];
  /** Called for each signalled output (candidate, end-of-candidates). */
  onSignal?: (o: IceOutput) => void;
}

export function simAgent(net: Network, name: string, sockets: SimSocket[], options: Partial<IceAgentOptions> & { seed?: number } = {}): SimAgent {
  const agent = new IceAgent({ controlling: false, random: seededRandom(options.seed ?? hash(name)), ...options });
  for (const s of sockets) agent.addLocalAddress(s.local);
  const sim: SimAgent = {
    name,
    agent,
    sockets,
    states: [],
    selections: [],
    received: [],
    sent: [],
    errors: [],
    driver: undefined as unknown as CoreDriver,
  };
  const driver = driveCore(net, sockets, {
    onDatagram: (now, data, from, local) => agent.handleInput(now, { data, remote: from, local }),
    flush: (send) => {
      for (let o = agent.pollOutput(); o; o = agent.pollOutput()) {
        switch (o.type) {
          case 'send':
            sim.sent.push(o);
            send(o.data, o.remote, o.local);
            break;
          case 'connection-state':
            sim.states.push(o.state);
            break;
          case 'selected-pair':
            sim.selections.push(o.pair);
            break;
          case 'data':
            sim.received.push(o);
            break;
          case 'error':
            sim.errors.push(o.error);
            break;
          case 'candidate':
          case 'end-of-candidates':
            sim.onSignal?.(o);
            break;
          default:
            break;
        }
      }
    },
    nextTimeout: () => agent.nextTimeout(),
    handleTimeout: (now) => agent.handleTimeout(now),
  });
  (sim as { driver: CoreDriver }).driver = driver;
  return sim;
}

/** Wire signaling both ways (credentials at once, candidates trickled after `delay` ms), then gather. */
export function connect(net: Network, a: SimAgent, b: SimAgent, delay = 20): void {
  const wire = (from: SimAgent, to: SimAgent): void => {
    from.onSignal = (o) => {
      net.after(delay, () => {
        if (o.type === 'candidate') to.agent.addRemoteCandidate(o.sdp);
        else if (o.type === 'end-of-candidates') to.agent.endOfRemoteCandidates();
      });
    };
  };
  wire(a, b);
  wire(b, a);
  a.agent.setRemoteCredentials(b.agent.localCredentials.ufrag, b.agent.localCredentials.pwd);
  b.agent.setRemoteCredentials(a.agent.localCredentials.ufrag, a.agent.localCredentials.pwd);
  a.agent.gather(net.now);
  b.agent.gather(net.now);
}

export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
