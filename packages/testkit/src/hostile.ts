// Hostile input, once for every property test: the classes of strings that found 500s before
// (NUL bytes, lone UTF-16 surrogates, dates at the ends of the calendar) and their relatives.
// Each test feeds them to one endpoint and asserts a clear 4xx (or a 2xx), never a 5xx.
import fc from 'fast-check';

/** Any UTF-16 code unit, lone surrogates included: what a buggy or malicious JSON encoder sends. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

/** Single characters that are not text, or that confuse text handling. */
export const hostileCharacters = fc.constantFrom(
  '\u0000', // NUL: PostgreSQL refuses it in text
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  '\uDBFF\uDBFF', // two highs
  '\uFEFF', // BOM
  '\u202E', // right-to-left override
  '\u200B', // zero-width space
  '\u0085', // next line
  '\u2028', // line separator
  '\uFFFD', // replacement character
  '\u001B', // escape
  '\uD83D\uDE00', // a real astral character (valid)
);

/** Dates that JavaScript accepts and databases or date arithmetic do not. */
export const hostileDates = fc.constantFrom(
  '0000-01-01',
  '9999-12-31',
  '0000-00-00',
  '1969-12-31T23:59:59Z',
  '2026-02-30',
  '2026-13-01',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01',
  '9999-12-31T23:59:59.999+14:00',
  '0001-01-01T00:00:00-14:00',
  '2026-11-30T24:00:00Z',
);

/** Strings built around the hostile characters, plus odd lengths and the usual injection shapes. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), hostileCharacters, fc.string({ maxLength: 8 })).map(([a, bad, b]) => `${a}${bad}${b}`),
  fc.string({ unit: codeUnit, minLength: 1, maxLength: 24 }),
  hostileDates,
  fc.constantFrom(
    '',
    ' ',
    "' OR 1=1 --",
    '%00',
    '%ED%A0%80',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '{"$ne":null}',
    '__proto__',
    'constructor',
    'a'.repeat(10_000),
    '点'.repeat(2_000),
  ),
);

/** True when a string has a NUL or a lone surrogate: the classes that must be refused, not stored. */
export function isUnrepresentable(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- finding NUL is the point
  return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** The string a URL encoder actually sends: lone surrogates become U+FFFD. */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
