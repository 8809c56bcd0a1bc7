/**
 * Real STUN clients against our server (npm run stun:server's code) on 127.0.0.1:
 * - Debian's `stun` (package stun-client, Vovida 0.97, an RFC 3489 client: no magic cookie,
 *   expects MAPPED-ADDRESS). `-p` sets its source port, so the expected mapping is known.
 * - coturn's `turnutils_stunclient` (an RFC 5389 client: reads XOR-MAPPED-ADDRESS).
 * Missing binaries skip with a message, unless REQUIRE_REAL_PEERS is set: then they fail.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '@rtcstack/common';
import { startUdpStunServer, type UdpStunServer } from '../src/node/index.ts';

const required = Boolean(process.env.REQUIRE_REAL_PEERS);

function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return undefined;
}

/** Run a binary with a hard timeout; resolves with its output whatever the exit code. */
function run(bin: string, args: string[], timeoutMs = 15_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      running.delete(child);
      resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : null) : 0 });
    });
    running.add(child);
  });
}
const running = new Set<ReturnType<typeof execFile>>();

function peerTest(name: string, binary: string, body: (bin: string) => Promise<void>): void {
  const bin = findBinary(binary);
  if (bin) {
    it(name, () => body(bin), 30_000);
  } else if (required) {
    it(name, () => {
      throw new Error(`REQUIRE_REAL_PEERS is set but \`${binary}\` is not installed`);
    });
  } else {
    it.skip(`${name} (skipped: \`${binary}\` not installed; apt-get install ${binary === 'stun' ? 'stun-client' : 'coturn'})`, () => {});
  }
}

describe('real STUN clients against our server on 127.0.0.1', () => {
  let server: UdpStunServer;
  const sources: Address[] = [];
  beforeAll(async () => {
    server = await startUdpStunServer({
      host: '127.0.0.1',
      port: 0,
      onDatagram: (dir, _data, remote) => {
        if (dir === 'in') sources.push(remote);
      },
    });
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await server.close();
  });

  peerTest("Debian's stun (RFC 3489 client) reports MAPPED-ADDRESS = its own source port", 'stun', async (bin) => {
    const sourcePort = 20000 + 2 * Math.floor(Math.random() * 10000); // it also uses sourcePort + 1
    const out = await run(bin, [`127.0.0.1:${server.address.port}`, '-v', '-p', String(sourcePort)]);
    const text = out.stdout + out.stderr;
    const mapped = /MappedAddress = ([\d.]+):(\d+)/.exec(text);
    expect(mapped, text).not.toBeNull();
    expect(mapped?.[1]).toBe('127.0.0.1');
    expect(Number(mapped?.[2])).toBe(sourcePort);
    expect(text).toContain('ServerName = rtcstack'); // our SOFTWARE, read by a foreign parser
    expect(server.core.stats.malformed).toBe(0);
  });

  peerTest("coturn's turnutils_stunclient (RFC 5389 client) reports XOR-MAPPED-ADDRESS = the source the server saw", 'turnutils_stunclient', async (bin) => {
    const before = sources.length;
    const out = await run(bin, ['-p', String(server.address.port), '127.0.0.1']);
    const text = out.stdout + out.stderr;
    const reported = [...text.matchAll(/reflexive addr: ([\d.]+):(\d+)/g)].map((m) => ({ address: m[1], port: Number(m[2]) }));
    expect(reported.length, text).toBeGreaterThan(0);
    const seen = sources.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    for (const r of reported) expect(seen).toContainEqual(r);
    expect(out.code).toBe(0);
  });
});
