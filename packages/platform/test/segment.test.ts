// Chinese segmentation (jieba) as the bundling keywords and the knowledge base use it.
import { proposeBundles } from '@diandan/domain';
import { termsOf, wordsOf } from '../src';

describe('segment', () => {
  test('wordsOf: the words a reader sees, without stopwords, lone characters or overlapping parts', () => {
    const words = wordsOf('小区路灯坏了三天，晚上很黑');
    expect(words).toEqual(expect.arrayContaining(['路灯', '三天', '晚上']));
    expect(words).not.toContain('区路');
    expect(words).not.toContain('了');
  });

  test('termsOf: search mode also gives a long word\'s parts', () => {
    expect(termsOf('会员卡怎么办理')).toEqual(expect.arrayContaining(['会员', '会员卡', '办理']));
  });

  test('bundling with wordsOf: every keyword is a word all the orders share', () => {
    const texts = ['小区路灯坏了三天，晚上很黑', '路灯坏了三天没人修', '楼下路灯坏了三天了', '3栋门口路灯坏了三天'];
    const orders = texts.map((content, i) => ({ id: `o${i}`, categoryCode: 'lights', areaId: 'a1', content, placedAt: `2026-02-0${i + 1}T02:00:00.000Z` }));
    const [bundle] = proposeBundles(orders, {}, wordsOf);
    expect(bundle!.keywords).toEqual(expect.arrayContaining(['路灯', '三天']));
    for (const keyword of bundle!.keywords) for (const text of texts) expect(text).toContain(keyword);
  });
});
