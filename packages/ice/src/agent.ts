/**
 * The ICE agent (RFC 8445), sans-IO: one data stream, one component (WebRTC bundles everything
 * onto component 1 with rtcp-mux), UDP. Trickle (RFC 8838), consent freshness (RFC 7675),
 * restart (§9), lite (§2.5), relayed candidates through TurnClient (RFC 8656).
 *
 * Drive it with handleInput / handleTimeout and drain pollOutput; ask nextTimeout when to wake.
 * STUN (first byte 0..3, RFC 7983) is consumed here; everything else that arrives on a pair a check
 * has vouched for comes out as 'data' for DTLS/SRTP above.
 */
import { ParseError, addressKey, cryptoRandom, randomFloat, sameAddress, type Address, type Datagram, type RandomSource } from '@rtcstack/common';
import {
  BindingClient,
  ClientTransactions,
  ErrorCode,
  Method,
  TRANSACTION_ID_LENGTH,
  attr,
  buildMessage,
  decodeMessage,
  errorReason,
  getAttribute,
  hasAttribute,
  looksLikeStun,
  shortTermKey,
  transactionKey,
  unknownComprehensionRequired,
  verifyFingerprint,
  verifyMessageIntegrity,
  type DecodedMessage,
  type TypedAttribute,
} from '@rtcstack/stun';
import {
  COMPONENT_RTP,
  Foundations,
  TYPE_PREFERENCE,
  candidateFromSdp,
  candidatePriority,
  candidateToSdp,
  pairPriority,
  sameFamily,
  splitPriority,
  type IceCandidate,
} from './candidate.ts';
import { randomCredentials, randomTieBreaker, type IceCredentials } from './credentials.ts';
import { TurnClient } from './turn-client.ts';
import type {
  CandidatePair,
  IceAgentOptions,
  IceAgentStats,
  IceConnectionState,
  IceGatheringState,
  IceOutput,
  SelectedPair,
} from './types.ts';

/** What a check transaction is for. */
type CheckContext =
  | { readonly kind: 'check'; readonly pair: Pair; readonly nominate: boolean; readonly controlling: boolean; readonly priority: number }
  | { readonly kind: 'consent'; readonly pair: Pair };

interface Pair extends CandidatePair {
  /** Credentials of the generation this pair belongs to. */
  readonly creds: { readonly local: IceCredentials; readonly remote: IceCredentials };
  transaction?: Uint8Array;
  nominating: boolean;
}

interface LocalBase {
  readonly address: Address;
  readonly localPreference: number;
  gathered: boolean;
}

interface TurnEntry {
  readonly client: TurnClient;
  readonly base: Address;
  relay?: IceCandidate;
}

export class IceAgent {
  readonly stats: IceAgentStats = {
    checksSent: 0,
    checksReceived: 0,
    triggeredChecks: 0,
    responsesSent: 0,
    malformed: 0,
    badFingerprint: 0,
    badRequest: 0,
    unauthenticated: 0,
    unknownAttributes: 0,
    roleConflicts: 0,
    prflxRemote: 0,
    prflxLocal: 0,
    consentRequests: 0,
    consentResponses: 0,
    dataDropped: 0,
    remoteIgnored: 0,
    reflexiveDiscovered: 0,
    redundantPruned: 0,
    asymmetricResponses: 0,
  };
  readonly lite: boolean;
  readonly tieBreaker: bigint;
  private _controlling: boolean;
  private readonly random: RandomSource;
  private readonly ta: number;
  private readonly rto: number;
  private readonly checkRc: number;
  private readonly nominationDelay: number;
  private readonly immediateNomination: boolean;
  private readonly consentInterval: number;
  private readonly consentTimeout: number;
  private readonly disconnectedTimeout: number;

  private local: IceCredentials;
  /** Credentials of the previous generation, still answered while its pair carries media (§9). */
  private previousLocal: IceCredentials | undefined;
  private remote: IceCredentials | undefined;
  private generation = 0;

  private readonly bases: LocalBase[] = [];
  private readonly foundations = new Foundations();
  private localCandidates: IceCandidate[] = [];
  private remoteCandidates: IceCandidate[] = [];
  private pairs: Pair[] = [];
  private triggered: Pair[] = [];
  private nextPairId = 1;
  private readonly trusted = new Set<string>();

  private readonly transactions: ClientTransactions<CheckContext>;
  /** Which pair each live transaction belongs to (its datagrams leave from that pair's local candidate). */
  private readonly txPairs = new Map<string, Pair>();
  private readonly binding: BindingClient;
  private readonly bindingBase = new Map<string, { readonly base: Address; readonly server: Address }>();
  private readonly turns: TurnEntry[] = [];

  private gatheringState: IceGatheringState = 'new';
  private connectionState: IceConnectionState = 'new';
  private remoteEnded = false;
  private selected: Pair | undefined;
  private lastCheckAt = -Infinity;
  private firstValidAt: number | undefined;
  private lastConsentAt = 0;
  private consentUnansweredSince: number | undefined;
  private nextConsentAt: number | undefined;
  private closed = false;
  /** The local address of the response being processed (set around transactions.handleMessage). */
  private responseLocal: Address | undefined;
  private readonly outputs: IceOutput[] = [];

  constructor(private readonly options: IceAgentOptions) {
    this.random = options.random ?? cryptoRandom;
    this.lite = options.lite ?? false;
    this._controlling = this.lite ? false : options.controlling;
    this.tieBreaker = options.tieBreaker ?? randomTieBreaker(this.random);
    const creds = randomCredentials(this.random);
    this.local = { ufrag: options.localUfrag ?? creds.ufrag, pwd: options.localPwd ?? creds.pwd };
    this.ta = options.ta ?? 50;
    this.rto = options.rto ?? 500;
    this.checkRc = options.checkRc ?? 7;
    this.nominationDelay = options.nominationDelay ?? 100;
    this.immediateNomination = options.immediateNomination ?? false;
    this.consentInterval = options.consentInterval ?? 5000;
    this.consentTimeout = options.consentTimeout ?? 30_000;
    this.disconnectedTimeout = options.disconnectedTimeout ?? 3000;
    this.transactions = new ClientTransactions<CheckContext>({ rto: this.rto, rc: this.checkRc });
    this.binding = new BindingClient({ random: this.random, rto: this.rto });
  }

