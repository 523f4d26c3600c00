import { bigrams, DEFAULT_DUPLICATE_SETTINGS, distanceMeters, findDuplicates, relatedCategories, scoreDuplicate, textSimilarity, type DuplicateFacts } from '../src';

const at = (days: number) => new Date(Date.UTC(2026, 10, 20) + days * 86_400_000).toISOString();
const base: DuplicateFacts = {
  id: 'new',
  categoryCode: 'streetlight',
  content: '建新北路社区5栋门口的路灯坏了一个星期，晚上很黑，请尽快维修',
  area: { unitId: 'jianxin-north', name: '建新北路社区', streetId: 'guanyinqiao', streetName: '观音桥街道' },
  placedAt: at(0),
  status: 'placed',
};

describe('text similarity', () => {
  test('same words score 1, unrelated ones near 0, punctuation ignored', () => {
    expect(textSimilarity('路灯坏了', '路灯坏了！')).toBe(1);
    expect(textSimilarity('路灯坏了，请维修', '孩子放学后没人照看')).toBe(0);
    expect(textSimilarity('', '')).toBe(0);
    expect(bigrams('ab').size).toBe(1);
  });

  test('a paraphrase of the same need scores well above a different need in the same place', () => {
    const place = ['建新北路社区', '建新北路'];
    const paraphrase = textSimilarity(bigrams(base.content, place), bigrams('5栋门口路灯坏了好几天了，晚上太黑，麻烦维修一下', place));
    const other = textSimilarity(bigrams(base.content, place), bigrams('建新北路社区5栋楼道里堆满杂物，请清理', place));
    expect(paraphrase).toBeGreaterThan(0.25);
    // The shared address is the place's evidence, not the text's.
    expect(other).toBe(0);
  });
});

describe('distance', () => {
  test('haversine: 0.01° of latitude is about 1.1 km', () => {
    expect(Math.round(distanceMeters({ lat: 29.57, lng: 106.55 }, { lat: 29.58, lng: 106.55 }))).toBe(1112);
  });
});

describe('scoreDuplicate', () => {
  const twin: DuplicateFacts = { ...base, id: 'old', content: '5栋门口路灯坏了好几天了，晚上太黑，麻烦维修一下', placedAt: at(-2), trackingCode: 'DD-X' };

  test('same category, same community, similar words: a duplicate, with the reason', () => {
    const match = scoreDuplicate(base, twin, { categoryName: '路灯维修' });
    expect(match).not.toBeNull();
    expect(match!.score).toBeGreaterThanOrEqual(DEFAULT_DUPLICATE_SETTINGS.threshold);
    expect(match!.reason).toContain('同一分类「路灯维修」');
    expect(match!.reason).toContain('同在建新北路社区');
    expect(match!.reason).toContain('相隔 2 天提交');
  });

  test('outside the window, closed, itself, or another category: not a candidate', () => {
    expect(scoreDuplicate(base, { ...twin, placedAt: at(-30) })).toBeNull();
    expect(scoreDuplicate(base, { ...twin, status: 'closed' })).toBeNull();
    expect(scoreDuplicate(base, { ...twin, status: 'merged' })).toBeNull();
    expect(scoreDuplicate(base, { ...twin, id: 'new' })).toBeNull();
    expect(scoreDuplicate(base, { ...twin, categoryCode: 'after-school' })).toBeNull();
    expect(scoreDuplicate(base, { ...twin, placedAt: at(-30) }, { settings: { ...DEFAULT_DUPLICATE_SETTINGS, windowDays: 60 } })).not.toBeNull();
  });

  test('a related category counts half', () => {
    const match = scoreDuplicate(base, { ...twin, content: base.content, categoryCode: 'road-lighting' }, { related: new Set(['road-lighting']) });
    expect(match?.parts.category).toBe(0.5);
    expect(match?.reason).toContain('相关分类');
  });

  test('coordinates decide the place when both orders have them', () => {
    const here = { lat: 29.5750, lng: 106.5330 };
    const near = scoreDuplicate({ ...base, ...here }, { ...twin, lat: 29.5755, lng: 106.5330 });
    expect(near?.parts.distanceMeters).toBe(56);
    expect(near?.reason).toContain('相距 56 米');
    expect(scoreDuplicate({ ...base, ...here }, { ...twin, content: base.content, lat: 29.60, lng: 106.5330 })).toBeNull();
  });

  test('another community of the same street counts half; another street nothing', () => {
    const any = { settings: { ...DEFAULT_DUPLICATE_SETTINGS, threshold: 0 } };
    const sameStreet = scoreDuplicate(base, { ...twin, area: { unitId: 'other', name: '别的社区', streetId: 'guanyinqiao', streetName: '观音桥街道' } }, any);
    expect(sameStreet?.parts.place).toBe(0.5);
    expect(sameStreet?.reason).toContain('同属观音桥街道');
    // The same words about another street's place are another need.
    expect(scoreDuplicate(base, { ...twin, content: base.content, area: { unitId: 'x', name: 'x', streetId: 'y' } }, any)).toBeNull();
  });

  test('the same place and category with different words is not a duplicate', () => {
    expect(scoreDuplicate(base, { ...twin, content: '小区垃圾桶太少，希望增加几个分类垃圾桶' })).toBeNull();
  });
});

describe('findDuplicates and related categories', () => {
  test('best first, at most the limit', () => {
    const candidates: DuplicateFacts[] = Array.from({ length: 8 }, (_, i) => ({ ...base, id: `c${i}`, content: `${base.content}${'再'.repeat(i * 4)}`, placedAt: at(-1) }));
    const found = findDuplicates(base, candidates);
    expect(found).toHaveLength(DEFAULT_DUPLICATE_SETTINGS.limit);
    expect(found.map((m) => m.orderId)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
  });

  test('categories sharing a keyword are related', () => {
    const catalogue = [
      { code: 'streetlight', keywords: ['路灯', '照明'] },
      { code: 'road-lighting', keywords: ['照明'] },
      { code: 'after-school', keywords: ['四点半'] },
    ];
    expect(relatedCategories('streetlight', catalogue)).toEqual(['road-lighting']);
    expect(relatedCategories('after-school', catalogue)).toEqual([]);
    expect(relatedCategories('unknown', catalogue)).toEqual([]);
  });
});
