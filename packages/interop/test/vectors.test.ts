import { describe, expect, test } from 'vitest';
import { checkFor, listVectorFiles, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

const files = listVectorFiles().filter((f) => loadVectorFile(f).package === 'interop');

test('the captured Chromium DTLS and SCTP vector files exist', () => {
  expect(files).toEqual(['chromium-dtls.json', 'chromium-sctp.json']);
});

for (const file of files) {
  const vf = loadVectorFile(file);
  describe(file, () => {
    for (const c of vf.cases) {
      test(c.id, async () => {
        await checkFor(vf, c, checks)(c);
      });
    }
  });
}