  // ---- public state ------------------------------------------------------------------------

  get controlling(): boolean {
    return this._controlling;
  }
  get localCredentials(): IceCredentials {
    return this.local;
  }
  get remoteCredentials(): IceCredentials | undefined {
    return this.remote;
  }
  get state(): IceConnectionState {
    return this.connectionState;
  }
  get gathering(): IceGatheringState {
    return this.gatheringState;
  }
  get selectedPair(): SelectedPair | undefined {
    return this.selected && { local: this.selected.validLocal ?? this.selected.local, remote: this.selected.remote };
  }
  /** The checklist, highest priority first (a snapshot for printing). */
  get checklist(): readonly CandidatePair[] {
    return [...this.pairs];
  }
  get localCandidatesList(): readonly IceCandidate[] {
    return [...this.localCandidates];
  }
  get remoteCandidatesList(): readonly IceCandidate[] {
    return [...this.remoteCandidates];
  }
  get turnClients(): readonly TurnClient[] {
    return this.turns.map((t) => t.client);
  }

  // ---- configuration -----------------------------------------------------------------------

  /**
   * A local transport address the caller has a socket bound to (a host candidate's base). The
   * node adapter enumerates interfaces; tests give simulated sockets.
   */
  addLocalAddress(address: Address): void {
    if (this.bases.some((b) => sameAddress(b.address, address))) return;
    // Local preference (§5.1.2.1): earlier addresses first; the RFC 8421 spirit of keeping families apart is the caller's order.
    this.bases.push({ address, localPreference: Math.max(0, 65535 - this.bases.length * 256), gathered: false });
  }

  /** Start gathering (§5.1.1) for every local address not yet gathered. */
  gather(now: number): void {
    this.nowValue = now;
    if (this.closed) return;
    const fresh = this.bases.filter((b) => !b.gathered);
    if (fresh.length === 0 && this.gatheringState !== 'new') return;
    this.setGathering('gathering');
    for (const base of fresh) {
      base.gathered = true;
      this.addLocalCandidate(this.hostCandidate(base));
      if (this.lite) continue; // §2.5: lite agents have host candidates only
      for (const server of this.options.stunServers ?? []) {
        if (!sameFamily(server, base.address)) continue;
        const id = this.binding.discover(now, server);
        this.bindingBase.set(transactionKey(id), { base: base.address, server });
      }
      for (const t of this.options.turnServers ?? []) {
        if (!sameFamily(t.address, base.address)) continue;
        // After a restart the allocation is still ours: keep it rather than allocate again.
        if (this.turns.some((x) => sameAddress(x.base, base.address) && sameAddress(x.client.server, t.address) && x.client.state !== 'failed')) continue;
        const client = new TurnClient({ server: t.address, username: t.username, password: t.password, random: this.random, rto: this.rto });
        const entry: TurnEntry = { client, base: base.address };
        this.turns.push(entry);
        client.allocate(now);
        this.drainTurn(now, entry);
      }
    }
    this.drainBinding(now);
    this.checkGatheringDone();
  }

  /** RFC 8838: the remote side's ufrag and pwd. Pairs wait for these before being checked. */
  setRemoteCredentials(ufrag: string, pwd: string): void {
    if (this.remote && this.remote.ufrag === ufrag && this.remote.pwd === pwd) return;
    this.remote = { ufrag, pwd };
    // Candidates that were trickled before the credentials (RFC 8838 §11) and prflx pairs from
    // early checks can now be paired / checked.
    for (const r of this.remoteCandidates) this.pairWithLocals(r);
    this.updateConnectionState();
  }

  /** A trickled or signalled remote candidate (object or `candidate:` line). */
  addRemoteCandidate(candidate: IceCandidate | string): void {
    if (this.closed) return;
    let c: IceCandidate & { unsupported?: string };
    if (typeof candidate === 'string') {
      try {
        c = candidateFromSdp(candidate);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.stats.remoteIgnored++;
        return;
      }
    } else c = candidate;
    if (c.unsupported || c.component !== COMPONENT_RTP) {
      this.stats.remoteIgnored++;
      return;
    }
    if (this.remote && c.ufrag !== undefined && c.ufrag !== this.remote.ufrag) {
      this.stats.remoteIgnored++; // a candidate of another generation
      return;
    }
    const existing = this.remoteCandidates.find((r) => r.address === c.address && r.port === c.port);
    if (existing) {
      if (existing.type === 'prflx') {
        // §7.3.1.3: a signalled candidate replaces the prflx one learned from checks.
        this.remoteCandidates = this.remoteCandidates.map((r) => (r === existing ? c : r));
        for (const p of this.pairs) {
          if (p.remote !== existing) continue;
          Object.assign(p, { remote: c, foundation: `${p.local.foundation}:${c.foundation}` });
          p.priority = this.priorityOf(p.local, c);
        }
        this.sortPairs();
      }
      return;
    }
    this.remoteCandidates.push(c);
    if (this.remote) this.pairWithLocals(c);
    this.updateConnectionState();
  }

  /** RFC 8838 §13: the peer has no more candidates (needed before declaring failure). */
  endOfRemoteCandidates(): void {
    this.remoteEnded = true;
    this.updateConnectionState();
  }

  /** Send application data (DTLS, SRTP) on the selected pair. False when there is none. */
  send(now: number, data: Uint8Array): boolean {
    this.nowValue = now;
    const p = this.selected;
    if (!p || this.closed || this.connectionState === 'failed') return false;
    this.sendFrom(now, p.local, p.remote, data);
    return true;
  }

