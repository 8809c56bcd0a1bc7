import { createSelfSignedCertificate } from 'werift';
import { parseCertificate, pemToDer, verifySelfSigned, loadPemCertificate } from '../src/x509/index.ts';
import { X509Certificate } from 'node:crypto';
for (const sh of [{ hash: 4, signature: 3 }, { hash: 4, signature: 1 }]) {
  for (let i = 0; i < 20; i++) {
    const { certPem, keyPem } = await createSelfSignedCertificate(sh as never, 23 as never);
    try {
      const c = parseCertificate(pemToDer(certPem)[0]);
      const x = new X509Certificate(certPem);
      if (c.subject !== x.subject || c.serialHex !== x.serialNumber) console.log('MISMATCH', c.subject, x.subject, c.serialHex, x.serialNumber);
      if (!verifySelfSigned(c)) console.log('no verify');
      if (i === 0) console.log(c.keyType, c.signatureAlgorithm, c.serialHex, c.extensions.length, loadPemCertificate(certPem, keyPem).keyType);
    } catch (e) { console.log('FAIL', String(e)); }
  }
}
