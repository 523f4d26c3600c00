import { buildUnitTree, levelIndex, LEVELS, nextLevel, responsibleUnit, type Unit } from '../src';
import { TREE, UNITS } from './fixtures';

const unitId = (result: ReturnType<typeof responsibleUnit>) => (result.ok ? result.value.id : result.error.reason);

describe('levels', () => {
  test('climb community → street → district and stop there', () => {
    expect(LEVELS).toEqual(['community', 'street', 'district']);
    expect(nextLevel('community')).toBe('street');
    expect(nextLevel('street')).toBe('district');
    expect(nextLevel('district')).toBeNull();
    expect(LEVELS.map(levelIndex)).toEqual([0, 1, 2]);
  });
});

describe('responsibleUnit', () => {
  test('without routing, a community climbs to its own street', () => {
    expect(unitId(responsibleUnit(TREE, undefined, 'comm-a2', 'street'))).toBe('street-a');
    expect(unitId(responsibleUnit(TREE, undefined, 'comm-b1', 'street'))).toBe('street-b');
  });

  test('a service center climbs through its community', () => {
    expect(unitId(responsibleUnit(TREE, undefined, 'sc-a1', 'street'))).toBe('street-a');
    expect(unitId(responsibleUnit(TREE, undefined, 'sc-a1', 'community'))).toBe('comm-a1');
  });

  test('at district level the default is the district federation (区群团联合会)', () => {
    expect(unitId(responsibleUnit(TREE, undefined, 'sec-a-social', 'district'))).toBe('fed');
  });

  test("a category's routing names the unit, choosing the candidate in the order's own street", () => {
    const routing = { street: ['sec-a-social', 'sec-b-social'], district: 'union' };
    expect(unitId(responsibleUnit(TREE, routing, 'comm-a1', 'street'))).toBe('sec-a-social');
    expect(unitId(responsibleUnit(TREE, routing, 'comm-b1', 'street'))).toBe('sec-b-social');
    expect(unitId(responsibleUnit(TREE, routing, 'sec-b-social', 'district'))).toBe('union');
  });

  test("routing to a unit outside the order's street falls back to climbing the tree", () => {
    expect(unitId(responsibleUnit(TREE, { street: 'sec-b-social' }, 'comm-a1', 'street'))).toBe('street-a');
  });

  test('routing candidates at the wrong level are ignored', () => {
    expect(unitId(responsibleUnit(TREE, { street: 'comm-a2' }, 'comm-a1', 'street'))).toBe('street-a');
  });

  test('before any dispatch, only routing (or the federation at district level) can answer', () => {
    expect(unitId(responsibleUnit(TREE, { street: 'sec-a-social' }, null, 'street'))).toBe('sec-a-social');
    expect(unitId(responsibleUnit(TREE, undefined, null, 'district'))).toBe('fed');
    expect(responsibleUnit(TREE, undefined, null, 'community')).toEqual({
      ok: false,
      error: { code: 'not_found', reason: 'no community-level unit is routed for this category; dispatch it by hand' },
    });
  });

  test('an unknown unit is reported, not guessed', () => {
    expect(responsibleUnit(TREE, undefined, 'ghost', 'street')).toEqual({
      ok: false,
      error: { code: 'not_found', reason: 'unknown unit ghost' },
    });
  });
});

describe('buildUnitTree', () => {
  const unit = (id: string, parentId: string | null): Unit => ({ id, name: id, kind: 'community', parentId, level: 'community' });

  test('indexes every unit', () => {
    expect(TREE.units.size).toBe(UNITS.length);
  });

  test('refuses a dangling parent, a duplicate id and a cycle', () => {
    expect(() => buildUnitTree([unit('a', 'missing')])).toThrow('unknown parent missing');
    expect(() => buildUnitTree([unit('a', null), unit('a', null)])).toThrow('duplicate unit id a');
    expect(() => buildUnitTree([unit('a', 'b'), unit('b', 'a')])).toThrow('cycle');
  });
});
