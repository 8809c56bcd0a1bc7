/**
 * Network isolation for real-browser tests (DESIGN.md, "Real peers"): as root, Chromium and the
 * peer it talks to run in a network namespace that holds only `lo`, so no packet can leave the
 * machine whatever Chromium decides to gather or probe.
 *
 *   ip netns add NAME; ip -n NAME link set lo up; ip netns exec NAME <command>; ip netns del NAME
 *
 * A process cannot move itself into a namespace from Node (no setns(2) binding), so the shape is
 * "run a whole program inside": scripts/tests are re-executed under `ip netns exec` by
 * cli/isolated.ts. A process started that way sees RTCSTACK_NETNS=<name> in its environment.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Set in the environment of every process the isolated launcher starts. */
export const NETNS_ENV = 'RTCSTACK_NETNS';

export const IP_BINARY = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p));

/** True when this process runs inside a namespace made by createNamespace(). */
export function insideIsolatedNamespace(): boolean {
  return !!process.env[NETNS_ENV];
}

/** Can this process make namespaces? (root and iproute2 present) */
export function canIsolate(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0 && IP_BINARY !== undefined;
}

function ip(args: readonly string[]): void {
  if (!IP_BINARY) throw new Error('iproute2 (ip) is not installed');
  execFileSync(IP_BINARY, args, { stdio: 'pipe', timeout: 10_000 });
}

/** A fresh namespace with only `lo`, up. Returns its name. */
export function createNamespace(prefix = 'rtcstack'): string {
  const name = `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  ip(['netns', 'add', name]);
  try {
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    deleteNamespace(name);
    throw e;
  }
  return name;
}

export function deleteNamespace(name: string): void {
  try {
    ip(['netns', 'del', name]);
  } catch {
    // already gone
  }
}

/** argv that runs `command` inside namespace `name`, with RTCSTACK_NETNS set. */
export function namespacedCommand(name: string, command: readonly string[]): string[] {
  if (!IP_BINARY) throw new Error('iproute2 (ip) is not installed');
  return [IP_BINARY, 'netns', 'exec', name, 'env', `${NETNS_ENV}=${name}`, ...command];
}
