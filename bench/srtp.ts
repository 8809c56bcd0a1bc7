/**
 * `npm run bench -- srtp [--json] [--rounds N] [--ms M]`
 *
 * SRTP protect / unprotect throughput, packets/s and MB/s of payload, at 160 B and 1200 B
 * payloads, for every profile of @rtcstack/srtp, side by side in the same process with
 * werift 0.25's SRTP (AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM) and with the raw cost of
 * node:crypto doing "one cipher + one HMAC per packet" (or one GCM cipher per packet).
 * Rounds are interleaved across implementations (ours, werift, raw, ours, ...) after a warm-up
 * round; each figure is the median over rounds of packets per CPU-second of this process (the
 * wall-clock median is printed alongside: on a shared machine it mostly measures the scheduler).
 * Before timing, the bench checks that werift and we unprotect each other's packets.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpPacket,
  SrtpSession as WeriftSrtp,
} from 'werift';
import { ALL_PROFILES, SrtpContext, type SrtpProfile } from '../packages/srtp/src/index.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ROUNDS = opt('--rounds', 9);
const ROUND_MS = opt('--ms', 60);
const SIZES = [160, 1200] as const;
const POOL = 12000; // pre-protected packets per unprotect pool
const filterIdx = args.indexOf('--filter');
const FILTER = filterIdx >= 0 ? args[filterIdx + 1] : undefined; // e.g. ours/SRTP_AEAD_AES_128_GCM/160/protect

type Impl = 'ours' | 'werift' | 'raw node:crypto';
type Op = 'protect' | 'unprotect';
interface Result {
  impl: Impl;
  profile: string;
  size: number;
  op: Op;
  /** median packets per CPU-second (the headline figure) */
  pps: number;
  /** payload MB per CPU-second */
  mbps: number;
  /** median packets per wall-clock second */
  wallPps: number;
  rounds: Round[];
}

const log = (s: string): void => {
  if (!json) console.log(s);
};

function keyFor(p: { keyLength: number; saltLength: number }, seed: number): { key: Buffer; salt: Buffer } {
  return {
    key: Buffer.from(Array.from({ length: p.keyLength }, (_, i) => (seed * 29 + i * 11) & 0xff)),
    salt: Buffer.from(Array.from({ length: p.saltLength }, (_, i) => (seed * 7 + i * 5 + 3) & 0xff)),
  };
}

function rtpPacket(size: number, seq: number): Buffer {
  const b = Buffer.alloc(12 + size, 0xd5);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 160) >>> 0, 4);
  b.writeUInt32BE(0x11223344, 8);
  return b;
}

interface Round {
  /** packets per second of wall-clock time */
  wall: number;
  /** packets per second of this process's CPU time (user + system) */
  cpu: number;
}

/**
 * Run `step(i)` in batches until ROUND_MS of wall time elapsed. Reports both wall-clock and
 * CPU-time rates: on a machine shared with other builds the wall clock also counts the time the
 * scheduler gave to someone else, while CPU time counts only our work.
 */
