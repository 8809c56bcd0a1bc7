import type { MasterKey } from './kdf.ts';
import { resolveProfile, type SrtpProfile, type SrtpProfileName } from './profile.ts';
import type { SrtpContextOptions } from './context.ts';
import { SrtpSession } from './session.ts';

/** The DTLS label for the SRTP exporter (RFC 5764 §4.2). */
export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

/** How many exporter bytes a profile needs: 2 * (key + salt) (RFC 5764 §4.2). */
export function keyingMaterialLength(profileIn: SrtpProfile | SrtpProfileName | number): number {
  const p = resolveProfile(profileIn);
  return 2 * (p.keyLength + p.saltLength);
}

/**
 * Split the exporter output (RFC 5764 §4.2):
 *   client_write_SRTP_master_key | server_write_SRTP_master_key |
 *   client_write_SRTP_master_salt | server_write_SRTP_master_salt
 * Sizes come from the profile (16/16/14/14 AES-CM, 16/16/12/12 AES-128-GCM, 32/32/12/12
 * AES-256-GCM). Extra trailing bytes are ignored: OpenSSL is often asked for 60 regardless.
 */
export function splitKeyingMaterial(
  profileIn: SrtpProfile | SrtpProfileName | number,
  material: Uint8Array,
): { client: MasterKey; server: MasterKey } {
  const p = resolveProfile(profileIn);
  const need = keyingMaterialLength(p);
  if (material.length < need) throw new RangeError(`${p.name} needs ${need} bytes of keying material, got ${material.length}`);
  const k = p.keyLength;
  const s = p.saltLength;
  return {
    client: { key: material.slice(0, k), salt: material.slice(2 * k, 2 * k + s) },
    server: { key: material.slice(k, 2 * k), salt: material.slice(2 * k + s, 2 * k + 2 * s) },
  };
}

export interface DtlsSrtpSessionOptions extends SrtpContextOptions {
  readonly profile: SrtpProfile | SrtpProfileName | number;
  /** The exporter block from the DTLS handshake. */
  readonly keyingMaterial: Uint8Array;
  /** Our DTLS role: the client protects with the client key, the server with the server key. */
  readonly role: 'client' | 'server';
}

/** The session for our side of a DTLS-SRTP association. */
export function srtpSessionFromDtls(o: DtlsSrtpSessionOptions): SrtpSession {
  const { client, server } = splitKeyingMaterial(o.profile, o.keyingMaterial);
  const local = o.role === 'client' ? client : server;
  const remote = o.role === 'client' ? server : client;
  return new SrtpSession({ ...o, local, remote });
}
