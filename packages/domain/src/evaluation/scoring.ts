// The year-end evaluation's scoring rules (年底第三方评估): criteria with weights per cycle, a score
// sheet per unit and per project, the weighted total. Pure; services/feedback stores and serves them.
//
// Weights: any positive numbers (30/30/40 or 1/2/1 alike). What counts is each criterion's share,
// weight / sum of the target's weights, shown beside it on the form; the total is normalised to
// 0–100 whatever the weights sum to, so an administrator never has to make them add up to 100.
// Each criterion has its own maximum (default 100); a score is first scaled to 0–100 by it.

export const EVALUATION_TARGETS = ['unit', 'project'] as const;
export type EvaluationTarget = (typeof EVALUATION_TARGETS)[number];

export interface Criterion {
  id: string;
  target: EvaluationTarget;
  name: string;
  weight: number;
  maxScore: number;
}

export interface CriterionScore {
  criterionId: string;
  score: number;
  comment?: string;
}

export interface CriterionProblem {
  /** Index in the list, or -1 for the whole list. */
  index: number;
  field: 'name' | 'weight' | 'maxScore' | 'list';
  message: string;
}

export const MAX_CRITERIA_PER_TARGET = 20;

/** What is wrong with a target's criteria, in Chinese; empty when they can be saved. */
export function criteriaProblems(criteria: readonly Omit<Criterion, 'id'>[]): CriterionProblem[] {
  const problems: CriterionProblem[] = [];
  const byTarget = new Map<EvaluationTarget, number>();
  const names = new Set<string>();
  criteria.forEach((c, index) => {
    byTarget.set(c.target, (byTarget.get(c.target) ?? 0) + 1);
    const name = c.name.trim();
    if (!name) problems.push({ index, field: 'name', message: '指标名称不能为空' });
    else if (names.has(`${c.target}/${name}`)) problems.push({ index, field: 'name', message: `指标「${name}」重复` });
    names.add(`${c.target}/${name}`);
    if (!Number.isFinite(c.weight) || c.weight <= 0) problems.push({ index, field: 'weight', message: '权重须为正数' });
    if (!Number.isFinite(c.maxScore) || c.maxScore <= 0) problems.push({ index, field: 'maxScore', message: '满分须为正数' });
  });
  for (const [target, count] of byTarget) {
    if (count > MAX_CRITERIA_PER_TARGET) problems.push({ index: -1, field: 'list', message: `${target === 'unit' ? '单位' : '项目'}指标最多 ${MAX_CRITERIA_PER_TARGET} 项` });
  }
  return problems;
}

/** Each criterion's share of its target's total (weight / sum of weights), summing to 1 per target. */
export function weightShares(criteria: readonly Criterion[]): Map<string, number> {
  const sums = new Map<EvaluationTarget, number>();
  for (const c of criteria) sums.set(c.target, (sums.get(c.target) ?? 0) + c.weight);
  return new Map(criteria.map((c) => [c.id, c.weight / sums.get(c.target)!]));
}

/** What is wrong with a sheet's scores against the target's criteria, in Chinese; empty when none. */
export function scoreProblems(target: EvaluationTarget, criteria: readonly Criterion[], scores: readonly CriterionScore[]): string[] {
  const known = new Map(criteria.filter((c) => c.target === target).map((c) => [c.id, c]));
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const s of scores) {
    const criterion = known.get(s.criterionId);
    if (!criterion) {
      problems.push(`未知的指标 ${s.criterionId}（不属于本周期的${target === 'unit' ? '单位' : '项目'}指标）`);
      continue;
    }
    if (seen.has(s.criterionId)) problems.push(`指标「${criterion.name}」重复打分`);
    seen.add(s.criterionId);
    if (!Number.isFinite(s.score) || s.score < 0 || s.score > criterion.maxScore) problems.push(`指标「${criterion.name}」的分数须在 0 到 ${criterion.maxScore} 之间`);
  }
  return problems;
}

export interface SheetTotal {
  /** Weighted total on 0–100, two decimals; null until every criterion of the target has a score. */
  total: number | null;
  complete: boolean;
  /** Criteria of the target without a score. */
  missing: string[];
}

/** The weighted, normalised total of a sheet (see the top of this file). */
export function sheetTotal(target: EvaluationTarget, criteria: readonly Criterion[], scores: readonly CriterionScore[]): SheetTotal {
  const mine = criteria.filter((c) => c.target === target);
  const byId = new Map(scores.map((s) => [s.criterionId, s.score]));
  const missing = mine.filter((c) => !byId.has(c.id)).map((c) => c.id);
  if (mine.length === 0 || missing.length > 0) return { total: null, complete: false, missing };
  const shares = weightShares(mine);
  const total = mine.reduce((sum, c) => sum + shares.get(c.id)! * (byId.get(c.id)! / c.maxScore) * 100, 0);
  return { total: Math.round(total * 100) / 100, complete: true, missing };
}
