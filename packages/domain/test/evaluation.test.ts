import { chinaDate, chinaDateTime, chinaIso, chinaYearStart, criteriaProblems, scoreProblems, sheetTotal, weightShares, type Criterion } from '../src';

const criteria: Criterion[] = [
  { id: 'a', target: 'unit', name: '办理质量', weight: 30, maxScore: 100 },
  { id: 'b', target: 'unit', name: '群众满意', weight: 50, maxScore: 100 },
  { id: 'c', target: 'unit', name: '台账规范', weight: 20, maxScore: 10 },
  { id: 'p', target: 'project', name: '完成度', weight: 1, maxScore: 5 },
];

describe('chinaTime', () => {
  it('formats an instant in China time, across the UTC day boundary', () => {
    const at = new Date('2026-12-31T16:30:05.123Z');
    expect(chinaDateTime(at)).toBe('2027-01-01 00:30:05');
    expect(chinaDate(at)).toBe('2027-01-01');
    expect(chinaIso(at)).toBe('2027-01-01T00:30:05.123+08:00');
    expect(new Date(chinaIso(at)).getTime()).toBe(at.getTime());
    expect(chinaYearStart(2027).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
});

describe('criteria', () => {
  it('weights are shares of their target: any positive numbers, normalised', () => {
    const shares = weightShares(criteria);
    expect(shares.get('a')).toBeCloseTo(0.3);
    expect(shares.get('b')).toBeCloseTo(0.5);
    expect(shares.get('c')).toBeCloseTo(0.2);
    expect(shares.get('p')).toBe(1);
  });

  it('refuses empty or duplicate names and weights or maxima that are not positive', () => {
    expect(criteriaProblems(criteria)).toEqual([]);
    const problems = criteriaProblems([
      { target: 'unit', name: ' ', weight: 1, maxScore: 100 },
      { target: 'unit', name: '质量', weight: 0, maxScore: 100 },
      { target: 'unit', name: '质量', weight: -2, maxScore: Number.NaN },
      { target: 'project', name: '质量', weight: 1, maxScore: 100 },
    ]);
    expect(problems.map((p) => `${p.index}.${p.field}`)).toEqual(['0.name', '1.weight', '2.name', '2.weight', '2.maxScore']);
  });
});

describe('sheetTotal', () => {
  it('scales each score by its maximum and weighs it by its share (0–100)', () => {
    const result = sheetTotal('unit', criteria, [
      { criterionId: 'a', score: 80 },
      { criterionId: 'b', score: 90 },
      { criterionId: 'c', score: 5 },
    ]);
    expect(result).toEqual({ total: 0.3 * 80 + 0.5 * 90 + 0.2 * 50, complete: true, missing: [] });
  });

  it('has no total until every criterion of the target is scored', () => {
    expect(sheetTotal('unit', criteria, [{ criterionId: 'a', score: 80 }])).toEqual({ total: null, complete: false, missing: ['b', 'c'] });
    expect(sheetTotal('project', [], [])).toEqual({ total: null, complete: false, missing: [] });
  });

  it('refuses scores out of range, of another target, or twice for one criterion', () => {
    expect(scoreProblems('unit', criteria, [{ criterionId: 'a', score: 100 }, { criterionId: 'c', score: 0 }])).toEqual([]);
    expect(scoreProblems('unit', criteria, [{ criterionId: 'c', score: 11 }])).toEqual(['指标「台账规范」的分数须在 0 到 10 之间']);
    expect(scoreProblems('unit', criteria, [{ criterionId: 'p', score: 1 }])[0]).toMatch(/未知的指标 p/);
    expect(scoreProblems('unit', criteria, [{ criterionId: 'a', score: 1 }, { criterionId: 'a', score: 2 }])).toEqual(['指标「办理质量」重复打分']);
    expect(scoreProblems('unit', criteria, [{ criterionId: 'a', score: -1 }])).toHaveLength(1);
  });
});
