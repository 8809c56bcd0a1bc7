import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/call-then-close.ts', import.meta.url));
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('close() frees every socket and timer', () => {
  test('a child process running a call exits by itself after both sides close', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const result = await new Promise<{ code: number | null; timedOut: boolean }>((resolve) => {
      const timer = setTimeout(() => resolve({ code: null, timedOut: true }), 15_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, timedOut: false });
      });
    });
    expect(result.timedOut, `still running; stdout: ${out} stderr: ${err}`).toBe(false);
    expect(result.code, err).toBe(0);
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.event === 'message')?.data).toBe('echo:ping');
    expect(events.find((e) => e.event === 'closing')?.rtpReceivedByB as number).toBeGreaterThan(0);
    // The remote side saw the channel close and DTLS close_notify.
    expect(events.find((e) => e.event === 'remote-channel-closed')?.remoteDtls).toBe('closed');
    const exit = events.find((e) => e.event === 'exit');
    expect(exit?.left).toEqual([]);
    expect(exit?.a).toBe('closed');
    expect(exit?.b).toBe('closed');
  });
});
