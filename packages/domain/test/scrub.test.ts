// Scrubbing personal data out of residents' own words, on a corpus of realistic texts and on
// generated ones: no phone or ID number survives, and the sentence still reads.
import fc from 'fast-check';
import { findPersonalNumber, scrub } from '../src/scrub';
import corpus from './fixtures/scrub-corpus.json';

interface CorpusText {
  text: string;
  gone: string[];
  kept: string[];
}
const texts = corpus as CorpusText[];

describe('scrub (corpus of realistic texts)', () => {
  it('scrub.corpusSizeCheck: the corpus has at least 40 texts', () => {
    expect(texts.length).toBeGreaterThanOrEqual(40);
  });

  it.each(texts.map((t) => [t.text.slice(0, 24), t] as const))('scrub.personalDataCheck: %s…', (_label, t) => {
    const out = scrub(t.text);
    for (const personal of t.gone) expect(out).not.toContain(personal);
    expect(findPersonalNumber(out)).toBeNull();
    for (const readable of t.kept) expect(out).toContain(readable);
  });

  it('scrub.idempotenceCheck: scrubbing twice changes nothing more', () => {
    for (const t of texts) expect(scrub(scrub(t.text))).toBe(scrub(t.text));
  });
});

describe('scrub (generated texts)', () => {
  const han = fc.constantFrom(...'我们小区门口的路灯坏了希望尽快修理工资拖欠请帮忙谢谢，。、'.split(''));
  const words = fc.array(han, { maxLength: 20 }).map((cs) => cs.join(''));
  const sep = fc.constantFrom('', ' ', '-');
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((ds) => ds.join(''));
  const mobile = fc
    .tuple(fc.constantFrom('', '+86 ', '86', '+86-'), fc.integer({ min: 3, max: 9 }), digits(1), sep, digits(4), sep, digits(4))
    .map(([prefix, second, third, s1, a, s2, b]) => `${prefix}1${second}${third}${s1}${a}${s2}${b}`);
  const idCard = fc
    .tuple(
      digits(6),
      fc.integer({ min: 1940, max: 2010 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
      digits(3),
      fc.constantFrom('X', 'x', '0', '7'),
    )
    .map(([area, y, m, d, seq, check]) => `${area}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}${check}`);

  it('scrub.mobileCheck: a mobile number in any spelling never survives', () => {
    fc.assert(
      fc.property(words, mobile, words, (before, number, after) => {
        const out = scrub(`${before}${number}${after}`);
        expect(out).not.toContain(number.replace(/^\+?86[- ]?/, ''));
        expect(findPersonalNumber(out)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('scrub.idCardCheck: an ID card number never survives', () => {
    fc.assert(
      fc.property(words, idCard, words, (before, number, after) => {
        const out = scrub(`${before}身份证${number}${after}`);
        expect(out).not.toContain(number);
        expect(findPersonalNumber(out)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});
