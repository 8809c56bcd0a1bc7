import type { DtlsStats } from './events.ts';
import type { RecordWriter } from './flight.ts';
import { encodeRecord, type DtlsRecord } from './record.ts';
import type { RecordProtection } from './record-protection.ts';
import { ReplayWindow } from './replay-window.ts';

/** Records of the next epoch held before the peer's ChangeCipherSpec (bounded). */
const MAX_EARLY_RECORDS = 32;

/**
 * The record layer of one DTLS connection (RFC 6347 §4.1): per-epoch write sequence numbers, the
 * write and read epochs with their AEAD keys, the anti-replay window of epoch 1 (§4.1.2.6), and
 * records of epoch 1 that arrive before the peer's ChangeCipherSpec, held until reads switch.
 * Epoch 0 is plaintext; epoch 1 is the only protected epoch (we never renegotiate).
 */
export class RecordLayer implements RecordWriter {
  private readonly writeSeqs = [0, 0];
  private writeEpoch = 0;
  private writeKeys: RecordProtection | undefined;
  private _readEpoch = 0;
  private readKeys: RecordProtection | undefined;
  /** Epoch-1 read keys, known before the peer's ChangeCipherSpec switches them on. */
  private pendingReadKeys: RecordProtection | undefined;
  private peerCcsSeen = false;
  /** Epoch 1's anti-replay window (§4.1.2.6). */
  private readonly replay = new ReplayWindow();
  private early: DtlsRecord[] = [];
  /** Sequence number of the last epoch-0 record accepted (a HelloVerifyRequest echoes it). */
  lastEpoch0Seq = 0;

  constructor(
    readonly version: number,
    private readonly stats: DtlsStats,
  ) {}

  get readEpoch(): number {
    return this._readEpoch;
  }

  /** Write keys once derived (undefined before the key exchange). */
  get protectionForWrites(): RecordProtection | undefined {
    return this.writeKeys;
  }

  // RecordWriter, used by the flight writer.
  nextSeq(epoch: number): number {
    return this.writeSeqs[epoch]++;
  }

  protection(epoch: number): RecordProtection {
    if (epoch !== 1 || !this.writeKeys) throw new Error(`no write keys for epoch ${epoch}`);
    return this.writeKeys;
  }

  /** RFC 6347 §4.2.1: reuse a record number (the HelloVerifyRequest's); later records continue after it. */
  reuseEpoch0Seq(seq: number): number {
    this.writeSeqs[0] = Math.max(this.writeSeqs[0], seq + 1);
    return seq;
  }

  /** Keys from the key block. Writes switch with our ChangeCipherSpec, reads with the peer's. */
  installKeys(write: RecordProtection, read: RecordProtection): void {
    this.writeKeys = write;
    this.pendingReadKeys = read;
  }

  /** We sent ChangeCipherSpec: what we send from now on (alerts, data) is epoch 1. */
  startWritingEpoch1(): void {
    this.writeEpoch = 1;
  }

  /**
   * The peer's ChangeCipherSpec. A CCS that overtook the messages before it is remembered until
   * the keys exist; the peer's Finished still has to verify, so an early or forged CCS only lets
   * epoch 1 be read sooner. Returns the held records to process now that reads switched (if they did).
   */
  peerChangeCipherSpec(): DtlsRecord[] {
    this.peerCcsSeen = true;
    return this.switchReads();
  }

  /** Switch reads to epoch 1 once both the keys and the peer's CCS are there. */
  switchReads(): DtlsRecord[] {
    if (this._readEpoch !== 0 || !this.peerCcsSeen || !this.pendingReadKeys) return [];
    this._readEpoch = 1;
    this.readKeys = this.pendingReadKeys;
    this.pendingReadKeys = undefined;
    const early = this.early;
    this.early = [];
    return early;
  }

  /**
   * The record's plaintext, or undefined when it is dropped (replayed, bad tag, unknown epoch:
   * counted in stats) or held until epoch 1 is readable (`holdEarly`).
   */
  open(rec: DtlsRecord, holdEarly: boolean): Uint8Array | undefined {
    if (rec.epoch === 0) {
      // No replay window in epoch 0: RFC 6347 §4.1.2.6 moves the window only for records that
      // authenticate, and plaintext never does. One forged record with a far sequence number
      // would otherwise push every real one out of the window and kill the handshake. Duplicate
      // handshake messages are recognised by message_seq instead (§4.2.2).
      this.lastEpoch0Seq = rec.sequenceNumber;
      return rec.fragment;
    }
    if (rec.epoch !== 1) {
      this.stats.malformed++;
      return undefined;
    }
    if (!this.readKeys) {
      // RFC 6347 §4.1: records of the next epoch may arrive before the ChangeCipherSpec.
      if (holdEarly && this.early.length < MAX_EARLY_RECORDS) {
        this.early.push({ ...rec, fragment: rec.fragment.slice(), header: rec.header.slice() });
        this.stats.bufferedEarly++;
      }
      return undefined;
    }
    if (!this.replay.check(rec.sequenceNumber)) {
      this.stats.replayed++;
      return undefined;
    }
    const plain = this.readKeys.open(rec.header, rec.fragment);
    if (!plain) {
      // RFC 6347 §4.1.2.7: invalid records are silently discarded (and the window does not move).
      this.stats.badRecordMac++;
      return undefined;
    }
    this.replay.accept(rec.sequenceNumber);
    return plain;
  }

  /** A record in the current write epoch (alerts, application data). */
  seal(type: number, payload: Uint8Array): Uint8Array {
    if (this.writeEpoch === 1 && this.writeKeys) return this.writeKeys.seal(type, this.version, 1, this.nextSeq(1), payload);
    return encodeRecord({ type, version: this.version, epoch: 0, sequenceNumber: this.nextSeq(0), fragment: payload });
  }
}
