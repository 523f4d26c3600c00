// Late actions, for the clients of serviceOrder (services/dispatch, services/feedback, the project
// and merge activities): since the `end-when-final` patch an order's workflow completes when the
// order is final, and Temporal answers a command sent afterwards with "workflow not found" (or
// "already completed"). The order's own answer is decide()'s rejection on its final state
// (lateRefusal in packages/domain): from the read model, which keeps every order for good, or —
// while the read model has not caught up with the order's last event yet, a moment after it — from
// the completed workflow's last state (a query, which Temporal answers for a closed run too).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { lateRefusal, snapshotOfFinished, workflowIdFor, type Actor, type Command, type Rejection, type UnitTree } from '@diandan/domain';
import type { PrismaClient } from '@diandan/platform';
import { stateQuery } from './contract';

export interface LateActionDeps {
  prisma: PrismaClient;
  temporal: Client;
}

/**
 * The domain's rejection of `command` on the finished order `orderId`, or `null` when neither the
 * read model nor Temporal knows the order as finished (unknown order, or a platform outage: the
 * caller answers as it did before).
 */
export async function refusalOfFinishedOrder(deps: LateActionDeps, orderId: string, command: Command, actor: Actor, units?: UnitTree): Promise<Rejection | null> {
  const row = await deps.prisma.order
    .findUnique({
      where: { id: orderId },
      select: { id: true, status: true, level: true, unitId: true, categoryCode: true, priority: true, bounces: true, rating: true, mergedIntoId: true },
    })
    .catch(() => null);
  const fromReadModel = row ? snapshotOfFinished({ ...row, orderId: row.id }) : null;
  if (fromReadModel) return lateRefusal(fromReadModel, command, actor, units);
  const view = await deps.temporal.workflow
    .getHandle(workflowIdFor(orderId))
    .query(stateQuery)
    .catch(() => null);
  return view ? lateRefusal(view.order, command, actor, units) : null;
}

const FAILED_PRECONDITION = 9;

/**
 * Whether Temporal refused a command because the workflow has completed: "workflow execution
 * already completed" comes as NOT_FOUND (WorkflowNotFoundError) or, from some paths and server
 * versions, as FAILED_PRECONDITION.
 */
export function isFinishedWorkflowError(error: unknown): boolean {
  for (let at: unknown = error, depth = 0; at && depth < 4; at = (at as { cause?: unknown }).cause, depth++) {
    if (at instanceof WorkflowNotFoundError) return true;
    if ((at as { code?: unknown }).code === FAILED_PRECONDITION) return true;
  }
  return false;
}