  /**
   * ICE restart (§9): new ufrag/pwd, re-gather, forget remote candidates and pairs of the old
   * generation, but keep sending on the selected pair until a new one is selected.
   */
  restart(now: number, credentials?: IceCredentials): IceCredentials {
    this.nowValue = now;
    if (this.connectionState === 'failed') this.selected = undefined; // consent is gone: nothing to keep
    this.previousLocal = this.local;
    this.local = credentials ?? randomCredentials(this.random);
    this.remote = undefined;
    this.generation++;
    this.remoteEnded = false;
    for (const p of this.pairs) if (p !== this.selected) this.cancelCheck(p);
    this.pairs = this.selected ? [this.selected] : [];
    this.triggered = [];
    this.remoteCandidates = [];
    this.firstValidAt = undefined;
    this.localCandidates = this.localCandidates.filter((c) => c.type === 'relay');
    for (const b of this.bases) b.gathered = false;
    this.gatheringState = 'new';
    if (this.connectionState === 'failed' || this.connectionState === 'disconnected') this.setConnection('checking');
    if (this.selected && this.connectionState === 'completed') this.setConnection('connected');
    this.gather(now);
    // Relayed candidates survive (the allocation is still ours); announce them again.
    for (const c of this.localCandidates) if (c.type === 'relay') this.outputs.push({ type: 'candidate', candidate: c, sdp: candidateToSdp(c) });
    return this.local;
  }

  /** Stop: deallocate TURN, state closed. */
  close(now: number): void {
    if (this.closed) return;
    for (const t of this.turns) {
      t.client.close(now);
      this.drainTurn(now, t);
    }
    this.closed = true;
    this.selected = undefined;
    this.setConnection('closed');
  }

  // ---- sans-IO surface ---------------------------------------------------------------------

  handleInput(now: number, datagram: Datagram): void {
    this.nowValue = now;
    const local = datagram.local ?? this.bases[0]?.address;
    if (!local) return;
    // Traffic from a TURN server on the socket its allocation lives on.
    for (const t of this.turns) {
      if (sameAddress(t.base, local) && sameAddress(t.client.server, datagram.remote)) {
        if (t.client.handleInput(now, datagram.data)) {
          this.drainTurn(now, t);
          return;
        }
      }
    }
    if (this.closed) return; // closed: no answers, no data
    this.handleDatagram(now, datagram.data, datagram.remote, local);
  }

  handleTimeout(now: number): void {
    this.nowValue = now;
    if (this.closed) {
      for (const t of this.turns) {
        t.client.handleTimeout(now);
        this.drainTurn(now, t);
      }
      return;
    }
    this.transactions.handleTimeout(now);
    this.drainTransactions(now);
    this.binding.handleTimeout(now);
    this.drainBinding(now);
    for (const t of this.turns) {
      t.client.handleTimeout(now);
      this.drainTurn(now, t);
    }
    if (!this.lite && now >= this.lastCheckAt + this.ta) this.sendNextCheck(now);
    this.maybeNominate(now);
    this.consentTick(now);
    this.updateConnectionState();
  }

  pollOutput(): IceOutput | undefined {
    return this.outputs.shift();
  }

  nextTimeout(): number | undefined {
    const times: number[] = [];
    const push = (t: number | undefined): void => {
      if (t !== undefined && Number.isFinite(t)) times.push(t);
    };
    for (const t of this.turns) push(t.client.nextTimeout());
    // Closed: only the TURN deallocations still need time.
    if (this.closed) return times.length ? Math.min(...times) : undefined;
    push(this.binding.nextTimeout());
    push(this.transactions.nextTimeout());
    if (!this.lite && this.hasCheckToSend()) push(Math.max(this.lastCheckAt + this.ta, 0));
    push(this.nomination(this.nowValue, false));
    if (this.selected && !this.lite && this.connectionState !== 'failed') {
      push(this.nextConsentAt);
      if (this.consentUnansweredSince !== undefined && this.connectionState !== 'disconnected') push(this.consentUnansweredSince + this.disconnectedTimeout);
      push(this.lastConsentAt + this.consentTimeout);
    }
    return times.length ? Math.min(...times) : undefined;
  }

  // ---- candidates --------------------------------------------------------------------------

  private hostCandidate(base: LocalBase): IceCandidate {
    return {
      type: 'host',
      foundation: this.foundations.get('host', base.address.address, undefined),
      component: COMPONENT_RTP,
      transport: 'udp',
      priority: candidatePriority(TYPE_PREFERENCE.host, base.localPreference, COMPONENT_RTP),
      address: base.address.address,
      port: base.address.port,
      base: base.address,
    };
  }

  private localPreferenceOf(base: Address): number {
    return this.bases.find((b) => sameAddress(b.address, base))?.localPreference ?? 65535;
  }

  private addLocalCandidate(c: IceCandidate): void {
    // §5.1.3: same transport address and same base as one we have → redundant (e.g. srflx == host without a NAT).
    const twin = this.localCandidates.find((o) => o.address === c.address && o.port === c.port && o.base && c.base && sameAddress(o.base, c.base));
    if (twin) {
      this.stats.redundantPruned++;
      return;
    }
    this.localCandidates.push(c);
    const relayOnly = this.options.transportPolicy === 'relay';
    if (relayOnly && c.type !== 'relay') return; // kept as a base, never announced nor paired
    if (c.type !== 'prflx') this.outputs.push({ type: 'candidate', candidate: c, sdp: candidateToSdp(c) });
    // §6.1.2.4: srflx candidates pair through their base, which is already paired; only host and relay form pairs.
    if (c.type === 'host' || c.type === 'relay') for (const r of this.remoteCandidates) this.makePair(c, r);
  }

  private pairWithLocals(r: IceCandidate): void {
    const relayOnly = this.options.transportPolicy === 'relay';
    for (const l of this.localCandidates) if (l.type === 'relay' || (l.type === 'host' && !relayOnly)) this.makePair(l, r);
  }

