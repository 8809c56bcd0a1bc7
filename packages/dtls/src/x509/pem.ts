/**
 * PEM text encoding (RFC 7468): "-----BEGIN LABEL-----", base64 of the DER in lines, "-----END
 * LABEL-----". Errors are ParseError('x509', 'pem.*', line number).
 */
import { ParseError } from '@rtcstack/common';
import { X509_LAYER } from './der.ts';

const beginRe = /^-----BEGIN ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?-----\s*$/;
const endRe = /^-----END ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?-----\s*$/;

/**
 * Every PEM block in `pem` (with this label, if given), decoded to DER, in order. Text outside
 * blocks is ignored (RFC 7468 §2 allows explanatory text). Headers (RFC 1421 "Proc-Type:") are
 * refused: encrypted keys are not supported.
 */
export function pemToDer(pem: string, label?: string): Uint8Array[] {
  const lines = pem.split(/\r?\n|\r/);
  const out: Uint8Array[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = beginRe.exec(lines[i].trim());
    if (!begin) continue;
    const blockLabel = begin[1] ?? '';
    const startLine = i + 1;
    let body = '';
    let ended = false;
    for (i++; i < lines.length; i++) {
      const line = lines[i].trim();
      const end = endRe.exec(line);
      if (end) {
        if ((end[1] ?? '') !== blockLabel) {
          throw new ParseError(X509_LAYER, 'pem.end', i + 1, `END label "${end[1] ?? ''}" does not match BEGIN "${blockLabel}"`);
        }
        ended = true;
        break;
      }
      if (line.includes(':')) throw new ParseError(X509_LAYER, 'pem.header', i + 1, 'PEM headers (encrypted PEM) are not supported');
      if (!/^[A-Za-z0-9+/=]*$/.test(line)) throw new ParseError(X509_LAYER, 'pem.base64', i + 1, 'not base64');
      body += line;
    }
    if (!ended) throw new ParseError(X509_LAYER, 'pem.end', startLine, `no END line for "${blockLabel}"`);
    if (label !== undefined && blockLabel !== label) continue;
    if (body.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
      throw new ParseError(X509_LAYER, 'pem.base64', startLine, 'base64 body has a bad length or padding');
    }
    out.push(new Uint8Array(Buffer.from(body, 'base64')));
  }
  return out;
}

/** RFC 7468 §2: base64 in lines of 64 characters. */
export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${label}-----\n`;
}
