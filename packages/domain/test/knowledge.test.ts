import { checkValidity, documentFrequencies, isSuggestible, rankEntries, retrievalQuality, searchTerms, type IndexedEntry } from '../src';

describe('eligibility', () => {
  const now = new Date('2026-11-30T08:00:00Z');
  test('only approved entries inside their validity are suggested', () => {
    expect(isSuggestible({ status: 'approved' }, now)).toBe(true);
    expect(isSuggestible({ status: 'proposed' }, now)).toBe(false);
    expect(isSuggestible({ status: 'retired' }, now)).toBe(false);
    expect(isSuggestible({ status: 'approved', validTo: '2026-11-30T07:59:59Z' }, now)).toBe(false);
    expect(isSuggestible({ status: 'approved', validFrom: '2026-12-01T00:00:00Z' }, now)).toBe(false);
    expect(isSuggestible({ status: 'approved', validFrom: '2026-01-01', validTo: '2027-01-01' }, now)).toBe(true);
  });

  test('a validity window ends after it starts', () => {
    expect(checkValidity({ validFrom: '2026-01-01', validTo: '2027-01-01' }).ok).toBe(true);
    expect(checkValidity({ validFrom: '2026-01-01', validTo: '2026-01-01' }).ok).toBe(false);
    expect(checkValidity({ validTo: 'not a date' }).ok).toBe(false);
    expect(checkValidity({}).ok).toBe(true);
  });
});

describe('search terms', () => {
  test('stopwords, punctuation and lone characters go; case folds; duplicates collapse', () => {
    expect(searchTerms(['请问', '怎么', '办理', '工会', '会员卡', '？', '的', '办理', 'WiFi', '半'])).toEqual(['办理', '工会', '会员卡', 'wifi']);
  });
});

describe('rankEntries', () => {
  const entries: IndexedEntry[] = [
    { id: 'card', question: ['办理', '工会', '会员', '会员卡'], keywords: ['会员卡'], answer: ['携带', '身份证', '工会'] },
    { id: 'ticket', question: ['火车', '车票', '火车票', '代购'], keywords: ['返乡'], answer: ['工会', '服务站'] },
    { id: 'wage', question: ['拖欠', '工资', '拖欠工资'], keywords: ['欠薪'], answer: ['劳动', '监察'] },
  ];
  const options = { total: entries.length, documentFrequency: documentFrequencies(entries) };

  test('the entry whose question holds the rare words wins; common words weigh little', () => {
    const ranked = rankEntries(['工会', '会员卡', '补办'], entries, options);
    expect(ranked[0]).toMatchObject({ id: 'card' });
    expect(ranked[0]!.matched[0]).toBe('会员卡');
    expect(ranked.find((r) => r.id === 'ticket')).toBeUndefined();
  });

  test('nothing relevant: nothing offered', () => {
    expect(rankEntries(['垃圾桶'], entries, options)).toEqual([]);
    expect(rankEntries([], entries, options)).toEqual([]);
  });

  test('answers count less than questions', () => {
    const inAnswer = rankEntries(['身份证'], entries, { ...options, minScore: 0 });
    expect(inAnswer[0]!.score).toBe(0.5);
  });
});

describe('retrievalQuality', () => {
  test('micro-averaged over the set; nothing wanted and nothing offered is perfect', () => {
    expect(retrievalQuality([['a', 'x'], ['b'], []], [['a'], ['b', 'c'], []])).toEqual({ precision: 2 / 3, recall: 2 / 3, queries: 3 });
    expect(retrievalQuality([[]], [[]])).toEqual({ precision: 1, recall: 1, queries: 1 });
  });
});
