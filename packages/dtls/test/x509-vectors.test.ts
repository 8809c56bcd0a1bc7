/**
 * Runs the X.509 / DER vector files. They live in packages/dtls/test/x509-vectors/ until the
 * DTLS vectors.ts merges `x509Checks` (then they move to test-vectors/ and `npm run vectors`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFor, validateVectorFile, type VectorFile } from '@rtcstack/test-support';
import { x509Checks } from './x509-vectors.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'x509-vectors');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('x509 vector files', () => {
  it('has vector files', () => expect(files.length).toBeGreaterThanOrEqual(2));
  for (const file of files) {
    const vf = JSON.parse(readFileSync(join(dir, file), 'utf8')) as VectorFile;
    validateVectorFile(vf, file);
    describe(file, () => {
      for (const c of vf.cases) {
        it(`${c.id} (${c.source})`, async () => {
          await checkFor(vf, c, x509Checks)(c);
        });
      }
    });
  }
});
