import { describe, expect, it } from 'vitest';
import { checkFor, listVectorFiles, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

const files = listVectorFiles().filter((f) => loadVectorFile(f).package === 'dtls');

describe('dtls vector files', () => {
  it('has vector files', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    const vf = loadVectorFile(file);
    describe(file, () => {
      for (const c of vf.cases) it(`${c.id} (${c.source})`, async () => {
        await checkFor(vf, c, checks)(c);
      });
    });
  }
});
