/**
 * The ICE agent (RFC 8445), sans-IO: one data stream, one component (WebRTC bundles everything
 * onto component 1 with rtcp-mux), UDP. Trickle (RFC 8838), consent freshness (RFC 7675),
 * restart (§9), lite (§2.5), relayed candidates through TurnClient (RFC 8656).
 *
 * Drive it with handleInput / handleTimeout and drain pollOutput; ask nextTimeout when to wake.
 * STUN (first byte 0..3, RFC 7983) is consumed here; everything else that arrives on a pair a check
 * has vouched for comes out as 'data' for DTLS/SRTP above.
 *
 * This class is the state machine: it owns the state and the I/O plumbing, and delegates the
 * protocol rules to plain functions, one RFC section per file: gathering.ts (§5.1),
 * checklist.ts (§6.1.2), checks.ts (§7.2), answer.ts (§7.3), nomination.ts (§8), consent.ts
 * (RFC 7675, W3C states). Restart (§9) and lite (§2.5) touch everything, so they live here.
 */
import { ParseError, sameAddress, type Address, type Datagram, type RandomSource, cryptoRandom } from '@rtcstack/common';
import {
  BindingClient,
  ClientTransactions,
  ErrorCode,
  Method,
  decodeMessage,
  looksLikeStun,
  transactionKey,
  verifyFingerprint,
  type DecodedMessage,
  type TypedAttribute,
} from '@rtcstack/stun';
import { COMPONENT_RTP, Foundations, candidateFromSdp, candidateToSdp, sameFamily, type IceCandidate } from './candidate.ts';
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
import { localBaseOf, trustKey, type CheckContext, type Pair } from './pair.ts';
import {
  formsPairs,
  hostCandidate,
  isRedundant,
  localPreferenceFor,
  localPreferenceOf,
  relayedCandidate,
  serverReflexiveCandidate,
  type LocalBase,
  type TurnEntry,
} from './gathering.ts';
import { findPair, initialState, newPair, nextCheck, priorityOf, sortPairs, trigger, unfreezeFoundation } from './checklist.ts';
import { checkRequest, errorCodeOf, isSymmetric, mappedAddressOf, peerReflexiveLocal, validLocalOf } from './checks.ts';
import { acceptCheck, errorResponse, peerReflexiveRemote, resolveRoleConflict, successResponse } from './answer.ts';
import { bestNominated, nominationDecision, stopOtherChecks } from './nomination.ts';
import { connectionStateFor, connectionTransitions, consentWakeups, nextConsentCheckAt, type ConsentClock } from './consent.ts';

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
    this.bases.push({ address, localPreference: localPreferenceFor(this.bases.length), gathered: false });
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
      this.addLocalCandidate(hostCandidate(base, this.foundations));
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
          p.priority = priorityOf(this._controlling, p.local, c);
        }
        sortPairs(this.pairs);
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
      for (const t of consentWakeups(this.consentClock(), this.nextConsentAt, this.connectionState)) push(t);
    }
    return times.length ? Math.min(...times) : undefined;
  }

  // ---- candidates and the checklist (§5.1.3, §6.1.2) ----------------------------------------

  private addLocalCandidate(c: IceCandidate): void {
    if (isRedundant(this.localCandidates, c)) {
      this.stats.redundantPruned++;
      return;
    }
    this.localCandidates.push(c);
    const relayOnly = this.options.transportPolicy === 'relay';
    if (relayOnly && c.type !== 'relay') return; // kept as a base, never announced nor paired
    if (c.type !== 'prflx') this.outputs.push({ type: 'candidate', candidate: c, sdp: candidateToSdp(c) });
    if (formsPairs(c, relayOnly)) for (const r of this.remoteCandidates) this.makePair(c, r);
  }

  private pairWithLocals(r: IceCandidate): void {
    const relayOnly = this.options.transportPolicy === 'relay';
    for (const l of this.localCandidates) if (formsPairs(l, relayOnly)) this.makePair(l, r);
  }

  private makePair(local: IceCandidate, remote: IceCandidate): Pair | undefined {
    if ((!this.remote && !this.lite) || !sameFamily(local, remote)) return undefined;
    // Link-local and loopback mixes are the caller's business; we pair within a family only (§6.1.2.2).
    const existing = findPair(this.pairs, this.generation, local, remote);
    if (existing) return existing;
    const creds = { local: this.local, remote: this.remote ?? { ufrag: '', pwd: '' } };
    const pair = newPair(this.nextPairId++, local, remote, priorityOf(this._controlling, local, remote), this.generation, creds);
    this.pairs.push(pair);
    sortPairs(this.pairs);
    initialState(pair, this.pairs, this.triggered);
    // §8.1.2: once a pair is nominated, new pairs are not checked.
    if (this.selected && this.selected.generation === this.generation && this.selected.nominated) pair.state = 'frozen';
    return pair;
  }

  // ---- gathering: STUN and TURN results (§5.1.1) --------------------------------------------

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
    this.addLocalCandidate(serverReflexiveCandidate(base, mapped, server, localPreferenceOf(this.bases, base), this.foundations));
  }

  private drainTurn(now: number, t: TurnEntry): void {
    for (let o = t.client.pollOutput(); o; o = t.client.pollOutput()) {
      switch (o.type) {
        case 'send':
          this.emitSend(o.data, t.client.server, t.base);
          break;
        case 'allocated': {
          // The relay's foundation is taken before the srflx one (foundations are numbered in order).
          const relay = relayedCandidate(t.base, t.client.server, o.relayed, o.mapped, localPreferenceOf(this.bases, t.base), this.foundations);
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

  // ---- sending: from a base, or through TURN ------------------------------------------------

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
    return nextCheck(this.pairs, this.triggered, this.generation, this.selectedCurrent());
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
    const { request, key, priority } = checkRequest(pair, this._controlling, this.tieBreaker, nominate, this.random);
    if (pair.state !== 'succeeded') pair.state = 'in-progress';
    this.stats.checksSent++;
    const tx = transactionKey(request.subarray(8, 20));
    this.txPairs.set(tx, pair);
    pair.transaction = this.transactions.start(now, request, pair.remote, { key, context: { kind: 'check', pair, nominate, controlling: this._controlling, priority } });
    this.drainTransactions(now);
  }

  /** §7.2.5.2.1, for the response being processed. */
  private symmetric(pair: Pair, from: Address): boolean {
    return isSymmetric(pair, from, this.responseLocal);
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
      if (errorCodeOf(res) === ErrorCode.RoleConflict) {
        // §7.2.5.1: switch role only if we still hold the role we sent; then retry the pair.
        this.stats.roleConflicts++;
        if (ctx.controlling === this._controlling) this.setRole(!this._controlling);
        trigger(pair, this.triggered);
        return;
      }
      pair.state = 'failed'; // §7.2.5.2.4 unrecoverable error
      pair.nominating = false;
      return;
    }
    const mapped = mappedAddressOf(res);
    const prflx = peerReflexiveLocal(pair, mapped, ctx.priority, this.localCandidates, this.foundations);
    if (prflx) {
      this.stats.prflxLocal++;
      this.localCandidates.push(prflx);
    }
    pair.validLocal = validLocalOf(pair, mapped, this.localCandidates);
    this.trust(localBaseOf(pair.local), pair.remote);
    pair.state = 'succeeded';
    if (this.firstValidAt === undefined) this.firstValidAt = now;
    unfreezeFoundation(this.pairs, pair);
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
    for (const p of this.pairs) p.priority = priorityOf(controlling, p.local, p.remote); // §7.2.5.1: recompute
    sortPairs(this.pairs);
    this.outputs.push({ type: 'role', controlling });
  }

  // ---- nomination and the selected pair (§8) -----------------------------------------------

  /**
   * Controlling agent, regular nomination (§8.1.1): nominate the best valid pair once no better
   * pair is still being checked, or nominationDelay after the first valid pair, whichever first.
   * Returns when to look again (undefined: nothing to wait for).
   */
  private nomination(now: number, act: boolean): number | undefined {
    if (!this._controlling || this.lite || !this.remote || this.closed) return undefined;
    const d = nominationDecision({ pairs: this.pairs, generation: this.generation, now, firstValidAt: this.firstValidAt, nominationDelay: this.nominationDelay });
    if (!('nominate' in d)) return d.wakeAt;
    if (act) {
      d.nominate.nominating = true;
      this.triggered.unshift(d.nominate);
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
    const best = bestNominated(this.pairs, this.generation);
    if (!best || best === this.selected) return;
    this.selected = best;
    this.previousLocal = undefined;
    this.lastConsentAt = now;
    this.consentUnansweredSince = undefined;
    this.scheduleConsent(now);
    stopOtherChecks(this.pairs, best, this.generation, (p) => this.cancelCheck(p));
    this.pairs = this.pairs.filter((p) => p.generation === this.generation);
    this.triggered = this.triggered.filter((p) => p === best);
    this.outputs.push({ type: 'selected-pair', pair: { local: best.validLocal ?? best.local, remote: best.remote } });
    this.updateConnectionState();
  }

  // ---- incoming: demultiplexing, answering checks (§7.3) -----------------------------------

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
    const check = acceptCheck(req, this.local, this.previousLocal);
    if (!check.ok) {
      this.stats[check.stat]++;
      return this.respondError(req, remote, local, check.code, check.key, check.extra);
    }
    switch (resolveRoleConflict(this._controlling, this.tieBreaker, check)) {
      case 'reply-487':
        this.stats.roleConflicts++;
        return this.respondError(req, remote, local, 487, check.key);
      case 'become-controlled':
        this.stats.roleConflicts++;
        this.setRole(false);
        break;
      case 'become-controlling':
        this.stats.roleConflicts++;
        this.setRole(true);
        break;
      case 'none':
        break;
    }
    this.stats.responsesSent++;
    this.reply(successResponse(req, remote, check.key), remote, local);
    this.trust(local, remote);
    if (check.creds !== this.local) return; // an old generation's consent check: answered, nothing more
    this.onAuthenticatedCheck(now, remote, local, check.priority, check.useCandidate);
  }

  private onAuthenticatedCheck(now: number, remote: Address, local: Address, priority: number, useCandidate: boolean): void {
    // §7.3.1.3: a source address we do not know is a peer-reflexive remote candidate.
    let r = this.remoteCandidates.find((c) => c.address === remote.address && c.port === remote.port);
    if (!r) {
      this.stats.prflxRemote++;
      r = peerReflexiveRemote(remote, priority, this.stats.prflxRemote);
      this.remoteCandidates.push(r);
    }
    const relayOnly = this.options.transportPolicy === 'relay';
    const l = this.localCandidates.find((c) => formsPairs(c, relayOnly) && sameAddress(localBaseOf(c), local));
    if (!l) return;
    if (!this.remote && !this.lite) {
      // Credentials not known yet (trickle): the prflx candidate is kept and paired when they come.
      return;
    }
    const pair = this.makePair(l, r) ?? findPair(this.pairs, this.generation, l, r);
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
        trigger(pair, this.triggered);
    }
  }

  private respondError(req: DecodedMessage, remote: Address, local: Address, code: number, key: Uint8Array | undefined, extra: readonly TypedAttribute[] = []): void {
    this.reply(errorResponse(req, code, key, extra), remote, local);
  }

  // ---- consent (RFC 7675) and states --------------------------------------------------------

  private scheduleConsent(now: number): void {
    this.nextConsentAt = nextConsentCheckAt(now, this.consentInterval, this.random);
  }

  private consentClock(): ConsentClock {
    return {
      lastConsentAt: this.lastConsentAt,
      consentUnansweredSince: this.consentUnansweredSince,
      consentTimeout: this.consentTimeout,
      disconnectedTimeout: this.disconnectedTimeout,
    };
  }

  private consentTick(now: number): void {
    const p = this.selected;
    if (!p || this.lite || this.connectionState === 'failed' || this.connectionState === 'closed') return;
    if (this.nextConsentAt !== undefined && now >= this.nextConsentAt) {
      this.scheduleConsent(now);
      // The same Binding request as a check, without USE-CANDIDATE (RFC 7675 §5.1).
      const { request, key } = checkRequest(p, this._controlling, this.tieBreaker, false, this.random);
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
    const next = connectionStateFor({
      ...this.consentClock(),
      current: this.connectionState,
      now: this.lastNow(),
      lite: this.lite,
      selected: this.selected,
      pairs: this.pairs,
      generation: this.generation,
      gathering: this.gatheringState,
      remoteKnown: this.remote !== undefined,
      remoteEnded: this.remoteEnded,
      remoteCandidates: this.remoteCandidates.length,
    });
    this.setConnection(next);
  }

  private nowValue = 0;
  private lastNow(): number {
    return this.nowValue;
  }

  private setConnection(s: IceConnectionState): void {
    for (const state of connectionTransitions(this.connectionState, s)) {
      this.connectionState = state;
      this.outputs.push({ type: 'connection-state', state });
    }
  }

  private setGathering(s: IceGatheringState): void {
    if (s === this.gatheringState) return;
    this.gatheringState = s;
    this.outputs.push({ type: 'gathering-state', state: s });
  }
}
