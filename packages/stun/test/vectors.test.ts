import { describe, test } from 'vitest';
import { checkFor, listVectorFiles, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

// Every vector file that names this package runs here as well as under `npm run vectors`.
const files = listVectorFiles()
  .filter((name) => name.includes('stun'))
  .map((f) => loadVectorFile(f))
  .filter((f) => f.package === 'stun');

test('there are STUN vector files', () => {
  if (files.length < 3) throw new Error(`expected rfc5769, rfc8489 and libwebrtc STUN vector files, found ${files.length}`);
});

for (const f of files) {
  describe(f.title, () => {
    for (const c of f.cases) test(`${c.id}: ${c.description}`, () => checkFor(f, c, checks)(c));
  });
}
