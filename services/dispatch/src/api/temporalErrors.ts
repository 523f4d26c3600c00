// Maps what the serviceOrder workflow (and Temporal) answered to HTTP, once. A rejected update
// carries the domain's RejectionCode as the ApplicationFailure type and the reason as message.
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { REJECTION_HTTP_STATUS, type Rejection, type RejectionCode } from '@diandan/domain';
import { HttpError } from '@diandan/platform';
import { isTransient } from '@diandan/platform';

/** The domain's one mapping (packages/domain result.ts). */
export const REJECTION_STATUS = REJECTION_HTTP_STATUS;

const FAILED_PRECONDITION = 9;

function grpcCode(error: unknown): number | undefined {
  for (let at: unknown = error, depth = 0; at && depth < 4; at = (at as { cause?: unknown }).cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/**
 * How a finished order answers: `describe` tells a finished order (its workflow exists but is
 * closed) from an unknown one (404) — Temporal answers an update to a closed workflow with "not
 * found" too —, and `late` gives the domain's rejection of the command on the order's final state
 * (refusalOfFinishedOrder: decide() on the read model), or null when it cannot tell.
 */
export interface FinishedOrder {
  describe: () => Promise<{ status: { name: string } }>;
  late: () => Promise<Rejection | null>;
}

/** The domain's rejection as HTTP, as if the workflow had refused it ("cannot accept: order is withdrawn"). */
const fromRejection = (rejection: Rejection): HttpError => new HttpError(REJECTION_STATUS[rejection.code], rejection.code, rejection.reason);

async function finishedAnswer(orderId: string, finished: FinishedOrder): Promise<HttpError> {
  const rejection = await finished.late().catch(() => null);
  return rejection ? fromRejection(rejection) : new HttpError(409, 'illegal_transition', `order ${orderId} is finished; it takes no more changes`);
}

export async function toHttpError(error: unknown, orderId: string, finished: FinishedOrder): Promise<unknown> {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const type = error.cause.type as RejectionCode | undefined;
    const status = type ? REJECTION_STATUS[type] : undefined;
    if (status) return new HttpError(status, type!, error.cause.message);
    // The workflow could not reach another order's workflow in time (a merge's survivor).
    if ((error.cause.type as string | undefined) === 'unavailable') return new HttpError(503, 'unavailable', error.cause.message, undefined, { 'Retry-After': '2' });
  }
  if (error instanceof WorkflowNotFoundError) {
    const status = await finished.describe().then((d) => d.status.name, () => null);
    if (status !== null && status !== 'RUNNING') return finishedAnswer(orderId, finished);
    return new HttpError(404, 'not_found', `no order ${orderId}`);
  }
  // The workflow has finished (closed, withdrawn, invalid…): nothing can change it any more.
  if (grpcCode(error) === FAILED_PRECONDITION) return finishedAnswer(orderId, finished);
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isTransient(error)) {
    return new HttpError(503, 'unavailable', 'the order service did not answer in time; try again', undefined, { 'Retry-After': '2' });
  }
  return error;
}
