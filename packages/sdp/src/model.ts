import type { KnownAttribute } from './attributes.ts';

/**
 * The SDP line model (RFC 8866 §5). A description is a list of `<type>=<value>` lines: a
 * session section, then one section per `m=` line. Each parsed line keeps its raw value and
 * its own line ending, so serialize(parse(x)) === x for well-formed input; the typed fields
 * next to the raw text are what the rest of the stack reads.
 */
export const LINE_TYPES = ['v', 'o', 's', 'i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'k', 'a', 'm'] as const;
export type LineType = (typeof LINE_TYPES)[number];

/** Line endings seen in the wild: CRLF per RFC 8866 §5, bare LF accepted; '' on a last line. */
export type LineEnding = '\r\n' | '\n' | '';

/** o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2). */
export interface Origin {
  readonly username: string;
  /** Kept as text: browsers use 19-digit ids that do not fit a JS number. */
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** c=<nettype> <addrtype> <connection-address> (§5.7); multicast suffixes kept in `address`. */
export interface Connection {
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** b=<bwtype>:<bandwidth> (§5.8): AS and CT in kbit/s, TIAS (RFC 3890) in bit/s. */
export interface Bandwidth {
  readonly type: string;
  readonly bandwidth: number;
}

/** t=<start-time> <stop-time> (§5.9), NTP seconds as text; "0 0" = unbounded. */
export interface Timing {
  readonly start: string;
  readonly stop: string;
}

/** m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14). */
export interface MediaLine {
  readonly kind: string;
  readonly port: number;
  readonly portCount?: number;
  readonly protocol: string;
  readonly formats: readonly string[];
}

/** a=<name>[:<value>] (§5.13). `known` is set for the attributes WebRTC uses. */
export interface Attribute {
  readonly name: string;
  readonly value?: string;
  readonly known?: KnownAttribute;
}

export type LineData =
  | { readonly type: 'v'; readonly version: number }
  | { readonly type: 'o'; readonly origin: Origin }
  | { readonly type: 's' | 'i' | 'u' | 'e' | 'p' }
  | { readonly type: 'c'; readonly connection: Connection }
  | { readonly type: 'b'; readonly bandwidth: Bandwidth }
  | { readonly type: 't'; readonly timing: Timing }
  | { readonly type: 'r' | 'z'; readonly fields: readonly string[] }
  | { readonly type: 'k'; readonly method: string; readonly key?: string }
  | { readonly type: 'a'; readonly attribute: Attribute }
  | { readonly type: 'm'; readonly media: MediaLine };

export type SdpLine = LineData & {
  /** Everything after "<type>=", exactly as written (trailing whitespace included). */
  readonly value: string;
  readonly eol: LineEnding;
  /** 1-based line number in the parsed text; 0 for lines made by the builder. */
  readonly line: number;
};

export interface MediaSection {
  /** lines[0] is the m= line. */
  readonly lines: readonly SdpLine[];
}

export interface SessionDescription {
  /** v=, o=, s=, ... up to the first m= line. */
  readonly session: readonly SdpLine[];
  readonly media: readonly MediaSection[];
  /** Empty lines after the last line, kept so they round-trip ("" normally). */
  readonly trailer: string;
}
