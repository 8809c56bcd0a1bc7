import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { tsharkPath } from '../../test-support/src/tshark.ts';

const demo = fileURLToPath(new URL('../demo/demo.ts', import.meta.url));
const required = process.env.REQUIRE_REAL_PEERS !== undefined;
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', demo, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('the demo call', () => {
  test('--json: the call succeeds, every documented field is there, and the process exits by itself', () => {
    const r = run(['--json', '--audio-ms', '600']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      success: boolean;
      phasesMs: Record<string, number | null>;
      peers: Record<string, { finalStates: Record<string, string>; messages: { sent: number; received: number }; audio: { packetsSent: number; packetsReceived: number }; wire: Record<string, number>; srtpProfile: string }>;
    };
    expect(j.success).toBe(true);
    for (const k of ['signaling', 'gathering', 'checks', 'dtls', 'sctpAndDataChannel', 'firstAudio', 'total']) expect(typeof j.phasesMs[k]).toBe('number');
    for (const who of ['alice', 'bob']) {
      const p = j.peers[who];
      expect(p.finalStates.connectionState).toBe('connected');
      expect(p.messages).toEqual({ sent: 3, received: 3 });
      expect(p.audio.packetsReceived).toBeGreaterThan(5);
      expect(p.wire.stun).toBeGreaterThan(0);
      expect(p.wire.dcep).toBe(1);
      expect(p.srtpProfile).toMatch(/^SRTP_/);
    }
  });
  test('the diagram shows each phase on the wire, and --pcap writes a capture with a key log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    try {
      const pcap = join(dir, 'call.pcap');
      const r = run(['--audio-ms', '300', '--pcap', pcap]);
      expect(r.status, r.stderr).toBe(0);
      for (const s of ['signal: SDP offer', 'STUN Binding request', 'DTLS ClientHello', 'SCTP INIT', 'DATA_CHANNEL_OPEN', 'SRTP RTP', 'Time per phase', 'OK: the call succeeded']) expect(r.stdout).toContain(s);
      expect(existsSync(pcap)).toBe(true);
      const bytes = readFileSync(pcap);
      expect(bytes.readUInt32BE(0)).toBe(0xa1b2c3d4); // pcap magic (written big-endian)
      expect(readFileSync(`${pcap}.keys`, 'utf8')).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('--two-process: two peer processes and a signaling relay', () => {
    const r = run(['--two-process', '--json', '--audio-ms', '300']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { success: boolean }).success).toBe(true);
  });

  // Wireshark's own DTLS code, with only our NSS key log (RFC 6347 / NSS "CLIENT_RANDOM" format),
  // must decrypt both Finished messages and the application data. tshark 4.0 has no SCTP-over-DTLS
  // hand-off, so the decrypted payload shows as data: we check it starts with the SCTP common
  // header for port 5000 -> 5000 (RFC 8841 §5.1 default; RFC 9260 §3.1).
  test.skipIf(!tsharkPath && !required)('--pcap: tshark decrypts the DTLS in the capture with the key log written beside it', () => {
    if (!tsharkPath) throw new Error('REQUIRE_REAL_PEERS is set but tshark is not installed (apt-get install tshark)');
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    try {
      const pcap = join(dir, 'call.pcap');
      const r = run(['--audio-ms', '200', '--pcap', pcap]);
      expect(r.status, r.stderr).toBe(0);
      const fields = (withKeys: boolean): string[][] => {
        const t = spawnSync(tsharkPath!, ['-r', pcap, ...(withKeys ? ['-o', `tls.keylog_file:${pcap}.keys`] : []), '-Y', 'dtls', '-T', 'fields', '-e', 'dtls.handshake.type', '-e', 'data.data'], { encoding: 'utf8', timeout: 20_000 });
        expect(t.status, t.stderr).toBe(0);
        return t.stdout.trim().split('\n').map((l) => l.split('\t'));
      };
      const finished = (rows: string[][]): number => rows.filter((r) => r[0].split(',').includes('20')).length;
      const plain = (rows: string[][]): string[] => rows.map((r) => r[1] ?? '').filter((d) => d !== '');
      const without = fields(false);
      expect(finished(without)).toBe(0); // encrypted: tshark cannot see the Finished messages
      expect(plain(without)).toEqual([]);
      const decrypted = fields(true);
      expect(finished(decrypted)).toBe(2); // client's and server's Finished
      const payloads = plain(decrypted);
      expect(payloads.length).toBeGreaterThan(4);
      for (const d of payloads) expect(d.slice(0, 8)).toBe('13881388');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
