/**
 * Starting coturn (Debian `coturn`) for a test: 127.0.0.1 only, a random free port, a long-term
 * user, loopback peers allowed, db and pid files in a temp dir, killed by stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return undefined;
}

export interface Coturn {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly realm: string;
  readonly log: string[];
  stop(): void;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function startCoturn(bin: string, timeoutMs = 60_000): Promise<Coturn> {
  const port = await freeUdpPort();
  const minPort = 50_000 + 50 * Math.floor(Math.random() * 200);
  const dir = mkdtempSync(join(tmpdir(), 'rtcstack-coturn-'));
  const args = [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    `--min-port=${minPort}`, `--max-port=${minPort + 49}`, '--lt-cred-mech', '--user=alice:alicepass',
    '--realm=example.test', '--fingerprint', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
    '--log-file=stdout', `--userdb=${join(dir, 'turndb')}`, `--pidfile=${join(dir, 'turnserver.pid')}`,
  ];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const onData = (b: Buffer) => log.push(...b.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const stop = (): void => {
    clearTimeout(killer);
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when it logs its listener (or after 3 s at most).
  const until = Date.now() + 3000;
  while (Date.now() < until && !log.some((l) => /Total General servers|listener opened|IPv4. UDP listener opened/i.test(l))) {
    if (child.exitCode !== null) throw new Error(`turnserver exited: ${log.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200));
  return { port, user: 'alice', password: 'alicepass', realm: 'example.test', log, stop };
}
