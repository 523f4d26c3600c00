// 评分表: one sheet per unit and per project in a cycle — a score and a comment per criterion and an
// overall comment. Every save is a new revision, kept for good in EvaluationSheetRevision (who, when,
// what); the sheet itself holds the newest. Saved only while the cycle is in its evaluation phase
// (lockOpenCycle holds the Cycle row against a phase change for the whole transaction).
import { z } from 'zod';
import { chinaIso, EVALUATION_TARGETS, scoreProblems, sheetTotal, type CriterionScore, type EvaluationTarget } from '@diandan/domain';
import { HttpError, type PrismaClient, type Staff } from '@diandan/platform';
import { scrub } from '../scrub';
import { criteriaOf, type CriterionView } from './criteria';
import { lockOpenCycle } from './cycles';

export const sheetBody = z.object({
  scores: z
    .array(z.object({ criterionId: z.uuid(), score: z.number().min(0).max(1000), comment: z.string().max(2000).optional() }))
    .max(40),
  comment: z.string().max(5000).default(''),
  expectedRevision: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('the revision the form was loaded with (0: none yet); another answers 409 revision_conflict'),
});
export type SheetBody = z.infer<typeof sheetBody>;
export const targetParam = z.enum(EVALUATION_TARGETS);

export interface SheetView {
  cycleId: string;
  target: EvaluationTarget;
  targetId: string;
  scores: CriterionScore[];
  comment: string;
  revision: number;
  evaluatorId: string;
  evaluatorName: string;
  /** China time (+08:00). */
  updatedAt: string;
  total: number | null;
  complete: boolean;
}

interface SheetRow {
  cycleId: string;
  target: string;
  targetId: string;
  scores: unknown;
  comment: string;
  revision: number;
  evaluatorId: string;
  evaluatorName: string;
  updatedAt: Date;
}

export function sheetView(row: SheetRow, criteria: readonly CriterionView[]): SheetView {
  const target = row.target as EvaluationTarget;
  const scores = row.scores as CriterionScore[];
  const { total, complete } = sheetTotal(target, criteria, scores);
  return {
    cycleId: row.cycleId,
    target,
    targetId: row.targetId,
    scores,
    comment: row.comment,
    revision: row.revision,
    evaluatorId: row.evaluatorId,
    evaluatorName: row.evaluatorName,
    updatedAt: chinaIso(row.updatedAt),
    total,
    complete,
  };
}

/** The unit or project exists and belongs to what this cycle evaluates (projects: of the cycle). */
async function assertTarget(db: PrismaClient, cycleId: string, target: EvaluationTarget, targetId: string): Promise<void> {
  const found =
    target === 'unit'
      ? await db.unit.findUnique({ where: { id: targetId }, select: { id: true } })
      : await db.project.findFirst({
          where: { id: z.uuid().safeParse(targetId).success ? targetId : undefined, cycleId },
          select: { id: true },
        });
  if (!found)
    throw new HttpError(404, 'not_found', target === 'unit' ? `no unit ${targetId}` : `no project ${targetId} in cycle ${cycleId}`);
}

/** Saves a new revision of a sheet; 409 when the phase is not the evaluation phase or the revision moved on. */
export async function saveSheet(
  prisma: PrismaClient,
  staff: Staff,
  cycleId: string,
  target: EvaluationTarget,
  targetId: string,
  body: SheetBody,
): Promise<SheetView> {
  await assertTarget(prisma, cycleId, target, targetId);
  return prisma.$transaction(
    async (tx) => {
      await lockOpenCycle(tx, cycleId);
      const criteria = await criteriaOf(tx, cycleId);
      const problems = scoreProblems(target, criteria, body.scores);
      if (problems.length) throw new HttpError(400, 'invalid_scores', problems.join('；'), { problems });
      const scores = body.scores.map((s) => ({
        criterionId: s.criterionId,
        score: s.score,
        ...(s.comment ? { comment: scrub(s.comment) } : {}),
      }));
      const comment = scrub(body.comment);
      const at = new Date();
      const evaluatorName = staff.displayName || staff.username;
      // One statement creates the sheet or moves it to its next revision, and keeps the row locked
      // to the end of the transaction: two saves of one sheet (even its first) get revisions n and n+1.
      const [row] = await tx.$queryRaw<SheetRow[]>`
      INSERT INTO "EvaluationSheet" ("cycleId", target, "targetId", scores, comment, revision, "evaluatorId", "evaluatorName", "createdAt", "updatedAt")
      VALUES (${cycleId}, ${target}, ${targetId}, ${JSON.stringify(scores)}::jsonb, ${comment}, 1, ${staff.userId}::uuid, ${evaluatorName}, ${at}, ${at})
      ON CONFLICT ("cycleId", target, "targetId") DO UPDATE SET
        scores = EXCLUDED.scores, comment = EXCLUDED.comment, revision = "EvaluationSheet".revision + 1,
        "evaluatorId" = EXCLUDED."evaluatorId", "evaluatorName" = EXCLUDED."evaluatorName", "updatedAt" = EXCLUDED."updatedAt"
      RETURNING "cycleId", target, "targetId", scores, comment, revision, "evaluatorId"::text AS "evaluatorId", "evaluatorName", "updatedAt"`;
      if (!row) throw new Error('the sheet upsert returned no row');
      if (body.expectedRevision !== undefined && body.expectedRevision !== row.revision - 1) {
        // Thrown inside the transaction: the upsert above is rolled back.
        throw new HttpError(409, 'revision_conflict', `评分表已被修改（当前第 ${row.revision - 1} 版），请刷新后再保存`, {
          revision: row.revision - 1,
        });
      }
      await tx.evaluationSheetRevision.create({
        data: { cycleId, target, targetId, revision: row.revision, scores, comment, evaluatorId: staff.userId, evaluatorName, at },
      });
      return sheetView(row, criteria);
    },
    // A write may wait for a phase change holding the Cycle row: give it time rather than a 500.
    { maxWait: 5_000, timeout: 20_000 },
  );
}

export interface RevisionView {
  revision: number;
  scores: CriterionScore[];
  comment: string;
  evaluatorId: string;
  evaluatorName: string;
  /** China time (+08:00). */
  at: string;
}

export async function revisionsOf(
  prisma: PrismaClient,
  cycleId: string,
  target: EvaluationTarget,
  targetId: string,
): Promise<RevisionView[]> {
  const rows = await prisma.evaluationSheetRevision.findMany({ where: { cycleId, target, targetId }, orderBy: { revision: 'asc' } });
  return rows.map((r) => ({
    revision: r.revision,
    scores: r.scores as unknown as CriterionScore[],
    comment: r.comment,
    evaluatorId: r.evaluatorId,
    evaluatorName: r.evaluatorName,
    at: chinaIso(r.at),
  }));
}
