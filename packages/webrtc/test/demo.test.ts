import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const demo = fileURLToPath(new URL('../demo/demo.ts', import.meta.url));
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
});
