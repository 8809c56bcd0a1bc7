import { describe, it } from 'vitest';
import { checkFor, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

for (const name of ['rfc3720-crc32c', 'pion-sctp-packets', 'pion-sctp-chunks', 'pion-dcep']) {
  const file = loadVectorFile(name);
  describe(`${file.title} (${name}.json)`, () => {
    for (const c of file.cases) it(`${c.id}: ${c.description}`, () => checkFor(file, c, checks)(c));
  });
}
