import { areaOf, suggestUnit, type UnitSuggestion } from '../src';
import { CONTEXT, TREE } from './fixtures';

const employment = { routing: CONTEXT.routing!.employment, category: { code: 'employment', name: '就业' } };
const ids = (s: UnitSuggestion) => [s.suggested?.unit.id, ...s.alternatives.map((a) => a.unit.id)];

describe('areaOf', () => {
  it('area.matchCheck: the community the address names, before its street; short names too', () => {
    expect(areaOf(TREE, '东街道东一社区 3 栋')?.unit.id).toBe('comm-a1');
    expect(areaOf(TREE, '家住东二 5 号楼')).toMatchObject({ unit: { id: 'comm-a2' }, matched: '东二' });
    expect(areaOf(TREE, '西街道菜市场旁')?.unit.id).toBe('street-b');
    expect(areaOf(TREE, '不知道哪里')).toBeNull();
    expect(areaOf(TREE, undefined)).toBeNull();
  });
});

describe('suggestUnit', () => {
  it('suggest.areaCheck: the community of the address first, then the routed units up the ladder, each with its reason', () => {
    const s = suggestUnit({ tree: TREE, ...employment, address: '东二社区 2 栋' });
    expect(ids(s)).toEqual(['comm-a2', 'sec-a-social', 'dept-civil']);
    expect(s.suggested?.reason).toBe('地址「东二社区」属于东二社区（社区级），分类「就业」在社区级未指定承办单位');
    expect(s.alternatives[0]?.reason).toBe('分类「就业」在街道级由东街道社会事务科负责（地址「东二社区」在其辖区）');
    expect(s.alternatives[1]?.reason).toBe('分类「就业」在区级由区民政局负责');
  });

  it('suggest.routingCheck: without an area, the one routed unit answers; several per-street sections are only offered', () => {
    const s = suggestUnit({ tree: TREE, ...employment, address: '' });
    expect(ids(s)).toEqual(['dept-civil', 'sec-a-social', 'sec-b-social']);
    expect(s.alternatives[0]?.reason).toMatch(/街道级的承办单位之一/);
  });

  it('suggest.fallbackCheck: no category, no area: the district federation coordinates', () => {
    const s = suggestUnit({ tree: TREE });
    expect(s.suggested?.unit.id).toBe('fed');
    expect(s.suggested?.reason).toBe('未选分类，由区群团联合会统筹');
  });

  it('suggest.officerCheck: a street officer is offered only units of its branch, at or below its level, never itself', () => {
    const street = TREE.units.get('street-a')!;
    const s = suggestUnit({ tree: TREE, ...employment, address: '东一社区', within: street });
    expect(ids(s)).toEqual(['comm-a1', 'sec-a-social', 'comm-a2']);
    const outside = suggestUnit({ tree: TREE, ...employment, address: '西一社区', within: street });
    expect(ids(outside)).not.toContain('comm-b1');
    expect(ids(outside)).not.toContain('street-a');
    expect(ids(outside)).toEqual(expect.arrayContaining(['sec-a-social', 'comm-a1', 'comm-a2']));
  });
});
