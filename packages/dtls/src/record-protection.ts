import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import type { CipherSuiteInfo } from './constants.ts';
import { RECORD_HEADER_LENGTH, writeRecordHeader } from './record.ts';

const TAG_LENGTH = 16;
const GCM_OPTIONS = { authTagLength: TAG_LENGTH } as const;

/**
 * AEAD record protection for one direction of one epoch.
 *
 * RFC 5246 §6.2.3.3: additional_data = seq_num(8) + type(1) + version(2) + length(2), where for
 * DTLS seq_num is epoch(2) || sequence_number(6) (RFC 6347 §4.1.2.1).
 * Nonce: AES-GCM (RFC 5288 §3) = implicit 4-byte salt || 8-byte explicit nonce carried in the
 * record (we send epoch||seq, which never repeats); ChaCha20-Poly1305 (RFC 7905 §2) = 12-byte
 * IV XOR (0^32 || epoch||seq), no explicit nonce.
 *
 * Speed: node:crypto needs a fresh cipher object per record (the nonce changes), and that object
 * is most of the cost. Everything around it is reused: the key as a Buffer, one nonce buffer
 * and one additional-data buffer per direction (node copies both when the cipher is created or
 * setAAD is called, so overwriting them for the next record is safe; we are single-threaded).
 */
export class RecordProtection {
  private readonly algorithm: CipherGCMTypes;
  private readonly explicit: number;
  private readonly keyBuf: Buffer;
  /** Salt (GCM) or IV (ChaCha20) in place; the per-record part is written before each use. */
  private readonly nonceBuf: Buffer;
  private readonly aad = Buffer.alloc(13);

  constructor(
    readonly suite: CipherSuiteInfo,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.algorithm = suite.aead as CipherGCMTypes;
    this.explicit = suite.explicitNonceLength;
    this.keyBuf = Buffer.from(key);
    this.nonceBuf = Buffer.alloc(12);
    this.nonceBuf.set(this.explicit ? iv.subarray(0, 4) : iv.subarray(0, 12));
  }

  /** Bytes added to a plaintext by protection. */
  get overhead(): number {
    return this.explicit + TAG_LENGTH;
  }

  /** The nonce for a record whose epoch||seq (8 bytes) is at `src[at..]`. */
  private nonce(src: Uint8Array, at: number): Buffer {
    const n = this.nonceBuf;
    if (this.explicit) {
      for (let i = 0; i < 8; i++) n[4 + i] = src[at + i];
    } else {
      const iv = this.iv;
      for (let i = 0; i < 8; i++) n[4 + i] = iv[4 + i] ^ src[at + i];
    }
    return n;
  }

  /** additional_data from epoch||seq at `src[at..]`, type, version and plaintext length. */
  private additionalData(src: Uint8Array, at: number, type: number, version: number, plainLength: number): Buffer {
    const aad = this.aad;
    for (let i = 0; i < 8; i++) aad[i] = src[at + i];
    aad[8] = type;
    aad[9] = version >> 8;
    aad[10] = version & 0xff;
    aad[11] = plainLength >> 8;
    aad[12] = plainLength & 0xff;
    return aad;
  }

  /** Builds a complete protected record (header + explicit nonce + ciphertext + tag). */
  seal(type: number, version: number, epoch: number, seq: number, plaintext: Uint8Array): Uint8Array {
    const bodyAt = RECORD_HEADER_LENGTH + this.explicit;
    const out = new Uint8Array(bodyAt + plaintext.length + TAG_LENGTH);
    writeRecordHeader(out, 0, type, version, epoch, seq, out.length - RECORD_HEADER_LENGTH);
    // The explicit nonce is epoch||seq, the header's bytes 3..10.
    if (this.explicit) out.copyWithin(RECORD_HEADER_LENGTH, 3, 11);
    const c = createCipheriv(this.algorithm, this.keyBuf, this.nonce(out, 3), GCM_OPTIONS);
    c.setAAD(this.additionalData(out, 3, type, version, plaintext.length));
    const body = c.update(plaintext);
    c.final();
    out.set(body, bodyAt);
    out.set(c.getAuthTag(), bodyAt + body.length);
    return out;
  }

  /** Decrypts a record fragment; returns undefined when it does not authenticate (bad_record_mac). */
  open(header: Uint8Array, fragment: Uint8Array): Uint8Array | undefined {
    const plainLen = fragment.length - this.explicit - TAG_LENGTH;
    if (plainLen < 0) return undefined;
    // GCM: the explicit nonce from the fragment; ChaCha20: epoch||seq from the header.
    const nonce = this.explicit ? this.nonce(fragment, 0) : this.nonce(header, 3);
    const aad = this.additionalData(header, 3, header[0], (header[1] << 8) | header[2], plainLen);
    try {
      const d = createDecipheriv(this.algorithm, this.keyBuf, nonce, GCM_OPTIONS);
      d.setAAD(aad);
      d.setAuthTag(fragment.subarray(fragment.length - TAG_LENGTH));
      const body = d.update(fragment.subarray(this.explicit, fragment.length - TAG_LENGTH));
      d.final();
      return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    } catch {
      return undefined;
    }
  }
}