  private makePair(local: IceCandidate, remote: IceCandidate): Pair | undefined {
    if ((!this.remote && !this.lite) || !sameFamily(local, remote)) return undefined;
    // Link-local and loopback mixes are the caller's business; we pair within a family only (§6.1.2.2).
    const existing = this.findPair(local, remote);
    if (existing) return existing;
    const pair: Pair = {
      id: this.nextPairId++,
      local,
      remote,
      foundation: `${local.foundation}:${remote.foundation}`,
      priority: this.priorityOf(local, remote),
      state: 'frozen',
      nominated: false,
      nominatedByPeer: false,
      nominating: false,
      validLocal: undefined,
      generation: this.generation,
      creds: { local: this.local, remote: this.remote ?? { ufrag: '', pwd: '' } },
    };
    this.pairs.push(pair);
    this.sortPairs();
    // §6.1.2.6: per foundation, the highest-priority pair starts Waiting, the others Frozen
    // (kept true as trickled candidates arrive); a foundation that already succeeded is unfrozen
    // (§7.2.5.3.3).
    const siblings = this.pairs.filter((p) => p !== pair && p.foundation === pair.foundation && p.generation === pair.generation);
    if (siblings.some((p) => p.state === 'succeeded')) pair.state = 'waiting';
    else if (!siblings.some((p) => p.state === 'in-progress' || p.state === 'failed')) {
      const waiting = siblings.find((p) => p.state === 'waiting' && !this.triggered.includes(p));
      if (!waiting) pair.state = 'waiting';
      else if (pair.priority > waiting.priority) {
        waiting.state = 'frozen';
        pair.state = 'waiting';
      }
    }
    // §8.1.2: once a pair is nominated, new pairs are not checked.
    if (this.selected && this.selected.generation === this.generation && this.selected.nominated) pair.state = 'frozen';
    return pair;
  }

  private findPair(local: IceCandidate, remote: Address): Pair | undefined {
    return this.pairs.find(
      (p) => p.generation === this.generation && sameAddress(localBaseOf(p.local), localBaseOf(local)) && p.remote.address === remote.address && p.remote.port === remote.port,
    );
  }

  private priorityOf(local: IceCandidate, remote: IceCandidate): bigint {
    // §6.1.2.3: G is the controlling agent's candidate, D the controlled agent's.
    return this._controlling ? pairPriority(local.priority, remote.priority) : pairPriority(remote.priority, local.priority);
  }

