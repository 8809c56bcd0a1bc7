import { ByteReader, ByteWriter } from '@rtcstack/common';
import { decodeExtensions, encodeExtensions, type Extension } from './extensions.ts';

/**
 * Handshake message bodies (RFC 5246 §7.4, RFC 6347 §4.2.1, RFC 8422 §5.4-5.7). Each codec is
 * pure: decode(body) -> value (ParseError on bad input), encode(value) -> body.
 */

/** RFC 6347 §4.2.1: ClientHello gains a cookie after session_id. */
export interface ClientHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cookie: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: readonly Extension[];
}

/**
 * Capacity for a writer that must not grow: @rtcstack/common's ByteWriter loses bytes when it
 * reallocates (reported to the lead), so every encoder here sizes its buffer up front.
 */
export function extensionsSize(exts: readonly Extension[]): number {
  return 2 + exts.reduce((n, e) => n + 4 + e.data.length, 0);
}

function end(r: ByteReader, what: string): void {
  if (!r.atEnd) r.fail(what, `${r.remaining} trailing byte(s)`);
}

export const clientHello = {
  decode(body: Uint8Array): ClientHello {
    const r = new ByteReader(body, 'dtls');
    const version = r.u16('client_hello.client_version');
    const random = r.bytes(32, 'client_hello.random');
    const sidLen = r.u8('client_hello.session_id.length');
    if (sidLen > 32) r.fail('client_hello.session_id.length', 'longer than 32');
    const sessionId = r.bytes(sidLen, 'client_hello.session_id');
    const cookie = r.bytes(r.u8('client_hello.cookie.length'), 'client_hello.cookie');
    const csLen = r.u16('client_hello.cipher_suites.length');
    if (csLen < 2 || csLen % 2) r.fail('client_hello.cipher_suites.length', 'must be even and non-zero');
    const cs = r.sub(csLen, 'client_hello.cipher_suites');
    const cipherSuites: number[] = [];
    while (!cs.atEnd) cipherSuites.push(cs.u16('client_hello.cipher_suite'));
    const cmLen = r.u8('client_hello.compression_methods.length');
    if (cmLen < 1) r.fail('client_hello.compression_methods.length', 'must be non-zero');
    const compressionMethods = Array.from(r.bytes(cmLen, 'client_hello.compression_methods'));
    const extensions = decodeExtensions(r);
    end(r, 'client_hello');
    return { version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
  },
  encode(m: ClientHello): Uint8Array {
    const w = new ByteWriter(2 + 32 + 1 + m.sessionId.length + 1 + m.cookie.length + 2 + 2 * m.cipherSuites.length + 1 + m.compressionMethods.length + extensionsSize(m.extensions))
      .u16(m.version).bytes(m.random).u8(m.sessionId.length).bytes(m.sessionId);
    w.u8(m.cookie.length).bytes(m.cookie).u16(2 * m.cipherSuites.length);
    for (const s of m.cipherSuites) w.u16(s);
    w.u8(m.compressionMethods.length);
    for (const c of m.compressionMethods) w.u8(c);
    encodeExtensions(w, m.extensions);
    return w.finish();
  },
};

/** RFC 6347 §4.2.1: HelloVerifyRequest { server_version, cookie<0..2^8-1> }. */
export interface HelloVerifyRequest {
  readonly version: number;
  readonly cookie: Uint8Array;
}
export const helloVerifyRequest = {
  decode(body: Uint8Array): HelloVerifyRequest {
    const r = new ByteReader(body, 'dtls');
    const version = r.u16('hello_verify_request.server_version');
    const cookie = r.bytes(r.u8('hello_verify_request.cookie.length'), 'hello_verify_request.cookie');
    end(r, 'hello_verify_request');
    return { version, cookie };
  },
  encode: (m: HelloVerifyRequest): Uint8Array => new ByteWriter(3 + m.cookie.length).u16(m.version).u8(m.cookie.length).bytes(m.cookie).finish(),
};

/** RFC 5246 §7.4.1.3 ServerHello. */
export interface ServerHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
}
export const serverHello = {
  decode(body: Uint8Array): ServerHello {
    const r = new ByteReader(body, 'dtls');
    const version = r.u16('server_hello.server_version');
    const random = r.bytes(32, 'server_hello.random');
    const sidLen = r.u8('server_hello.session_id.length');
    if (sidLen > 32) r.fail('server_hello.session_id.length', 'longer than 32');
    const sessionId = r.bytes(sidLen, 'server_hello.session_id');
    const cipherSuite = r.u16('server_hello.cipher_suite');
    const compressionMethod = r.u8('server_hello.compression_method');
    const extensions = decodeExtensions(r);
    end(r, 'server_hello');
    return { version, random, sessionId, cipherSuite, compressionMethod, extensions };
  },
  encode(m: ServerHello): Uint8Array {
    const w = new ByteWriter(2 + 32 + 1 + m.sessionId.length + 3 + extensionsSize(m.extensions)).u16(m.version).bytes(m.random).u8(m.sessionId.length).bytes(m.sessionId);
    w.u16(m.cipherSuite).u8(m.compressionMethod);
    encodeExtensions(w, m.extensions);
    return w.finish();
  },
};

