// 评分指标: an administrator's criteria per cycle (units and projects), replaced as a whole list
// by the editor. Editable while scores may still be written (until the evaluation phase closes),
// under the same lock as a score write. A criterion that already has scores cannot be removed,
// nor its maximum lowered below a score given (that would change a given score's meaning).
import { z } from 'zod';
import { criteriaProblems, EVALUATION_TARGETS, weightShares, type Criterion } from '@diandan/domain';
import { HttpError, type PrismaClient } from '@diandan/platform';
import { EVALUATION_PHASE } from './cycles';

export const criterionInput = z.object({
  id: z.uuid().optional().describe('an existing criterion to keep (and change); omitted: a new one'),
  target: z.enum(EVALUATION_TARGETS),
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).default(''),
  weight: z.number().positive().max(1000).describe('any positive number: the share is weight / sum of the target’s weights'),
  maxScore: z.number().positive().max(1000).default(100),
});
export const criteriaBody = z.object({ criteria: z.array(criterionInput).max(40) });
export type CriteriaBody = z.infer<typeof criteriaBody>;

export interface CriterionView extends Criterion {
  description: string;
  position: number;
  /** weight / sum of the target's weights (0–1). */
  share: number;
}

export async function criteriaOf(db: Pick<PrismaClient, 'evaluationCriterion'>, cycleId: string): Promise<CriterionView[]> {
  const rows = await db.evaluationCriterion.findMany({ where: { cycleId }, orderBy: [{ target: 'asc' }, { position: 'asc' }] });
  const list = rows.map((r) => ({ id: r.id, target: r.target as Criterion['target'], name: r.name, weight: r.weight, maxScore: r.maxScore, description: r.description, position: r.position }));
  const shares = weightShares(list);
  return list.map((c) => ({ ...c, share: shares.get(c.id) ?? 0 }));
}

interface ScoredEntry {
  criterionId: string;
  score: number;
}

/** Replaces the cycle's criteria (inside the caller's transaction, which holds the cycle's lock). */
export async function replaceCriteria(tx: PrismaClient, cycleId: string, body: CriteriaBody): Promise<void> {
  const problems = criteriaProblems(body.criteria);
  if (problems.length) throw new HttpError(400, 'invalid_criteria', problems.map((p) => (p.index >= 0 ? `第 ${p.index + 1} 项：${p.message}` : p.message)).join('；'), { problems });
  const existing = await tx.evaluationCriterion.findMany({ where: { cycleId } });
  const existingIds = new Set(existing.map((c) => c.id));
  const unknown = body.criteria.filter((c) => c.id && !existingIds.has(c.id));
  if (unknown.length) throw new HttpError(400, 'invalid_criteria', `unknown criterion ids for this cycle: ${unknown.map((c) => c.id).join(', ')}`);

  // The highest score given per criterion, over every sheet of the cycle.
  const sheets = await tx.evaluationSheet.findMany({ where: { cycleId }, select: { scores: true } });
  const highest = new Map<string, number>();
  for (const s of sheets) for (const e of s.scores as unknown as ScoredEntry[]) highest.set(e.criterionId, Math.max(highest.get(e.criterionId) ?? 0, e.score));
  const kept = new Map(body.criteria.filter((c) => c.id).map((c) => [c.id!, c]));
  for (const c of existing) {
    const next = kept.get(c.id);
    const top = highest.get(c.id);
    if (top === undefined) continue;
    if (!next) throw new HttpError(409, 'criterion_scored', `指标「${c.name}」已有评分，不能删除`, { criterionId: c.id });
    if (next.target !== c.target) throw new HttpError(409, 'criterion_scored', `指标「${c.name}」已有评分，不能改变适用对象`, { criterionId: c.id });
    if (next.maxScore < top) throw new HttpError(409, 'criterion_scored', `指标「${c.name}」已有 ${top} 分的评分，满分不能低于它`, { criterionId: c.id });
  }

  await tx.evaluationCriterion.deleteMany({ where: { cycleId, id: { notIn: [...kept.keys()] } } });
  let position = 0;
  for (const c of body.criteria) {
    const data = { target: c.target, name: c.name, description: c.description, weight: c.weight, maxScore: c.maxScore, position: position++ };
    if (c.id) await tx.evaluationCriterion.update({ where: { id: c.id }, data });
    else await tx.evaluationCriterion.create({ data: { ...data, cycleId } });
  }
}

export { EVALUATION_PHASE };
