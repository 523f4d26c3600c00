// Maps what the serviceOrder workflow (and Temporal) answered to HTTP, once. A rejected update
// carries the domain's RejectionCode as the ApplicationFailure type and the reason as message.
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { REJECTION_HTTP_STATUS, type RejectionCode } from '@diandan/domain';
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
 * `describe` tells a finished order (its workflow exists but is closed: 409) from an unknown one
 * (404): Temporal answers an update to a closed workflow with "not found" too.
 */
export async function toHttpError(error: unknown, orderId: string, describe: () => Promise<{ status: { name: string } }>): Promise<unknown> {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const type = error.cause.type as RejectionCode | undefined;
    const status = type ? REJECTION_STATUS[type] : undefined;
    if (status) return new HttpError(status, type!, error.cause.message);
    // The workflow could not reach another order's workflow in time (a merge's survivor).
    if ((error.cause.type as string | undefined) === 'unavailable') return new HttpError(503, 'unavailable', error.cause.message, undefined, { 'Retry-After': '2' });
  }
  if (error instanceof WorkflowNotFoundError) {
    const status = await describe().then((d) => d.status.name, () => null);
    if (status !== null && status !== 'RUNNING') return new HttpError(409, 'illegal_transition', `order ${orderId} is finished; it takes no more changes`);
    return new HttpError(404, 'not_found', `no order ${orderId}`);
  }
  // The workflow has finished (closed, withdrawn, merged…): nothing can change it any more.
  if (grpcCode(error) === FAILED_PRECONDITION) return new HttpError(409, 'illegal_transition', `order ${orderId} is finished; it takes no more changes`);
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isTransient(error)) {
    return new HttpError(503, 'unavailable', 'the order service did not answer in time; try again', undefined, { 'Retry-After': '2' });
  }
  return error;
}
