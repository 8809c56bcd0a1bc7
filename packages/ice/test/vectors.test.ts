import { describe, test } from 'vitest';
import { checkFor, listVectorFiles, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

// Every vector file that names this package runs here as well as under `npm run vectors`.
const files = listVectorFiles()
  .map((f) => loadVectorFile(f))
  .filter((f) => f.package === 'ice');

test('there are ICE vector files', () => {
  if (files.length < 1) throw new Error('expected libnice-ice-priority.json');
});

for (const f of files) {
  describe(f.title, () => {
    for (const c of f.cases) test(`${c.id}: ${c.description}`, () => checkFor(f, c, checks)(c));
  });
}