/** RFC 5246 §7.4.2 Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
export const certificate = {
  decode(body: Uint8Array): Uint8Array[] {
    const r = new ByteReader(body, 'dtls');
    const list = r.sub(r.u24('certificate.list.length'), 'certificate.list');
    end(r, 'certificate');
    const out: Uint8Array[] = [];
    while (!list.atEnd) {
      const n = list.u24('certificate.cert.length');
      if (n === 0) list.fail('certificate.cert.length', 'empty certificate');
      out.push(list.bytes(n, 'certificate.cert'));
    }
    return out;
  },
  encode(chain: readonly Uint8Array[]): Uint8Array {
    const w = new ByteWriter(3 + chain.reduce((n, c) => n + 3 + c.length, 0)).u24(0);
    for (const c of chain) w.u24(c.length).bytes(c);
    w.patchU24(0, w.length - 3);
    return w.finish();
  },
};

/**
 * RFC 8422 §5.4 ServerKeyExchange for ECDHE: ServerECDHParams { curve_type = named_curve(3),
 * namedcurve, ECPoint public<1..2^8-1> } + digitally-signed (RFC 5246 §4.7: SignatureAndHashAlgorithm
 * + signature<0..2^16-1>) over client_random + server_random + ServerECDHParams.
 */
export interface ServerKeyExchange {
  readonly namedGroup: number;
  readonly publicKey: Uint8Array;
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
  /** The ServerECDHParams bytes as sent (what the signature covers). */
  readonly params: Uint8Array;
}
export const EC_CURVE_TYPE_NAMED = 3;
export function encodeEcdhParams(namedGroup: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(4 + publicKey.length).u8(EC_CURVE_TYPE_NAMED).u16(namedGroup).u8(publicKey.length).bytes(publicKey).finish();
}
export const serverKeyExchange = {
  decode(body: Uint8Array): ServerKeyExchange {
    const r = new ByteReader(body, 'dtls');
    const curveType = r.u8('server_key_exchange.curve_type');
    if (curveType !== EC_CURVE_TYPE_NAMED) r.fail('server_key_exchange.curve_type', `only named_curve is allowed, got ${curveType}`, 0);
    const namedGroup = r.u16('server_key_exchange.namedcurve');
    const pkLen = r.u8('server_key_exchange.public.length');
    if (pkLen === 0) r.fail('server_key_exchange.public.length', 'empty point');
    const publicKey = r.bytes(pkLen, 'server_key_exchange.public');
    const params = body.subarray(0, r.offset);
    const signatureScheme = r.u16('server_key_exchange.signature_algorithm');
    const signature = r.bytes(r.u16('server_key_exchange.signature.length'), 'server_key_exchange.signature');
    end(r, 'server_key_exchange');
    return { namedGroup, publicKey, signatureScheme, signature, params };
  },
  encode(m: Omit<ServerKeyExchange, 'params'>): Uint8Array {
    return new ByteWriter(4 + m.publicKey.length + 4 + m.signature.length).bytes(encodeEcdhParams(m.namedGroup, m.publicKey)).u16(m.signatureScheme).u16(m.signature.length).bytes(m.signature).finish();
  },
};

