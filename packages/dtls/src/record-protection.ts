import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import type { CipherSuiteInfo } from './constants.ts';
import { RECORD_HEADER_LENGTH, writeRecordHeader } from './record.ts';

const TAG_LENGTH = 16;

/**
 * AEAD record protection for one direction of one epoch.
 *
 * RFC 5246 §6.2.3.3: additional_data = seq_num(8) + type(1) + version(2) + length(2), where for
 * DTLS seq_num is epoch(2) || sequence_number(6) (RFC 6347 §4.1.2.1).
 * Nonce: AES-GCM (RFC 5288 §3) = implicit 4-byte salt || 8-byte explicit nonce carried in the
 * record (we send epoch||seq, which never repeats); ChaCha20-Poly1305 (RFC 7905 §2) = 12-byte
 * IV XOR (0^32 || epoch||seq), no explicit nonce.
 */
export class RecordProtection {
  private readonly algorithm: string;
  private readonly explicit: number;

  constructor(
    readonly suite: CipherSuiteInfo,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.algorithm = suite.aead;
    this.explicit = suite.explicitNonceLength;
  }

  /** Bytes added to a plaintext by protection. */
  get overhead(): number {
    return this.explicit + TAG_LENGTH;
  }

  private nonce(epochSeq: Uint8Array): Uint8Array {
    const n = new Uint8Array(12);
    if (this.explicit) {
      n.set(this.iv.subarray(0, 4), 0);
      n.set(epochSeq, 4);
    } else {
      n.set(this.iv);
      for (let i = 0; i < 8; i++) n[4 + i] ^= epochSeq[i];
    }
    return n;
  }

  /** Builds a complete protected record (header + explicit nonce + ciphertext + tag). */
  seal(type: number, version: number, epoch: number, seq: number, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(RECORD_HEADER_LENGTH + this.explicit + plaintext.length + TAG_LENGTH);
    writeRecordHeader(out, 0, type, version, epoch, seq, out.length - RECORD_HEADER_LENGTH);
    const epochSeq = out.subarray(3, 11);
    const aad = new Uint8Array(13);
    aad.set(epochSeq, 0);
    aad[8] = type;
    aad[9] = version >> 8;
    aad[10] = version & 0xff;
    aad[11] = plaintext.length >> 8;
    aad[12] = plaintext.length & 0xff;
    if (this.explicit) out.set(epochSeq, RECORD_HEADER_LENGTH);
    const c = createCipheriv(this.algorithm as CipherGCMTypes, this.key, this.nonce(epochSeq), { authTagLength: TAG_LENGTH });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    const body = c.update(plaintext);
    c.final();
    out.set(body, RECORD_HEADER_LENGTH + this.explicit);
    out.set(c.getAuthTag(), RECORD_HEADER_LENGTH + this.explicit + body.length);
    return out;
  }

  /** Decrypts a record fragment; returns undefined when it does not authenticate (bad_record_mac). */
  open(header: Uint8Array, fragment: Uint8Array): Uint8Array | undefined {
    const plainLen = fragment.length - this.explicit - TAG_LENGTH;
    if (plainLen < 0) return undefined;
    const epochSeq = header.subarray(3, 11);
    const nonce = new Uint8Array(12);
    if (this.explicit) {
      nonce.set(this.iv.subarray(0, 4), 0);
      nonce.set(fragment.subarray(0, 8), 4);
    } else {
      nonce.set(this.nonce(epochSeq));
    }
    const aad = new Uint8Array(13);
    aad.set(epochSeq, 0);
    aad[8] = header[0];
    aad[9] = header[1];
    aad[10] = header[2];
    aad[11] = plainLen >> 8;
    aad[12] = plainLen & 0xff;
    try {
      const d = createDecipheriv(this.algorithm as CipherGCMTypes, this.key, nonce, { authTagLength: TAG_LENGTH });
      d.setAAD(aad, { plaintextLength: plainLen });
      d.setAuthTag(fragment.subarray(fragment.length - TAG_LENGTH));
      const body = d.update(fragment.subarray(this.explicit, fragment.length - TAG_LENGTH));
      d.final();
      return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    } catch {
      return undefined;
    }
  }
}
