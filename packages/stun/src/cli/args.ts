/** Tiny `--name value` / `--flag` parser shared by the two CLIs. */
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

/** "1.2.3.4:3478", "[::1]:3478" or "host" (port 3478). */
export function parseHostPort(s: string, defaultPort = 3478): { address: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { address: v6[1], port: v6[2] ? Number(v6[2]) : defaultPort };
  const colon = s.lastIndexOf(':');
  if (colon > 0 && s.indexOf(':') === colon) return { address: s.slice(0, colon), port: Number(s.slice(colon + 1)) };
  return { address: s, port: defaultPort };
}