  private sortPairs(): void {
    this.pairs.sort((a, b) => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : a.id - b.id));
  }

  // ---- gathering outputs -------------------------------------------------------------------

  private drainBinding(now: number): void {
    for (let o = this.binding.pollOutput(); o; o = this.binding.pollOutput()) {
      if (o.type === 'send') {
        const entry = this.bindingBase.get(transactionKey(o.datagram.data.subarray(8, 20)));
        if (entry) this.emitSend(o.datagram.data, o.datagram.remote, entry.base);
      } else if (o.type === 'mapped') {
        const entry = this.bindingBase.get(transactionKey(o.request.subarray(8, 20)));
        if (!entry) continue;
        this.bindingBase.delete(transactionKey(o.request.subarray(8, 20)));
        this.stats.reflexiveDiscovered++;
        this.addServerReflexive(entry.base, o.mapped, o.server);
      } else {
        this.outputs.push({ type: 'error', error: o.error });
        this.forgetBinding(o.error, o.server);
      }
    }
    this.checkGatheringDone();
  }

  private forgetBinding(error: Error, server: Address): void {
    const id = (error as { transactionId?: Uint8Array }).transactionId ?? (error as { response?: DecodedMessage }).response?.transactionId;
    if (id && this.bindingBase.delete(transactionKey(id))) return;
    // No id to go by: forget one request to that server so gathering can complete.
    for (const [k, v] of this.bindingBase) if (sameAddress(v.server, server)) return void this.bindingBase.delete(k);
  }

  private addServerReflexive(base: Address, mapped: Address, server: Address): void {
    this.addLocalCandidate({
      type: 'srflx',
      foundation: this.foundations.get('srflx', base.address, server.address),
      component: COMPONENT_RTP,
      transport: 'udp',
      priority: candidatePriority(TYPE_PREFERENCE.srflx, this.localPreferenceOf(base), COMPONENT_RTP),
      address: mapped.address,
      port: mapped.port,
      relatedAddress: base.address,
      relatedPort: base.port,
      base,
      server,
    });
  }

  private drainTurn(now: number, t: TurnEntry): void {
    for (let o = t.client.pollOutput(); o; o = t.client.pollOutput()) {
      switch (o.type) {
        case 'send':
          this.emitSend(o.data, t.client.server, t.base);
          break;
        case 'allocated': {
          // RFC 8445 §5.1.1.2: the relayed candidate is its own base; raddr is the mapped address.
          const relay: IceCandidate = {
            type: 'relay',
            foundation: this.foundations.get('relay', t.base.address, t.client.server.address),
            component: COMPONENT_RTP,
            transport: 'udp',
            priority: candidatePriority(TYPE_PREFERENCE.relay, this.localPreferenceOf(t.base), COMPONENT_RTP),
            address: o.relayed.address,
            port: o.relayed.port,
            relatedAddress: o.mapped?.address,
            relatedPort: o.mapped?.port,
            base: o.relayed,
            server: t.client.server,
          };
          t.relay = relay;
          if (o.mapped) this.addServerReflexive(t.base, o.mapped, t.client.server);
          this.addLocalCandidate(relay);
          break;
        }
        case 'data':
          if (t.relay) this.handleDatagram(now, o.data, o.peer, localBaseOf(t.relay));
          break;
        case 'error':
          this.outputs.push({ type: 'error', error: o.error });
          break;
        default:
          break;
      }
    }
    if (!this.closed) this.checkGatheringDone();
  }

  private checkGatheringDone(): void {
    if (this.gatheringState !== 'gathering') return;
    const stunPending = this.bindingBase.size > 0;
    const turnPending = this.turns.some((t) => t.client.state === 'allocating' || t.client.state === 'idle');
    if (stunPending || turnPending) return;
    this.outputs.push({ type: 'end-of-candidates' });
    this.setGathering('complete');
    this.updateConnectionState();
  }

  // ---- sending -----------------------------------------------------------------------------

  private emitSend(data: Uint8Array, remote: Address, local: Address): void {
    this.outputs.push({ type: 'send', data, remote: { address: remote.address, port: remote.port }, local: { address: local.address, port: local.port } });
  }

  /** Send from a local candidate: directly from its base, or through TURN for a relayed one. */
  private sendFrom(now: number, local: IceCandidate, remote: Address, data: Uint8Array): void {
    if (local.type === 'relay') {
      const t = this.turns.find((x) => x.relay && sameAddress(localBaseOf(x.relay), localBaseOf(local)));
      if (!t) return;
      t.client.sendTo(now, remote, data);
      this.drainTurn(now, t);
      return;
    }
    this.emitSend(data, remote, localBaseOf(local));
  }

  private drainTransactions(now: number): void {
    for (let o = this.transactions.pollOutput(); o; o = this.transactions.pollOutput()) {
      if (o.type === 'send') {
        const pair = this.txPairs.get(transactionKey(o.datagram.data.subarray(8, 20)));
        if (pair) this.sendFrom(now, pair.local, o.datagram.remote, o.datagram.data);
      } else if (o.type === 'timeout') {
        this.txPairs.delete(transactionKey(o.transactionId));
        const ctx = o.context;
        if (ctx?.kind === 'check') {
          ctx.pair.transaction = undefined;
          ctx.pair.state = 'failed';
          if (ctx.nominate) ctx.pair.nominating = false;
        }
      } else {
        this.txPairs.delete(transactionKey(o.transactionId));
        if (o.context) this.onResponse(now, o.context, o.response, o.remote);
      }
    }
  }


  // ---- connectivity checks (§7.2) ----------------------------------------------------------

  private hasCheckToSend(): boolean {
    return this.pickCheck() !== undefined;
  }

  private selectedCurrent(): boolean {
    return this.selected !== undefined && this.selected.generation === this.generation;
  }

  /** §6.1.4.2: the triggered queue first, then the best Waiting pair, then unfreeze a Frozen one. */
  private pickCheck(): { pair: Pair; triggered: boolean } | undefined {
    if (!this.remote || this.closed) return undefined;
    this.triggered = this.triggered.filter((p) => p.generation === this.generation && p.state !== 'failed');
    if (this.triggered.length > 0) return { pair: this.triggered[0], triggered: true };
    if (this.selectedCurrent()) return undefined; // §8.1.2: nominated, ordinary checks stop
    const waiting = this.pairs.find((p) => p.generation === this.generation && p.state === 'waiting');
    if (waiting) return { pair: waiting, triggered: false };
    // No Waiting pair: the best Frozen pair whose foundation has nothing Waiting or In-Progress.
    const frozen = this.pairs.find(
      (p) => p.generation === this.generation && p.state === 'frozen' &&
        !this.pairs.some((q) => q.foundation === p.foundation && q.generation === p.generation && (q.state === 'waiting' || q.state === 'in-progress')),
    );
    return frozen && { pair: frozen, triggered: false };
  }

  /** One check per Ta. */
  private sendNextCheck(now: number): void {
    const pick = this.pickCheck();
    if (!pick) return;
    if (pick.triggered) {
      this.triggered.shift();
      this.stats.triggeredChecks++;
    }
    this.lastCheckAt = now;
    this.sendCheck(now, pick.pair, pick.pair.nominating);
  }

  private sendCheck(now: number, pair: Pair, nominate: boolean): void {
    this.cancelCheck(pair);
    // §7.1.1: PRIORITY is what a prflx candidate learned from this check would get.
    const { localPreference } = splitPriority(pair.local.priority);
    const priority = candidatePriority(TYPE_PREFERENCE.prflx, localPreference, pair.local.component);
    const attributes: TypedAttribute[] = [
      attr('USERNAME', `${pair.creds.remote.ufrag}:${pair.creds.local.ufrag}`), // §7.2.2
      attr('PRIORITY', priority),
      this._controlling ? attr('ICE_CONTROLLING', this.tieBreaker) : attr('ICE_CONTROLLED', this.tieBreaker),
    ];
    if (nominate) attributes.push(attr('USE_CANDIDATE', true)); // §7.2.2, §8.1.1
    const key = shortTermKey(pair.creds.remote.pwd);
    const request = buildMessage({ class: 'request', method: Method.Binding, transactionId: this.random(TRANSACTION_ID_LENGTH), attributes, integrity: key, fingerprint: true });
    if (pair.state !== 'succeeded') pair.state = 'in-progress';
    this.stats.checksSent++;
    const tx = transactionKey(request.subarray(8, 20));
    this.txPairs.set(tx, pair);
    pair.transaction = this.transactions.start(now, request, pair.remote, { key, context: { kind: 'check', pair, nominate, controlling: this._controlling, priority } });
    this.drainTransactions(now);
  }

  /** §7.2.5.2.1: a response must come from where the request went and arrive where it left. */
  private symmetric(pair: Pair, from: Address): boolean {
    return sameAddress(from, pair.remote) && (this.responseLocal === undefined || sameAddress(this.responseLocal, localBaseOf(pair.local)));
  }

  private onResponse(now: number, ctx: CheckContext, res: DecodedMessage, from: Address): void {
    const pair = ctx.pair;
    if (ctx.kind === 'consent') {
      if (res.class === 'success' && this.symmetric(pair, from)) {
        this.stats.consentResponses++;
        this.lastConsentAt = now;
        this.consentUnansweredSince = undefined;
      }
      return;
    }
    pair.transaction = undefined;
    // §7.2.5.2.1 (success and error alike): the response must come from where the request went
    // and arrive where it left.
    if (!this.symmetric(pair, from)) {
      this.stats.asymmetricResponses++;
      pair.state = 'failed';
      pair.nominating = false;
      return;
    }
    if (res.class === 'error') {
      let code = 0;
      try {
        code = getAttribute(res, 'ERROR_CODE')?.code ?? 0;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
      }
      if (code === ErrorCode.RoleConflict) {
        // §7.2.5.1: switch role only if we still hold the role we sent; then retry the pair.
        this.stats.roleConflicts++;
        if (ctx.controlling === this._controlling) this.setRole(!this._controlling);
        pair.state = 'waiting';
        if (!this.triggered.includes(pair)) this.triggered.push(pair);
        return;
      }
      pair.state = 'failed'; // §7.2.5.2.4 unrecoverable error
      pair.nominating = false;
      return;
    }
    let mapped: Address | undefined;
    try {
      mapped = getAttribute(res, 'XOR_MAPPED_ADDRESS');
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
    // §7.2.5.3.1: a mapped address we do not know is a peer-reflexive local candidate.
    if (mapped && pair.local.type !== 'relay' && !this.localCandidates.some((c) => c.address === mapped.address && c.port === mapped.port)) {
      this.stats.prflxLocal++;
      const base = localBaseOf(pair.local);
      this.localCandidates.push({
        type: 'prflx',
        foundation: this.foundations.get('prflx', base.address, undefined),
        component: COMPONENT_RTP,
        transport: 'udp',
        priority: ctx.priority,
        address: mapped.address,
        port: mapped.port,
        relatedAddress: base.address,
        relatedPort: base.port,
        base,
      });
    }
    // §7.2.5.3.2: the valid pair's local candidate is the one whose address was mapped (a srflx
    // or prflx candidate behind a NAT; the host or relay candidate itself without one).
    const base = localBaseOf(pair.local);
    pair.validLocal =
      (mapped && this.localCandidates.find((c) => c.address === mapped.address && c.port === mapped.port && c.base && sameAddress(c.base, base))) || pair.local;
    this.trust(base, pair.remote);
    pair.state = 'succeeded';
    if (this.firstValidAt === undefined) this.firstValidAt = now;
    // §7.2.5.3.3: unfreeze pairs with the same foundation.
    for (const p of this.pairs) if (p.state === 'frozen' && p.foundation === pair.foundation && p.generation === pair.generation) p.state = 'waiting';
    // §7.2.5.3.4 / §8.1.1: a successful check that carried USE-CANDIDATE (ours), or one the peer nominated.
    if ((ctx.nominate && this._controlling) || (!this._controlling && pair.nominatedByPeer)) {
      pair.nominated = true;
      pair.nominating = false;
    }
    if (pair === this.selected) {
      // RFC 7675 §5.1: any authenticated success response on the pair renews consent.
      this.lastConsentAt = now;
      this.consentUnansweredSince = undefined;
    }
    this.updateSelection(now);
  }

  private cancelCheck(p: Pair): void {
    if (!p.transaction) return;
    this.transactions.cancel(p.transaction);
    this.txPairs.delete(transactionKey(p.transaction));
    p.transaction = undefined;
  }

  private setRole(controlling: boolean): void {
    if (this.lite && controlling) return;
    this._controlling = controlling;
    for (const p of this.pairs) p.priority = this.priorityOf(p.local, p.remote); // §7.2.5.1: recompute
    this.sortPairs();
    this.outputs.push({ type: 'role', controlling });
  }

  /**
   * Controlling agent, regular nomination (§8.1.1): nominate the best valid pair once no better
   * pair is still being checked, or nominationDelay after the first valid pair, whichever first.
   * Returns when to look again (undefined: nothing to wait for).
   */
  private nomination(now: number, act: boolean): number | undefined {
    if (!this._controlling || this.lite || !this.remote || this.closed) return undefined;
    if (this.pairs.some((p) => p.generation === this.generation && (p.nominating || p.nominated))) return undefined;
    const best = this.pairs.find((p) => p.generation === this.generation && p.state === 'succeeded'); // pairs are sorted
    if (!best) return undefined;
    const deadline = (this.firstValidAt ?? now) + this.nominationDelay;
    const betterPending = this.pairs.some((p) => p.generation === this.generation && p.priority > best.priority && (p.state === 'waiting' || p.state === 'in-progress' || p.state === 'frozen'));
    if (betterPending && now < deadline) return deadline;
    if (act) {
      best.nominating = true;
      this.triggered.unshift(best);
    }
    return now;
  }

  private maybeNominate(now: number): void {
    // nomination() returns `now` only when it acted: the nominated pair heads the triggered queue.
    if (this.nomination(now, true) !== now) return;
    // Opt-in: do not wait for the next Ta slot (types.ts, immediateNomination, for the trade-off).
    if (this.immediateNomination && now < this.lastCheckAt + this.ta) this.sendNextCheck(now);
  }

  /** Pick the selected pair: the best nominated valid pair of the current generation. */
  private updateSelection(now: number): void {
    const candidates = this.pairs.filter((p) => p.generation === this.generation && p.nominated && p.state === 'succeeded');
    const best = candidates[0];
    if (!best || best === this.selected) return;
    this.selected = best;
    this.previousLocal = undefined;
    this.lastConsentAt = now;
    this.consentUnansweredSince = undefined;
    this.scheduleConsent(now);
    // §8.1.2: stop checking the rest: Waiting/Frozen pairs go, lower In-Progress ones stop.
    for (const p of this.pairs) {
      if (p === best || p.generation !== this.generation) continue;
      if (p.state === 'waiting' || p.state === 'frozen') p.state = 'failed';
      if (p.state === 'in-progress' && p.priority < best.priority && p.transaction) {
        this.cancelCheck(p);
        p.state = 'failed';
      }
    }
    this.pairs = this.pairs.filter((p) => p.generation === this.generation);
    this.triggered = this.triggered.filter((p) => p === best);
    this.outputs.push({ type: 'selected-pair', pair: { local: best.validLocal ?? best.local, remote: best.remote } });
    this.updateConnectionState();
  }

  // ---- incoming ----------------------------------------------------------------------------

  private handleDatagram(now: number, data: Uint8Array, remote: Address, local: Address): void {
    if (data.length > 0 && data[0] < 4) {
      if (!looksLikeStun(data)) {
        this.stats.malformed++;
        return;
      }
      let msg: DecodedMessage;
      try {
        msg = decodeMessage(data);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.stats.malformed++;
        return;
      }
      if (verifyFingerprint(msg) === 'invalid') {
        this.stats.badFingerprint++;
        return;
      }
      if (msg.class === 'request') return this.handleRequest(now, msg, remote, local);
      if (msg.class === 'indication') return; // Binding indications: keepalives (§11)
      if (this.binding.handleInput(now, { data, remote, local })) {
        this.drainBinding(now);
        return;
      }
      // Responses come out of drainTransactions synchronously; onResponse checks this address.
      this.responseLocal = local;
      this.transactions.handleMessage(now, msg, remote);
      this.drainTransactions(now);
      this.responseLocal = undefined;
      // A success may settle the nomination (§8.1.1): decide now, not one timer wake-up later.
      this.maybeNominate(now);
      return;
    }
    // Not STUN: DTLS, SRTP, ... only from a pair a check has vouched for.
    if (!this.trusted.has(trustKey(local, remote))) {
      this.stats.dataDropped++;
      return;
    }
    this.outputs.push({ type: 'data', data, remote, local });
  }

  /** Answers leave from where the request arrived: a base, or a relayed address via TURN. */
  private reply(data: Uint8Array, remote: Address, local: Address): void {
    const t = this.turns.find((x) => x.relay && sameAddress(localBaseOf(x.relay), local));
    if (t) {
      t.client.sendTo(this.nowValue, remote, data);
      this.drainTurn(this.nowValue, t);
    } else this.emitSend(data, remote, local);
  }

  private trust(local: Address, remote: Address): void {
    this.trusted.add(trustKey(local, remote));
  }

  /** §7.3: answer a Binding request (a connectivity or consent check from the peer). */
  private handleRequest(now: number, req: DecodedMessage, remote: Address, local: Address): void {
    if (req.method !== Method.Binding) return this.respondError(req, remote, local, 400, undefined);
    this.stats.checksReceived++;
    let username: string | undefined;
    let priority: number | undefined;
    let controlling: bigint | undefined;
    let controlled: bigint | undefined;
    let useCandidate = false;
    try {
      username = getAttribute(req, 'USERNAME');
      priority = getAttribute(req, 'PRIORITY');
      controlling = getAttribute(req, 'ICE_CONTROLLING');
      controlled = getAttribute(req, 'ICE_CONTROLLED');
      useCandidate = hasAttribute(req, 'USE_CANDIDATE');
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.stats.badRequest++;
      return this.respondError(req, remote, local, 400, undefined);
    }
    const hasIntegrity = hasAttribute(req, 'MESSAGE_INTEGRITY');
    // RFC 8489 §9.1.3: without USERNAME or MESSAGE-INTEGRITY → 400.
    if (username === undefined || !hasIntegrity) {
      this.stats.badRequest++;
      return this.respondError(req, remote, local, 400, undefined);
    }
    // §7.3 / §7.2.2: USERNAME is "our ufrag:their ufrag"; the key is our password (of that
    // generation). Without the colon and both parts it is no valid username (RFC 8489 §9.1.3: 401).
    const colon = username.indexOf(':');
    const ours = colon > 0 && colon < username.length - 1 ? username.slice(0, colon) : undefined;
    const creds = ours === undefined ? undefined : ours === this.local.ufrag ? this.local : ours === this.previousLocal?.ufrag ? this.previousLocal : undefined;
    if (!creds) {
      this.stats.unauthenticated++;
      return this.respondError(req, remote, local, 401, undefined);
    }
    const key = shortTermKey(creds.pwd);
    if (verifyMessageIntegrity(req, key) !== 'valid') {
      this.stats.unauthenticated++;
      return this.respondError(req, remote, local, 401, undefined);
    }
    const unknown = unknownComprehensionRequired(req);
    if (unknown.length > 0) {
      this.stats.unknownAttributes++;
      return this.respondError(req, remote, local, 420, key, [attr('UNKNOWN_ATTRIBUTES', unknown)]);
    }
    // §7.3: PRIORITY and one of ICE-CONTROLLING / ICE-CONTROLLED are mandatory in checks.
    if (priority === undefined || (controlling === undefined && controlled === undefined)) {
      this.stats.badRequest++;
      return this.respondError(req, remote, local, 400, key);
    }
    // §7.3.1.1: role conflicts.
    if (controlling !== undefined && this._controlling) {
      this.stats.roleConflicts++;
      if (this.tieBreaker >= controlling) return this.respondError(req, remote, local, 487, key);
      this.setRole(false);
    } else if (controlled !== undefined && !this._controlling) {
      this.stats.roleConflicts++;
      if (this.tieBreaker >= controlled) this.setRole(true);
      else return this.respondError(req, remote, local, 487, key);
    }
    // Success response (§7.3.1.2): XOR-MAPPED-ADDRESS = where it came from, integrity with our pwd.
    this.stats.responsesSent++;
    this.reply(
      buildMessage({
        class: 'success',
        method: Method.Binding,
        transactionId: req.transactionId,
        attributes: [attr('XOR_MAPPED_ADDRESS', remote)],
        integrity: key,
        fingerprint: true,
      }),
      remote,
      local,
    );
    this.trust(local, remote);
    if (creds !== this.local) return; // an old generation's consent check: answered, nothing more
    this.onAuthenticatedCheck(now, remote, local, priority, useCandidate);
  }

  private onAuthenticatedCheck(now: number, remote: Address, local: Address, priority: number, useCandidate: boolean): void {
    // §7.3.1.3: a source address we do not know is a peer-reflexive remote candidate.
    let r = this.remoteCandidates.find((c) => c.address === remote.address && c.port === remote.port);
    if (!r) {
      this.stats.prflxRemote++;
      r = {
        type: 'prflx',
        foundation: `p${this.stats.prflxRemote}`,
        component: COMPONENT_RTP,
        transport: 'udp',
        priority,
        address: remote.address,
        port: remote.port,
      };
      this.remoteCandidates.push(r);
    }
    const relayOnly = this.options.transportPolicy === 'relay';
    const l = this.localCandidates.find((c) => (c.type === 'relay' || (c.type === 'host' && !relayOnly)) && sameAddress(localBaseOf(c), local));
    if (!l) return;
    if (!this.remote && !this.lite) {
      // Credentials not known yet (trickle): the prflx candidate is kept and paired when they come.
      return;
    }
    const pair = this.makePair(l, r) ?? this.findPair(l, r);
    if (!pair) return;
    if (useCandidate && !this._controlling) pair.nominatedByPeer = true;
    if (this.lite) {
      // §2.5 lite: no checks of our own; a check with USE-CANDIDATE selects the pair.
      pair.state = 'succeeded';
      if (useCandidate) pair.nominated = true;
      this.updateSelection(now);
      return;
    }
    // §7.3.1.4: triggered checks.
    switch (pair.state) {
      case 'succeeded':
        if (pair.nominatedByPeer && !this._controlling) {
          pair.nominated = true; // §7.3.1.5
          this.updateSelection(now);
        }
        break;
      case 'in-progress':
        break; // the check in flight will do
      default:
        if (this.selected?.nominated && this.selected.generation === this.generation && pair !== this.selected && !useCandidate) break;
        pair.state = 'waiting';
        if (!this.triggered.includes(pair)) this.triggered.push(pair);
    }
  }

  private respondError(req: DecodedMessage, remote: Address, local: Address, code: number, key: Uint8Array | undefined, extra: TypedAttribute[] = []): void {
    this.reply(
      buildMessage({
        class: 'error',
        method: req.method,
        transactionId: req.transactionId,
        attributes: [attr('ERROR_CODE', { code, reason: errorReason[code] ?? 'Error' }), ...extra],
        integrity: key,
        fingerprint: true,
      }),
      remote,
      local,
    );
  }

  // ---- consent (RFC 7675) and states --------------------------------------------------------

  private scheduleConsent(now: number): void {
    // §5.1: randomised to 0.8–1.2 × the interval, so that agents do not synchronise.
    this.nextConsentAt = now + this.consentInterval * (0.8 + 0.4 * randomFloat(this.random));
  }

  private consentTick(now: number): void {
    const p = this.selected;
    if (!p || this.lite || this.connectionState === 'failed' || this.connectionState === 'closed') return;
    if (this.nextConsentAt !== undefined && now >= this.nextConsentAt) {
      this.scheduleConsent(now);
      const attributes: TypedAttribute[] = [
        attr('USERNAME', `${p.creds.remote.ufrag}:${p.creds.local.ufrag}`),
        attr('PRIORITY', candidatePriority(TYPE_PREFERENCE.prflx, splitPriority(p.local.priority).localPreference, p.local.component)),
        this._controlling ? attr('ICE_CONTROLLING', this.tieBreaker) : attr('ICE_CONTROLLED', this.tieBreaker),
      ];
      const key = shortTermKey(p.creds.remote.pwd);
      const request = buildMessage({ class: 'request', method: Method.Binding, transactionId: this.random(TRANSACTION_ID_LENGTH), attributes, integrity: key, fingerprint: true });
      this.stats.consentRequests++;
      if (this.consentUnansweredSince === undefined) this.consentUnansweredSince = now;
      this.txPairs.set(transactionKey(request.subarray(8, 20)), p);
      // Retransmitted like any request (RTO), abandoned before the next consent check is due.
      this.transactions.start(now, request, p.remote, { key, context: { kind: 'consent', pair: p }, rc: 4, rm: 4 });
      this.drainTransactions(now);
    }
  }

  private updateConnectionState(): void {
    if (this.closed) return;
    const now = this.lastNow();
    let next: IceConnectionState = this.connectionState;
    if (this.selected) {
      if (!this.lite && now - this.lastConsentAt >= this.consentTimeout) next = 'failed'; // RFC 7675 §5.1: consent expired
      else if (!this.lite && this.consentUnansweredSince !== undefined && now - this.consentUnansweredSince >= this.disconnectedTimeout) next = 'disconnected';
      else {
        const checking = this.pairs.some((p) => p.generation === this.generation && (p.state === 'waiting' || p.state === 'in-progress'));
        const doneLocally = this.gatheringState === 'complete' && this.remoteEnded && !checking && this.selected.generation === this.generation;
        next = doneLocally ? 'completed' : 'connected';
      }
      if (this.connectionState === 'failed' && next !== 'failed' && this.selected.generation !== this.generation) next = 'failed';
    } else if (this.remote && this.pairs.some((p) => p.generation === this.generation)) {
      const allFailed = this.pairs.every((p) => p.generation !== this.generation || p.state === 'failed');
      next = allFailed && this.remoteEnded && this.gatheringState === 'complete' ? 'failed' : 'checking';
    } else if (this.remote && this.remoteEnded && this.gatheringState === 'complete' && !this.lite && this.remoteCandidates.length > 0) {
      next = 'failed';
    } else if (this.remote && this.connectionState === 'new' && this.remoteCandidates.length > 0) {
      next = 'checking';
    }
    this.setConnection(next);
  }

  private nowValue = 0;
  private lastNow(): number {
    return this.nowValue;
  }

  private setConnection(s: IceConnectionState): void {
    if (s === this.connectionState) return;
    // W3C webrtc-pc §5.6: a connection is 'connected' before it is 'completed'.
    if (s === 'completed' && this.connectionState !== 'connected') this.setConnection('connected');
    this.connectionState = s;
    this.outputs.push({ type: 'connection-state', state: s });
  }

  private setGathering(s: IceGatheringState): void {
    if (s === this.gatheringState) return;
    this.gatheringState = s;
    this.outputs.push({ type: 'gathering-state', state: s });
  }
}

function localBaseOf(c: IceCandidate): Address {
  return c.base ?? { address: c.address, port: c.port };
}

function trustKey(local: Address, remote: Address): string {
  return `${addressKey(local)}|${addressKey(remote)}`;
}

