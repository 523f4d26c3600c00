import fc from 'fast-check';
import { isNormalText, normaliseStrings, normaliseText } from '../src';

describe('normaliseText', () => {
  test.each([
    ['NUL is removed', 'a\u0000b', 'ab'],
    ['other C0 controls are removed, tab and newlines kept', 'a\u0007\tb\r\nc', 'a\tb\r\nc'],
    ['a lone high surrogate becomes U+FFFD', 'a\uD83Db', 'a\uFFFDb'],
    ['a lone low surrogate becomes U+FFFD', '\uDE00x', '\uFFFDx'],
    ['bidi overrides, isolates and marks are removed', '\u202Egnp.exe\u2066x\u2069\u200F', 'gnp.exex'],
    ['emoji and supplementary CJK stay', '路灯 😡👩‍👩‍👧 𠮷', '路灯 😡👩‍👩‍👧 𠮷'],
    ['decomposed text is composed (NFC)', 'e\u0301', '\u00e9'],
  ])('%s', (_name, input, expected) => {
    expect(normaliseText(input)).toBe(expected);
    expect(isNormalText(normaliseText(input))).toBe(true);
  });

  test('is idempotent and always yields well-formed text without NUL, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const once = normaliseText(s);
        expect(normaliseText(once)).toBe(once);
        expect(once.includes('\u0000')).toBe(false);
        expect(() => encodeURIComponent(once)).not.toThrow(); // throws on lone surrogates
      }),
    );
  });

  test('normaliseStrings reaches every string of a nested value', () => {
    expect(normaliseStrings({ a: 'x\u0000', b: ['\u202Ey', 1, null], c: { d: 'z\uD800' } })).toEqual({ a: 'x', b: ['y', 1, null], c: { d: 'z\uFFFD' } });
  });
});
