/**
 * `npm run sdp -- [--json | --write] [FILE]`: reads a session description (FILE or stdin) and
 * prints it annotated line by line (default), as the parsed model (--json: lines plus the
 * WebRTC view), or re-serialized (--write; equal to the input for well-formed input).
 * Invalid input: exits 1 with "line N: <field>: <reason>".
 */
import { readFileSync } from 'node:fs';
import { isParseError } from '@rtcstack/common';
import { parse } from './parse.ts';
import { serialize } from './serialize.ts';
import { webrtcView } from './view.ts';
import { annotate } from './annotate.ts';

// `npm run sdp -- x.sdp | head`: a closed pipe ends the program quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const args = process.argv.slice(2);
const json = args.includes('--json');
const write = args.includes('--write');
const file = args.find((a) => !a.startsWith('--'));
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm run sdp -- [--json | --write] [FILE]   (no FILE: read stdin)');
  process.exit(0);
}

let text: string;
try {
  text = readFileSync(file ?? 0, 'utf8');
} catch (e) {
  console.error(`sdp: cannot read ${file ?? 'stdin'}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

try {
  const d = parse(text);
  if (write) process.stdout.write(serialize(d));
  else if (json) console.log(JSON.stringify({ description: d, webrtc: webrtcView(d) }, null, 2));
  else console.log(annotate(d));
} catch (e) {
  if (isParseError(e)) {
    // For SDP the ParseError offset is a line number.
    console.error(`sdp: line ${e.offset}: ${e.field}: ${e.reason}`);
    process.exit(1);
  }
  throw e;
}
