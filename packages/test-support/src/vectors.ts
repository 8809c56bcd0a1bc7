import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Test vectors are data, not code (test-vectors/README.md). A file holds cases from one source;
 * the package named by `package` provides the check named by `check` (or a case's own `check`)
 * in `packages/<package>/test/vectors.ts` as `export const checks: VectorChecks`.
 */
export interface VectorCase {
  /** Unique within the file. */
  readonly id: string;
  /** Where the bytes come from: RFC + section, or repository + file + test name. */
  readonly source: string;
  readonly description: string;
  /** Defaults to true. `false` means the input must be rejected, for `reason`. */
  readonly valid?: boolean;
  readonly reason?: string;
  /** Overrides the file's `check`. */
  readonly check?: string;
  readonly input?: unknown;
  readonly expected?: unknown;
  readonly [extra: string]: unknown;
}

export interface VectorFile {
  readonly title: string;
  readonly source: string;
  readonly package: string;
  readonly check: string;
  readonly description?: string;
  readonly cases: readonly VectorCase[];
}

/** A check throws (e.g. an assertion error) when the case fails. */
export type VectorCheck = (c: VectorCase) => void | Promise<void>;
export type VectorChecks = Readonly<Record<string, VectorCheck>>;

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const vectorsDir = join(repoRoot, 'test-vectors');

export function loadVectorFile(name: string): VectorFile {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  const parsed = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) as VectorFile;
  validateVectorFile(parsed, file);
  return parsed;
}

export function listVectorFiles(): string[] {
  return readdirSync(vectorsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function validateVectorFile(f: VectorFile, file: string): void {
  for (const k of ['title', 'source', 'package', 'check'] as const) {
    if (typeof f[k] !== 'string' || f[k] === '') throw new Error(`${file}: missing "${k}"`);
  }
  if (!Array.isArray(f.cases) || f.cases.length === 0) throw new Error(`${file}: no cases`);
  const ids = new Set<string>();
  for (const c of f.cases) {
    if (typeof c.id !== 'string' || ids.has(c.id)) throw new Error(`${file}: missing or duplicate id ${String(c.id)}`);
    ids.add(c.id);
    if (typeof c.source !== 'string' || !c.source) throw new Error(`${file}: case ${c.id} has no source`);
    if (typeof c.description !== 'string') throw new Error(`${file}: case ${c.id} has no description`);
    if (c.valid === false && typeof c.reason !== 'string') throw new Error(`${file}: invalid case ${c.id} has no reason`);
  }
}

/** Picks the check for a case, failing loudly if the package does not provide it. */
export function checkFor(f: VectorFile, c: VectorCase, checks: VectorChecks): VectorCheck {
  const name = c.check ?? f.check;
  const fn = checks[name];
  if (!fn) throw new Error(`no check "${name}" in packages/${f.package}/test/vectors.ts`);
  return fn;
}
