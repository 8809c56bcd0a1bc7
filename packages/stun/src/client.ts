/**
 * Discovering one's server-reflexive address (RFC 8489 §3, §6.2): send a Binding request to a
 * STUN server and read XOR-MAPPED-ADDRESS from the answer: the address and port the server saw,
 * i.e. what the outermost NAT mapped us to. Sans-IO, on top of ClientTransactions.
 */
import { ParseError, cryptoRandom, type Address, type Datagram, type RandomSource } from '@rtcstack/common';
import { Method } from './constants.ts';
import { getAttribute } from './attributes.ts';
import { attr, buildMessage, newTransactionId, type TypedAttribute } from './build.ts';
import { ClientTransactions, type TransactionTiming } from './transaction.ts';
import type { DecodedMessage } from './message.ts';

export interface BindingClientOptions extends TransactionTiming {
  /** Transaction ids come from here (default: node:crypto). */
  readonly random?: RandomSource;
  /** SOFTWARE attribute in requests; omitted when undefined. */
  readonly software?: string;
  /** Add FINGERPRINT to requests. Default true. */
  readonly fingerprint?: boolean;
}

/** The server answered with an error response. */
export class StunErrorResponse extends Error {
  override readonly name = 'StunErrorResponse';
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly response: DecodedMessage,
  ) {
    super(`STUN error ${code} ${reason}`);
  }
}

export type BindingClientOutput =
  | { readonly type: 'send'; readonly datagram: Datagram }
  | {
      readonly type: 'mapped';
      /** Our reflexive transport address as the server saw it. */
      readonly mapped: Address;
      readonly server: Address;
      readonly rtt: number;
      readonly request: Uint8Array;
      readonly response: DecodedMessage;
    }
  | { readonly type: 'failed'; readonly server: Address; readonly error: Error };

export class BindingClient {
  readonly transactions: ClientTransactions<Uint8Array>;
  private readonly random: RandomSource;
  private readonly outputs: BindingClientOutput[] = [];

  constructor(private readonly options: BindingClientOptions = {}) {
    this.transactions = new ClientTransactions<Uint8Array>(options);
    this.random = options.random ?? cryptoRandom;
  }

  /** Queue a Binding request to `server`; returns its transaction id. */
  discover(now: number, server: Address): Uint8Array {
    const attributes: TypedAttribute[] = this.options.software ? [attr('SOFTWARE', this.options.software)] : [];
    const request = buildMessage({
      class: 'request',
      method: Method.Binding,
      transactionId: newTransactionId(this.random),
      attributes,
      fingerprint: this.options.fingerprint ?? true,
    });
    return this.transactions.start(now, request, server, { context: request });
  }

  /** Returns true if the datagram was a response to one of our requests. */
  handleInput(now: number, datagram: Datagram): boolean {
    const mine = this.transactions.handleInput(now, datagram);
    this.drain();
    return mine;
  }

  handleTimeout(now: number): void {
    this.transactions.handleTimeout(now);
    this.drain();
  }

  pollOutput(): BindingClientOutput | undefined {
    this.drain();
    return this.outputs.shift();
  }

  nextTimeout(): number | undefined {
    return this.transactions.nextTimeout();
  }

  private drain(): void {
    for (let o = this.transactions.pollOutput(); o; o = this.transactions.pollOutput()) {
      if (o.type === 'send') this.outputs.push(o);
      else if (o.type === 'timeout') this.outputs.push({ type: 'failed', server: o.error.remote, error: o.error });
      else this.outputs.push(this.outcome(o.response, o.remote, o.rtt, o.context ?? new Uint8Array(0)));
    }
  }

  private outcome(response: DecodedMessage, server: Address, rtt: number, request: Uint8Array): BindingClientOutput {
    try {
      if (response.class === 'error') {
        const e = getAttribute(response, 'ERROR_CODE');
        return { type: 'failed', server, error: new StunErrorResponse(e?.code ?? 0, e?.reason ?? 'no ERROR-CODE', response) };
      }
      // §14.2: XOR-MAPPED-ADDRESS; MAPPED-ADDRESS only from RFC 3489 servers.
      const mapped = getAttribute(response, 'XOR_MAPPED_ADDRESS') ?? getAttribute(response, 'MAPPED_ADDRESS');
      if (!mapped) return { type: 'failed', server, error: new Error('success response without XOR-MAPPED-ADDRESS') };
      return { type: 'mapped', mapped, server, rtt, request, response };
    } catch (e) {
      if (e instanceof ParseError) return { type: 'failed', server, error: e };
      throw e;
    }
  }
}
