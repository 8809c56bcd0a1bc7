import { describe, expect, it } from 'vitest';
import { listVectorFiles, loadVectorFile } from '../src/vectors.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/vectors.ts';

// Every vector file must follow test-vectors/README.md, and its package must provide checks.
describe('test-vectors/ format', () => {
  const files = listVectorFiles();
  it.each(files.length ? files : ['(none yet)'])('%s is well-formed and has a checker', (file) => {
    if (file === '(none yet)') return;
    const vf = loadVectorFile(file);
    expect(existsSync(join(repoRoot, 'packages', vf.package, 'test', 'vectors.ts'))).toBe(true);
  });
});
