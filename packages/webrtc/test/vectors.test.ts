import { describe, expect, test } from 'vitest';
import { checkFor, listVectorFiles, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

const files = listVectorFiles().filter((f) => loadVectorFile(f).package === 'webrtc');

test('the webrtc vector files exist', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  const vf = loadVectorFile(file);
  describe(file, () => {
    for (const c of vf.cases) {
      test(`${c.id}${c.valid === false ? ' (must be rejected)' : ''}`, async () => {
        await checkFor(vf, c, checks)(c);
      });
    }
  });
}
