// Who may see and score which cycle. An evaluator account is bound to one cycle
// (EvaluatorAssignment, set by an administrator) and reaches that cycle only; supervisors and
// administrators read every cycle; only evaluators score, only administrators configure.
import { HttpError, type PrismaClient, type Staff } from '@diandan/platform';
import { cycleOf, type CycleView } from './cycles';

/** The cycle an evaluator account is bound to, or 403 when it is bound to none. */
export async function boundCycleId(prisma: PrismaClient, staff: Staff): Promise<string> {
  const assignment = await prisma.evaluatorAssignment.findUnique({ where: { userId: staff.userId } });
  if (!assignment) throw new HttpError(403, 'no_cycle', 'this evaluator account is not bound to a cycle: an administrator binds it (PUT /v1/evaluation/cycles/{cycleId}/evaluators/{userId})');
  return assignment.cycleId;
}

/**
 * The cycle, if `staff` may read it: 403 `out_of_scope` for an evaluator of another cycle (before
 * anything about the asked cycle is looked up, so the answer says nothing of whether it exists),
 * 404 for a cycle that does not exist.
 */
export async function readableCycle(prisma: PrismaClient, staff: Staff, cycleId: string): Promise<CycleView> {
  if (staff.role === 'evaluator' && (await boundCycleId(prisma, staff)) !== cycleId) {
    throw new HttpError(403, 'out_of_scope', 'this evaluator account is bound to another cycle');
  }
  return cycleOf(prisma, cycleId);
}

/** For the month-based exports (/v1/evaluator/*): an evaluator reaches the months of its cycle's year only. */
export async function evaluatorYear(prisma: PrismaClient, staff: Staff): Promise<number | null> {
  if (staff.role !== 'evaluator') return null;
  return (await cycleOf(prisma, await boundCycleId(prisma, staff))).year;
}

export function assertMonthsInYear(year: number | null, ...months: string[]): void {
  if (year === null) return;
  const outside = months.filter((m) => !m.startsWith(`${year}-`));
  if (outside.length) throw new HttpError(403, 'out_of_scope', `this evaluator account reaches ${year} only (asked: ${outside.join(', ')})`);
}