/** RFC 5246 §7.4.4 CertificateRequest (TLS 1.2 form). */
export interface CertificateRequest {
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  readonly authorities: readonly Uint8Array[];
}
export const certificateRequest = {
  decode(body: Uint8Array): CertificateRequest {
    const r = new ByteReader(body, 'dtls');
    const ctLen = r.u8('certificate_request.certificate_types.length');
    if (ctLen < 1) r.fail('certificate_request.certificate_types.length', 'empty');
    const certificateTypes = Array.from(r.bytes(ctLen, 'certificate_request.certificate_types'));
    const saLen = r.u16('certificate_request.supported_signature_algorithms.length');
    if (saLen < 2 || saLen % 2) r.fail('certificate_request.supported_signature_algorithms.length', 'must be even and non-zero');
    const sa = r.sub(saLen, 'certificate_request.supported_signature_algorithms');
    const signatureAlgorithms: number[] = [];
    while (!sa.atEnd) signatureAlgorithms.push(sa.u16('certificate_request.signature_algorithm'));
    const ca = r.sub(r.u16('certificate_request.certificate_authorities.length'), 'certificate_request.certificate_authorities');
    const authorities: Uint8Array[] = [];
    while (!ca.atEnd) authorities.push(ca.bytes(ca.u16('certificate_request.distinguished_name.length'), 'certificate_request.distinguished_name'));
    end(r, 'certificate_request');
    return { certificateTypes, signatureAlgorithms, authorities };
  },
  encode(m: CertificateRequest): Uint8Array {
    const w = new ByteWriter(1 + m.certificateTypes.length + 2 + 2 * m.signatureAlgorithms.length + 2 + m.authorities.reduce((n, a) => n + 2 + a.length, 0)).u8(m.certificateTypes.length);
    for (const t of m.certificateTypes) w.u8(t);
    w.u16(2 * m.signatureAlgorithms.length);
    for (const s of m.signatureAlgorithms) w.u16(s);
    const at = w.length;
    w.u16(0);
    for (const a of m.authorities) w.u16(a.length).bytes(a);
    w.patchU16(at, w.length - at - 2);
    return w.finish();
  },
};

/** RFC 5246 §7.4.5 ServerHelloDone: empty. */
export const serverHelloDone = {
  decode(body: Uint8Array): void {
    if (body.length) new ByteReader(body, 'dtls').fail('server_hello_done', 'must be empty', 0);
  },
  encode: (): Uint8Array => new Uint8Array(0),
};

/** RFC 8422 §5.7 ClientKeyExchange (ECDHE): ECPoint ecdh_Yc<1..2^8-1>. */
export const clientKeyExchange = {
  decode(body: Uint8Array): Uint8Array {
    const r = new ByteReader(body, 'dtls');
    const n = r.u8('client_key_exchange.public.length');
    if (n === 0) r.fail('client_key_exchange.public.length', 'empty point');
    const pk = r.bytes(n, 'client_key_exchange.public');
    end(r, 'client_key_exchange');
    return pk;
  },
  encode: (publicKey: Uint8Array): Uint8Array => new ByteWriter(1 + publicKey.length).u8(publicKey.length).bytes(publicKey).finish(),
};

/** RFC 5246 §7.4.8 CertificateVerify: digitally-signed over all handshake messages so far. */
export interface DigitallySigned {
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}
export const certificateVerify = {
  decode(body: Uint8Array): DigitallySigned {
    const r = new ByteReader(body, 'dtls');
    const signatureScheme = r.u16('certificate_verify.signature_algorithm');
    const signature = r.bytes(r.u16('certificate_verify.signature.length'), 'certificate_verify.signature');
    end(r, 'certificate_verify');
    return { signatureScheme, signature };
  },
  encode: (m: DigitallySigned): Uint8Array => new ByteWriter(4 + m.signature.length).u16(m.signatureScheme).u16(m.signature.length).bytes(m.signature).finish(),
};

/** RFC 5246 §7.4.9 Finished: verify_data[12]. */
export const finished = {
  decode(body: Uint8Array): Uint8Array {
    const r = new ByteReader(body, 'dtls');
    const v = r.bytes(12, 'finished.verify_data');
    end(r, 'finished');
    return v;
  },
  encode: (verifyData: Uint8Array): Uint8Array => verifyData.slice(),
};

/** RFC 5246 §7.2 Alert: level, description. */
export interface Alert {
  readonly level: number;
  readonly description: number;
}
export const alert = {
  decode(body: Uint8Array): Alert {
    const r = new ByteReader(body, 'dtls');
    const level = r.u8('alert.level');
    const description = r.u8('alert.description');
    end(r, 'alert');
    return { level, description };
  },
  encode: (a: Alert): Uint8Array => new Uint8Array([a.level, a.description]),
};
