// The annual cycle as the evaluation sees it: its year and its phase, read from the Cycle read
// model (kept by the annual cycle's projector from cycles.lifecycle). Scores may be written only
// while the phase is the evaluation phase.
//
// The freeze under races: a score write reads the phase with `FOR SHARE` inside its own
// transaction. A phase change is an UPDATE of the same row, which needs the row's exclusive lock:
// it waits for every score write already holding the share lock (those commit as part of the
// evaluation), and a score write that comes after it waits for the change to commit and then
// reads the new phase (READ COMMITTED re-reads the locked row). No write lands after the change.
import { CYCLE_PHASE_NAMES_ZH, CYCLE_STATES, isEvaluationOpen, type CycleState } from '@diandan/domain';
import { HttpError, type PrismaClient } from '@diandan/platform';

/** The phase in which scores are written (the annual cycle's year-end evaluation). */
export const EVALUATION_PHASE: CycleState = 'evaluation';
const order = (phase: string): number => CYCLE_STATES.indexOf(phase as CycleState);

export interface CycleView {
  id: string;
  year: number;
  phase: string;
  /** The organisation's unit id (a cycle is one organisation's year). */
  organisation: string;
}

type Tx = Pick<PrismaClient, '$queryRaw'>;

async function readCycle(db: Tx, cycleId: string, lock: boolean): Promise<CycleView | null> {
  const rows = lock
    ? await db.$queryRaw<CycleView[]>`SELECT id, year, phase, "organisationId" AS organisation FROM "Cycle" WHERE id = ${cycleId} FOR SHARE`
    : await db.$queryRaw<CycleView[]>`SELECT id, year, phase, "organisationId" AS organisation FROM "Cycle" WHERE id = ${cycleId}`;
  return rows[0] ?? null;
}

/** The cycle, or 404. */
export async function cycleOf(db: Tx, cycleId: string): Promise<CycleView> {
  const cycle = await readCycle(db, cycleId, false);
  if (!cycle) throw new HttpError(404, 'not_found', `no cycle ${cycleId}`);
  return cycle;
}

/** After the evaluation (report, closed): the scores are frozen and the annual report is public. */
export const isPublished = (phase: string): boolean => order(phase) > order(EVALUATION_PHASE);

/** Criteria may be set up before the evaluation and changed during it, never after it closed. */
export const criteriaEditable = (phase: string): boolean => order(phase) >= 0 && order(phase) <= order(EVALUATION_PHASE);

/**
 * Inside a transaction: the cycle, locked against a phase change until the transaction ends, or
 * 404, or 409 `evaluation_closed` naming the phase when scores (or criteria) cannot be written now.
 */
export async function lockOpenCycle(tx: Tx, cycleId: string, what: 'scores' | 'criteria' = 'scores'): Promise<CycleView> {
  const cycle = await readCycle(tx, cycleId, true);
  if (!cycle) throw new HttpError(404, 'not_found', `no cycle ${cycleId}`);
  const open = what === 'scores' ? isEvaluationOpen(cycle.phase as CycleState) : criteriaEditable(cycle.phase);
  if (!open) {
    const name = CYCLE_PHASE_NAMES_ZH[cycle.phase as CycleState] ?? cycle.phase;
    const rule = what === 'scores' ? `评分只能在「${CYCLE_PHASE_NAMES_ZH.evaluation}」阶段进行` : `「${CYCLE_PHASE_NAMES_ZH.evaluation}」结束后不能再修改评分指标`;
    throw new HttpError(409, 'evaluation_closed', `${rule}，本周期当前阶段为「${name}」（${cycle.phase}）`, { phase: cycle.phase, evaluationPhase: EVALUATION_PHASE });
  }
  return cycle;
}
