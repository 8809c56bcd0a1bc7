/**
 * Cross-checking our encoders with Wireshark's dissectors (tshark): write datagrams into a pcap,
 * run `tshark -T json` once over the whole batch, and read back the dissected fields.
 *
 * Test-only helper; deliberately NOT exported from src/index.ts (import it by relative path).
 * tshark is an independent implementation of every protocol we speak, so a field it reads back
 * differently, or an expert-info error it raises, points at a bug on one side or the other.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteWriter, ipv4ToBytes, type Address } from '@rtcstack/common';
import { internetChecksum, udpPacket } from './netsim/pcap.ts';

/** The tshark binary, or undefined when Wireshark is not installed. */
export const tsharkPath: string | undefined = ['/usr/bin/tshark', '/usr/local/bin/tshark', '/usr/sbin/tshark'].find((p) => existsSync(p));

/** One packet for the pcap: a UDP datagram, or a raw IPv4 packet of another protocol. */
export type PcapPacket =
  | { readonly kind?: 'udp'; readonly from: Address; readonly to: Address; readonly data: Uint8Array }
  | { readonly kind: 'ip'; readonly protocol: number; readonly from: string; readonly to: string; readonly data: Uint8Array };

const LINKTYPE_RAW = 101;

/** RFC 791 §3.1 IPv4 header (no options) around `data` with protocol number `protocol`. */
export function ipv4Packet(from: string, to: string, protocol: number, data: Uint8Array, ipId = 0): Uint8Array {
  const src = ipv4ToBytes(from) ?? new Uint8Array(4);
  const dst = ipv4ToBytes(to) ?? new Uint8Array(4);
  const ip = new ByteWriter(20)
    .u8(0x45).u8(0).u16(20 + data.length).u16(ipId & 0xffff).u16(0x4000).u8(64).u8(protocol).u16(0)
    .bytes(src).bytes(dst).finish();
  const c = internetChecksum(ip);
  ip[10] = c >> 8;
  ip[11] = c & 0xff;
  return new ByteWriter(20 + data.length).bytes(ip).bytes(data).finish();
}

/** A classic pcap (LINKTYPE_RAW) holding `packets`, one per millisecond. */
export function packetsToPcap(packets: readonly PcapPacket[]): Uint8Array {
  const w = new ByteWriter(4096);
  w.u32(0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(LINKTYPE_RAW);
  packets.forEach((p, i) => {
    const pkt = p.kind === 'ip' ? ipv4Packet(p.from, p.to, p.protocol, p.data, i + 1) : udpPacket(p.from, p.to, p.data, i + 1);
    w.u32(0).u32((i + 1) * 1000).u32(pkt.length).u32(pkt.length).bytes(pkt);
  });
  return w.finish();
}

/** The protocol layers of one dissected frame: `layers.stun`, `layers.rtp`, ... */
export type Layers = Record<string, unknown>;

export interface DissectOptions {
  /** Extra tshark arguments, e.g. ['-d', 'udp.port==5004,rtp', '-o', 'sctp.checksum:CRC-32C']. */
  readonly args?: readonly string[];
  /** Kill tshark after this long (default 20 s). */
  readonly timeoutMs?: number;
}

/**
 * Dissect `packets` with tshark and return each frame's layers, in order.
 * Runs `tshark -r FILE -T json --no-duplicate-keys`: repeated field names become arrays.
 */
export async function dissect(packets: readonly PcapPacket[], options: DissectOptions = {}): Promise<Layers[]> {
  if (!tsharkPath) throw new Error('tshark is not installed (apt-get install tshark)');
  const dir = mkdtempSync(join(tmpdir(), 'rtcstack-tshark-'));
  const file = join(dir, 'capture.pcap');
  try {
    writeFileSync(file, packetsToPcap(packets));
    const args = ['-r', file, '-T', 'json', '--no-duplicate-keys', ...(options.args ?? [])];
    const out = await new Promise<string>((resolve, reject) => {
      execFile(tsharkPath as string, args, { timeout: options.timeoutMs ?? 20_000, maxBuffer: 64 << 20, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
        if (err) reject(new Error(`tshark ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
    const frames = JSON.parse(out) as { _source: { layers: Layers } }[];
    return frames.map((f) => f._source.layers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every value of field `name` anywhere under `tree` (depth-first, in order), as strings. */
export function fieldValues(tree: unknown, name: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === name) {
        for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') out.push(x);
      }
      walk(v);
    }
  };
  walk(tree);
  return out;
}

/** The single value of field `name` under `tree`; throws when absent or repeated. */
export function field(tree: unknown, name: string): string {
  const v = fieldValues(tree, name);
  if (v.length !== 1) throw new Error(`expected one ${name}, found ${v.length}: ${JSON.stringify(v)}`);
  return v[0];
}

/** One expert-info item tshark attached to a frame. */
export interface ExpertInfo {
  readonly severity: string;
  readonly group: string;
  readonly message: string;
}

/**
 * Expert infos in a frame (`_ws.expert` items) plus `_ws.malformed` markers (reported as
 * severity "error", group "malformed").
 */
export function expertInfos(layers: Layers): ExpertInfo[] {
  const out: ExpertInfo[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === '_ws.expert') {
        for (const e of Array.isArray(v) ? v : [v]) {
          const o = e as Record<string, unknown>;
          out.push({
            severity: String(o['_ws.expert.severity'] ?? ''),
            group: String(o['_ws.expert.group'] ?? ''),
            message: String(o['_ws.expert.message'] ?? JSON.stringify(o)),
          });
        }
      } else if (k === '_ws.malformed' && typeof v === 'string') {
        // The "Malformed Packet" marker; its expert item (walked into below) says why.
        out.push({ severity: 'error', group: 'malformed', message: v });
      }
      walk(v);
    }
  };
  walk(layers);
  return out;
}

/** The expert infos of severity warning or error (Wireshark's "something is wrong"). */
export function problems(layers: Layers): ExpertInfo[] {
  // tshark's JSON gives severities as numbers: 0x00600000 warn, 0x00800000 error (epan/proto.h).
  return expertInfos(layers).filter((e) => {
    const s = Number(e.severity);
    return e.group === 'malformed' || e.severity === 'error' || e.severity === 'warning' || (Number.isFinite(s) && s >= 0x00600000);
  });
}

/** Protocol names in the frame, outermost first (from frame.protocols, e.g. "raw:ip:udp:stun"). */
export function protocols(layers: Layers): string[] {
  return field(layers.frame, 'frame.protocols').split(':');
}
