/**
 * Object identifiers used by X.509 certificates in DTLS, with the names OpenSSL prints.
 * Sources: RFC 5280 (names, extensions), RFC 3279 / RFC 5480 (EC keys, curves),
 * RFC 5758 §3.2 (ecdsa-with-SHA*), RFC 8017 App. C (RSA), RFC 8410 §3 (Ed25519/X25519).
 */
export const Oid = {
  // Public key algorithms (SubjectPublicKeyInfo.algorithm)
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  // Named curves (ECParameters namedCurve, RFC 5480 §2.1.1.1)
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  // Signature algorithms
  ecdsaWithSHA1: '1.2.840.10045.4.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  md5WithRSAEncryption: '1.2.840.113549.1.1.4',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  // Name attributes (RFC 5280 §4.1.2.4, App. A)
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  streetAddress: '2.5.4.9',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  name: '2.5.4.41',
  givenName: '2.5.4.42',
  initials: '2.5.4.43',
  generationQualifier: '2.5.4.44',
  dnQualifier: '2.5.4.46',
  pseudonym: '2.5.4.65',
  domainComponent: '0.9.2342.19200300.100.1.25',
  userId: '0.9.2342.19200300.100.1.1',
  emailAddress: '1.2.840.113549.1.9.1',
  // Extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;
export type OidName = keyof typeof Oid;
export type OidValue = (typeof Oid)[OidName];

const byValue = new Map<string, OidName>(Object.entries(Oid).map(([k, v]) => [v, k as OidName]));

/** Our name for a dotted OID, or undefined. */
export function oidName(oid: string): OidName | undefined {
  return byValue.get(oid);
}

/** The short names OpenSSL (and so node's X509Certificate.subject) prints for name attributes. */
export const attributeShortName: Readonly<Record<string, string>> = {
  [Oid.commonName]: 'CN',
  [Oid.surname]: 'SN',
  [Oid.serialNumber]: 'serialNumber',
  [Oid.countryName]: 'C',
  [Oid.localityName]: 'L',
  [Oid.stateOrProvinceName]: 'ST',
  [Oid.streetAddress]: 'street',
  [Oid.organizationName]: 'O',
  [Oid.organizationalUnitName]: 'OU',
  [Oid.title]: 'title',
  [Oid.name]: 'name',
  [Oid.givenName]: 'GN',
  [Oid.initials]: 'initials',
  [Oid.generationQualifier]: 'generationQualifier',
  [Oid.dnQualifier]: 'dnQualifier',
  [Oid.pseudonym]: 'pseudonym',
  [Oid.domainComponent]: 'DC',
  [Oid.userId]: 'UID',
  [Oid.emailAddress]: 'emailAddress',
};

/** Signature algorithm names as OpenSSL prints them ("Signature Algorithm: ..."). */
export const signatureAlgorithmName: Readonly<Record<string, string>> = {
  [Oid.ecdsaWithSHA1]: 'ecdsa-with-SHA1',
  [Oid.ecdsaWithSHA256]: 'ecdsa-with-SHA256',
  [Oid.ecdsaWithSHA384]: 'ecdsa-with-SHA384',
  [Oid.ecdsaWithSHA512]: 'ecdsa-with-SHA512',
  [Oid.md5WithRSAEncryption]: 'md5WithRSAEncryption',
  [Oid.sha1WithRSAEncryption]: 'sha1WithRSAEncryption',
  [Oid.sha256WithRSAEncryption]: 'sha256WithRSAEncryption',
  [Oid.sha384WithRSAEncryption]: 'sha384WithRSAEncryption',
  [Oid.sha512WithRSAEncryption]: 'sha512WithRSAEncryption',
  [Oid.rsassaPss]: 'rsassaPss',
  [Oid.ed25519]: 'ED25519',
  [Oid.ed448]: 'ED448',
};

/** How each signature algorithm is verified with node:crypto: the key family and the digest. */
export const signatureScheme: Readonly<Record<string, { keyFamily: 'ec' | 'rsa' | 'ed25519' | 'ed448'; hash: string | null }>> = {
  [Oid.ecdsaWithSHA1]: { keyFamily: 'ec', hash: 'sha1' },
  [Oid.ecdsaWithSHA256]: { keyFamily: 'ec', hash: 'sha256' },
  [Oid.ecdsaWithSHA384]: { keyFamily: 'ec', hash: 'sha384' },
  [Oid.ecdsaWithSHA512]: { keyFamily: 'ec', hash: 'sha512' },
  [Oid.sha1WithRSAEncryption]: { keyFamily: 'rsa', hash: 'sha1' },
  [Oid.sha256WithRSAEncryption]: { keyFamily: 'rsa', hash: 'sha256' },
  [Oid.sha384WithRSAEncryption]: { keyFamily: 'rsa', hash: 'sha384' },
  [Oid.sha512WithRSAEncryption]: { keyFamily: 'rsa', hash: 'sha512' },
  [Oid.ed25519]: { keyFamily: 'ed25519', hash: null },
  [Oid.ed448]: { keyFamily: 'ed448', hash: null },
};
