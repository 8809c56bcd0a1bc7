/**
 * Preparing user-entered strings before they are hashed into keys, so that the same password
 * typed differently (e.g. with a soft hyphen, or composed vs decomposed accents) gives the same key.
 *
 * Two profiles, because two RFC generations use different ones:
 * - `opaqueString`: the PRECIS OpaqueString profile (RFC 8265 §4.2), which RFC 8489 §9 uses.
 * - `saslprep`: SASLprep (RFC 4013, a stringprep profile, RFC 3454), which RFC 5389 §15.4 used and
 *   the RFC 5769 §2.4 test vector depends on ("The<U+00AD>M<U+00AA>tr<U+2168>" -> "TheMatrIX":
 *   the soft hyphen is mapped to nothing and NFKC folds ª to a and Ⅸ to IX; OpaqueString instead
 *   rejects the soft hyphen, a default-ignorable code point).
 *
 * Both are a precisely stated subset, because JavaScript has no Bidi_Class property and Node's ICU
 * is a newer Unicode than stringprep's 3.2:
 * - Unassigned code points are those unassigned in Node's Unicode (\p{Cn}), and are rejected.
 * - saslprep: strings with right-to-left characters (RFC 3454 §6 bidi rule) are rejected as
 *   unsupported instead of being checked: the scripts Hebrew, Arabic, Syriac, Thaana, NKo,
 *   Samaritan, Mandaic, Adlam, Hanifi Rohingya and the Hebrew/Arabic presentation forms.
 * - opaqueString: CONTEXTJ/CONTEXTO code points (RFC 5892 Appendix A: U+200C, U+200D, U+00B7,
 *   U+0375, U+05F3, U+05F4, U+0660-0669, U+06F0-06F9, U+30FB) are rejected rather than checked in
 *   context. RFC 5892 §2.6 exceptions are not special-cased.
 * ASCII strings without control characters pass both unchanged, which is what ICE and nearly all
 * TURN deployments use.
 */

export class StringprepError extends Error {
  override readonly name = 'StringprepError';
  constructor(
    readonly profile: 'OpaqueString' | 'SASLprep',
    /** The offending code point, when there is one. */
    readonly codePoint: number | undefined,
    readonly reason: string,
  ) {
    super(
      `${profile}: ${reason}${codePoint === undefined ? '' : ` (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')})`}`,
    );
  }
}

// ---- OpaqueString (RFC 8265 §4.2, FreeformClass of RFC 8264 §4.3) ----------------------------

/** RFC 8264 §9: disallowed in FreeformClass (controls, ignorables, unassigned, private use, ...). */
const freeformDisallowed =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u00b7\u0375\u05f3\u05f4\u0660-\u0669\u06f0-\u06f9\u30fb]/u;

export function opaqueString(s: string): string {
  // §4.2.1: additional mapping (non-ASCII spaces to U+0020), then NFC. No width or case mapping.
  const out = s.replace(/[\p{Zs}]/gu, ' ').normalize('NFC');
  if (out.length === 0) throw new StringprepError('OpaqueString', undefined, 'the empty string is not allowed');
  const m = freeformDisallowed.exec(out);
  if (m) throw new StringprepError('OpaqueString', m[0].codePointAt(0), 'code point not allowed (or not supported) in FreeformClass');
  return out;
}

// ---- SASLprep (RFC 4013) ---------------------------------------------------------------------

/** RFC 3454 C.1.2: non-ASCII space characters (mapped to U+0020 by RFC 4013 §2.1). */
const nonAsciiSpace = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/gu;
/** RFC 3454 B.1: commonly mapped to nothing. */
const mappedToNothing = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/gu;
/** RFC 4013 §2.3: C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9; plus A.1 (§2.5). */
const saslprepProhibited = new RegExp(
  [
    '[\\u00a0\\u1680\\u2000-\\u200b\\u202f\\u205f\\u3000]', // C.1.2
    '[\\u0000-\\u001f\\u007f]', // C.2.1
    '[\\u0080-\\u009f\\u06dd\\u070f\\u180e\\u200c\\u200d\\u2028\\u2029\\u2060-\\u2063\\u206a-\\u206f\\ufeff\\ufff9-\\ufffc\\u{1d173}-\\u{1d17a}]', // C.2.2
    '[\\ue000-\\uf8ff\\u{f0000}-\\u{ffffd}\\u{100000}-\\u{10fffd}]', // C.3
    '[\\p{Noncharacter_Code_Point}]', // C.4
    '[\\p{Cs}]', // C.5
    '[\\ufff9-\\ufffd]', // C.6
    '[\\u2ff0-\\u2ffb]', // C.7
    '[\\u0340\\u0341\\u200e\\u200f\\u202a-\\u202e\\u206a-\\u206f]', // C.8
    '[\\u{e0001}\\u{e0020}-\\u{e007f}]', // C.9
    '[\\p{Cn}]', // A.1 (approximated by Node's Unicode)
  ].join('|'),
  'u',
);
/** Right-to-left scripts: the bidi rule is not implemented, these are rejected as unsupported. */
const rightToLeft =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\ufb1d-\ufdff\ufe70-\ufefc]/u;

export function saslprep(s: string): string {
  const mapped = s.replace(mappedToNothing, '').replace(nonAsciiSpace, ' '); // §2.1 (B.1 first, as U+200B is in both)
  const out = mapped.normalize('NFKC'); // §2.2
  const bad = saslprepProhibited.exec(out);
  if (bad) throw new StringprepError('SASLprep', bad[0].codePointAt(0), 'prohibited code point (RFC 4013 §2.3/§2.5)');
  const rtl = rightToLeft.exec(out);
  if (rtl) throw new StringprepError('SASLprep', rtl[0].codePointAt(0), 'right-to-left text is not supported (bidi rule, RFC 3454 §6)');
  return out;
}

export type StringProfile = 'opaque-string' | 'saslprep';

export function prepare(s: string, profile: StringProfile): string {
  return profile === 'saslprep' ? saslprep(s) : opaqueString(s);
}
