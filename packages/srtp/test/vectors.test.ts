import { describe, it } from 'vitest';
import { checkFor, loadVectorFile } from '@rtcstack/test-support';
import { checks } from './vectors.ts';

for (const file of ['rfc3711-srtp', 'rfc6188-srtp', 'rfc7714-srtp', 'libsrtp-srtp']) {
  const vf = loadVectorFile(file);
  describe(`${file}: ${vf.title}`, () => {
    for (const c of vf.cases) it(`${c.id} (${c.source.split(';')[0]})`, () => checkFor(vf, c, checks)(c));
  });
}
