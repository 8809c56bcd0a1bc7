/**
 * `npm run vectors`: runs every file in test-vectors/ against the code and prints one row per
 * file (cases, passed, failed). Exits non-zero if any case fails or a file cannot be run.
 * `--verbose` prints each failing case's error.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  checkFor,
  listVectorFiles,
  loadVectorFile,
  repoRoot,
  type VectorChecks,
} from '../packages/test-support/src/vectors.ts';

const verbose = process.argv.includes('--verbose');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

interface Row {
  file: string;
  cases: number;
  passed: number;
  failed: number;
  note: string;
}

const rows: Row[] = [];
const failures: string[] = [];

for (const file of listVectorFiles()) {
  if (only.length && !only.some((o) => file.includes(o))) continue;
  const row: Row = { file, cases: 0, passed: 0, failed: 0, note: '' };
  rows.push(row);
  try {
    const vf = loadVectorFile(file);
    row.cases = vf.cases.length;
    const mod = (await import(pathToFileURL(join(repoRoot, 'packages', vf.package, 'test', 'vectors.ts')).href)) as {
      checks: VectorChecks;
    };
    for (const c of vf.cases) {
      try {
        await checkFor(vf, c, mod.checks)(c);
        row.passed++;
      } catch (e) {
        row.failed++;
        failures.push(`${file} ${c.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } catch (e) {
    row.note = `cannot run: ${e instanceof Error ? e.message : String(e)}`;
    row.failed = Math.max(row.failed, 1);
    failures.push(`${file}: ${row.note}`);
  }
}

const w = Math.max(4, ...rows.map((r) => r.file.length));
console.log(`${'file'.padEnd(w)}  cases  passed  failed`);
for (const r of rows) {
  console.log(
    `${r.file.padEnd(w)}  ${String(r.cases).padStart(5)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}${r.note ? '  ' + r.note : ''}`,
  );
}
const total = rows.reduce((a, r) => ({ c: a.c + r.cases, p: a.p + r.passed, f: a.f + r.failed }), { c: 0, p: 0, f: 0 });
console.log(`${'total'.padEnd(w)}  ${String(total.c).padStart(5)}  ${String(total.p).padStart(6)}  ${String(total.f).padStart(6)}`);
// A plain closing line CI can read ("N passed, N failed").
console.log(`\nvectors: ${total.p} passed, ${total.f} failed`);
if (failures.length) {
  console.log(`${failures.length} failure(s)${verbose ? ':' : ' (run with --verbose for details)'}`);
  if (verbose) for (const f of failures) console.log(`  ${f}`);
  process.exitCode = 1;
}
if (rows.length === 0) {
  console.log('no vector files matched');
  process.exitCode = 1;
}