function timeRound(step: (i: number) => void): Round {
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const limit = BigInt(ROUND_MS) * 1_000_000n;
  let dt = 0n;
  do {
    for (let k = 0; k < 250; k++) step(n++);
    dt = process.hrtime.bigint() - t0;
  } while (dt < limit);
  const c = process.cpuUsage(c0);
  return { wall: n / (Number(dt) / 1e9), cpu: n / ((c.user + c.system) / 1e6) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

type Candidate = [Impl, () => (i: number) => void];

/**
 * Time one (profile, size, op) group. Rounds are interleaved across the implementations
 * (ours, werift, raw, ours, werift, raw, ...) so that load from other processes on a shared
 * machine hits all of them alike; each figure is the median of its rounds.
 */
function measureGroup(profile: string, size: number, op: Op, candidates: Candidate[]): Result[] {
  const chosen = candidates.filter(([impl]) => !FILTER || `${impl}/${profile}/${size}/${op}`.includes(FILTER));
  const rounds = chosen.map(() => [] as Round[]);
  chosen.forEach(([, make]) => timeRound(make())); // warm-up (JIT, caches)
  for (let r = 0; r < ROUNDS; r++) chosen.forEach(([, make], k) => rounds[k].push(timeRound(make())));
  return chosen.map(([impl], k) => {
    const pps = median(rounds[k].map((x) => x.cpu));
    const wallPps = median(rounds[k].map((x) => x.wall));
    const res: Result = { impl, profile, size, op, pps, mbps: (pps * size) / 1e6, wallPps, rounds: rounds[k] };
    log(
      `  ${impl.padEnd(16)} ${profile.padEnd(28)} ${String(size).padStart(5)} B  ${op.padEnd(9)} ${fmt(pps).padStart(9)} pkt/s  ${res.mbps.toFixed(1).padStart(7)} MB/s   (wall clock ${fmt(wallPps)})`,
    );
    return res;
  });
}

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);

// ---- step factories ---------------------------------------------------------------------------

function oursProtect(p: SrtpProfile, size: number): () => (i: number) => void {
  return () => {
    const ctx = new SrtpContext(p, keyFor(p, 1));
    const pkt = rtpPacket(size, 0);
    return (i) => {
      pkt[2] = (i >>> 8) & 0xff;
      pkt[3] = i & 0xff;
      ctx.protectRtp(pkt);
    };
  };
}

function oursUnprotect(p: SrtpProfile, size: number): () => (i: number) => void {
  const tx = new SrtpContext(p, keyFor(p, 1));
  const pool = Array.from({ length: POOL }, (_, i) => tx.protectRtp(rtpPacket(size, i)));
  return () => {
    let rx = new SrtpContext(p, keyFor(p, 1));
    return (i) => {
      const k = i % POOL;
      if (k === 0 && i > 0) rx = new SrtpContext(p, keyFor(p, 1)); // fresh replay state per pass
      if (!rx.unprotectRtp(pool[k]).ok) throw new Error('bench: unprotect failed');
    };
  };
}

const WERIFT = { SRTP_AES128_CM_HMAC_SHA1_80: ProtectionProfileAes128CmHmacSha1_80, SRTP_AEAD_AES_128_GCM: ProtectionProfileAeadAes128Gcm } as const;

function weriftSession(p: SrtpProfile, wp: number): WeriftSrtp {
  const k = keyFor(p, 1);
  return new WeriftSrtp({
    keys: { localMasterKey: k.key, localMasterSalt: k.salt, remoteMasterKey: k.key, remoteMasterSalt: k.salt },
    profile: wp as 1 | 7,
  });
}

function weriftProtect(p: SrtpProfile, wp: number, size: number): () => (i: number) => void {
  return () => {
    const w = weriftSession(p, wp);
    const parsed = RtpPacket.deSerialize(rtpPacket(size, 0));
    return (i) => {
      parsed.header.sequenceNumber = i & 0xffff;
      w.encrypt(parsed.payload, parsed.header);
    };
  };
}

function weriftUnprotect(p: SrtpProfile, wp: number, size: number): () => (i: number) => void {
  const tx = weriftSession(p, wp);
  const pool = Array.from({ length: POOL }, (_, i) => {
    const parsed = RtpPacket.deSerialize(rtpPacket(size, i));
    return tx.encrypt(parsed.payload, parsed.header);
  });
  return () => {
    let rx = weriftSession(p, wp);
    return (i) => {
      const k = i % POOL;
      if (k === 0 && i > 0) rx = weriftSession(p, wp);
      rx.decrypt(pool[k]);
    };
  };
}

/** The floor werift's design sits on: create a cipher (+ an HMAC) for every packet. */
function rawProtect(p: SrtpProfile, size: number): () => (i: number) => void {
  return () => {
    const key = keyFor(p, 1).key;
    const authKey = Buffer.alloc(20, 7);
    const iv = Buffer.alloc(p.kind === 'aead-aes-gcm' ? 12 : 16, 9);
    const pkt = rtpPacket(size, 0);
    const header = pkt.subarray(0, 12);
    const payload = pkt.subarray(12);
    const roc = Buffer.alloc(4);
    if (p.kind === 'aead-aes-gcm') {
      const alg = p.keyLength === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
      return () => {
        const c = createCipheriv(alg, key, iv);
        c.setAAD(header);
        const ct = c.update(payload);
        c.final();
        Buffer.concat([header, ct, c.getAuthTag()]);
      };
    }
    return () => {
      const ct = createCipheriv('aes-128-ctr', key, iv).update(payload);
      const tag = createHmac('sha1', authKey).update(header).update(ct).update(roc).digest();
      Buffer.concat([header, ct, tag.subarray(0, p.rtpTagLength)]);
    };
  };
}

// ---- correctness first --------------------------------------------------------------------------

function crossCheck(): string[] {
  const notes: string[] = [];
  for (const [name, wp] of Object.entries(WERIFT)) {
    const p = ALL_PROFILES.find((x) => x.name === name)!;
    for (const size of SIZES) {
      const ours = new SrtpContext(p, keyFor(p, 1));
      const oursRx = new SrtpContext(p, keyFor(p, 1));
      const w = weriftSession(p, wp);
      const wRx = weriftSession(p, wp);
      for (const seq of [65534, 65535, 0, 1]) {
        const plain = rtpPacket(size, seq);
        const back = wRx.decrypt(Buffer.from(ours.protectRtp(plain)));
        if (!back.equals(plain)) throw new Error(`cross-check: werift cannot unprotect our ${name} packet`);
        const parsed = RtpPacket.deSerialize(plain);
        const r = oursRx.unprotectRtp(w.encrypt(parsed.payload, parsed.header));
        if (!r.ok || !Buffer.from(r.packet).equals(plain)) throw new Error(`cross-check: we cannot unprotect werift's ${name} packet`);
      }
    }
    notes.push(`${name}: ours -> werift and werift -> ours OK (160 B and 1200 B, across the SEQ wrap)`);
  }
  return notes;
}

// ---- run ----------------------------------------------------------------------------------------

const checks = crossCheck();
log(`SRTP benchmark — node ${process.version}, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms after a warm-up;`);
log('medians of packets per CPU-second of this process (wall-clock medians in brackets)');
for (const c of checks) log(`cross-check: ${c}`);
log('');

const results: Result[] = [];
for (const size of SIZES) {
  for (const p of ALL_PROFILES) {
    const wp = WERIFT[p.name as keyof typeof WERIFT] as number | undefined;
    const prot: Candidate[] = [['ours', oursProtect(p, size)]];
    const unprot: Candidate[] = [['ours', oursUnprotect(p, size)]];
    if (wp !== undefined) {
      prot.push(['werift', weriftProtect(p, wp, size)]);
      unprot.push(['werift', weriftUnprotect(p, wp, size)]);
    }
    if (p.name !== 'SRTP_AES128_CM_HMAC_SHA1_32') prot.push(['raw node:crypto', rawProtect(p, size)]);
    results.push(...measureGroup(p.name, size, 'protect', prot));
    results.push(...measureGroup(p.name, size, 'unprotect', unprot));
  }
}

interface Ratio {
  profile: string;
  size: number;
  op: Op;
  ours: number;
  werift: number;
  ratio: number;
  target: number;
}
const ratios: Ratio[] = [];
for (const r of results.filter((x) => x.impl === 'werift')) {
  const o = results.find((x) => x.impl === 'ours' && x.profile === r.profile && x.size === r.size && x.op === r.op);
  if (!o) continue;
  ratios.push({ profile: r.profile, size: r.size, op: r.op, ours: o.pps, werift: r.pps, ratio: o.pps / r.pps, target: r.size <= 160 ? 2 : 1.5 });
}

if (json) {
  console.log(JSON.stringify({ node: process.version, rounds: ROUNDS, roundMs: ROUND_MS, crossCheck: checks, results, ratios }, null, 2));
} else {
  console.log('\nours / werift (same run, medians of packets per CPU-second):');
  for (const r of ratios) {
    const mark = r.ratio >= r.target ? 'meets' : 'BELOW';
    console.log(
      `  ${r.profile.padEnd(28)} ${String(r.size).padStart(5)} B  ${r.op.padEnd(9)} ${fmt(r.ours).padStart(8)} vs ${fmt(r.werift).padStart(8)}  = ${r.ratio.toFixed(2)}x  (target ${r.target}x: ${mark})`,
    );
  }
}
