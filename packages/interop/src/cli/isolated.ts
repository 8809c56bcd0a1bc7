/**
 * Runs a command inside a fresh network namespace holding only `lo` (see ../netns.ts), then
 * deletes the namespace. Without root it runs the command as it is, saying so.
 *
 *   npx tsx packages/interop/src/cli/isolated.ts -- npx tsx packages/interop/test/capture/chromium-dtls-sctp.ts
 *
 * Exits with the command's status; a timeout (default 300 s, --timeout-s N) kills it.
 */
import { spawn } from 'node:child_process';
import { canIsolate, createNamespace, deleteNamespace, insideIsolatedNamespace, namespacedCommand } from '../netns.ts';

const args = process.argv.slice(2);
let timeoutS = 300;
const t = args.indexOf('--timeout-s');
if (t >= 0) {
  timeoutS = Number(args[t + 1]);
  args.splice(t, 2);
}
const dash = args.indexOf('--');
const command = dash >= 0 ? args.slice(dash + 1) : args;
if (command.length === 0) {
  console.error('usage: isolated.ts [--timeout-s N] -- <command> [args...]');
  process.exit(2);
}

let ns: string | undefined;
let argv = command;
if (insideIsolatedNamespace()) {
  // Already isolated: nothing to do.
} else if (canIsolate()) {
  try {
    ns = createNamespace();
    argv = namespacedCommand(ns, command);
    console.error(`isolated: running in network namespace ${ns} (lo only)`);
  } catch (e) {
    // e.g. a container without CAP_SYS_ADMIN: say so loudly, run anyway.
    console.error(`isolated: cannot create a network namespace (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): running WITHOUT one`);
  }
} else {
  console.error('isolated: not root (or no iproute2): running WITHOUT a network namespace');
}

const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
const timer = setTimeout(() => {
  console.error(`isolated: timed out after ${timeoutS} s`);
  child.kill('SIGKILL');
}, timeoutS * 1000);
const stop = (sig: NodeJS.Signals) => child.kill(sig);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  if (ns) deleteNamespace(ns);
  process.exit(code ?? (signal ? 1 : 0));
});
