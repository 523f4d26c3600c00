// 评单: the resident rates a handled order. The tracking code and secret prove who rates; the
// order's workflow decides whether it can be rated (its `act` update, the one writer), and a
// dissatisfied rating reopens the order one level up there, not here.
import { Router } from 'express';
import { z } from 'zod';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { isFinalStatus, parseTrackingCode, RATINGS, REJECTION_HTTP_STATUS, workflowIdFor, type Actor, type Command, type OrderStatus, type Rating, type Rejection, type RejectionCode, type RejectionDetail } from '@diandan/domain';
import { HttpError, isTransient, secretMatches, validate, type PrismaClient } from '@diandan/platform';
import { actUpdate, isFinishedWorkflowError, refusalOfFinishedOrder, type OrderView } from '@diandan/workflows';

const RESIDENT: Actor = { role: 'resident' };

export interface RatingDeps {
  prisma: PrismaClient;
  temporal: Client;
}

export interface RatingOutcome {
  trackingCode: string;
  status: string;
  rating: Rating;
  /** A dissatisfied rating sent the order back to work (once); the resident hears again. */
  reopened: boolean;
  message: string;
}

/** Feedback's error codes per rejection; the HTTP status is the domain's one mapping. */
const REJECTION_CODE: Record<RejectionCode, string> = {
  illegal_transition: 'not_ratable',
  invalid_input: 'invalid_request',
  forbidden: 'forbidden',
  out_of_scope: 'forbidden',
  not_found: 'not_found',
};

const notFound = () => new HttpError(404, 'not_found', 'no order with this tracking code and secret');

/** sha256(secret) against the stored hash in constant time (packages/platform's auth module). */
export { secretMatches };

/**
 * Rates the order through its workflow. Callers prove the resident first (secret here; the WeChat
 * callback in services/intake proves the openid and can send the same update).
 */
export async function rateOrder(deps: RatingDeps, order: { id: string; trackingCode: string; status: string }, rating: Rating, comment?: string): Promise<RatingOutcome> {
  const handle = deps.temporal.workflow.getHandle(workflowIdFor(order.id));
  const command: Command = { type: 'rate', rating, ...(comment ? { comment } : {}) };
  let view: OrderView;
  try {
    view = await handle.executeUpdate(actUpdate, { args: [{ command, actor: RESIDENT }] });
  } catch (error) {
    throw await rejectionOf(error, (isFinishedWorkflowError(error) ? () => refusalOfFinishedOrder(deps, order.id, command, RESIDENT) : undefined));
  }
  const reopened = view.order.status !== 'closed';
  return {
    trackingCode: order.trackingCode,
    status: view.order.status,
    rating,
    reopened,
    message: reopened ? '已收到您的评价：不满意。您的诉求已重新派往上一级单位办理。' : '感谢您的评价，本单已办结。',
  };
}

/** Why a rating was refused, for programs (intake answers the resident in Chinese from it). */
export type RatingRefusal = 'not_resolved' | 'closed';
const ratingRefusal = (status: string | undefined): RatingRefusal =>
  status === undefined || isFinalStatus(status as OrderStatus) ? 'closed' : 'not_resolved';

const refusedAs = (rejection: Rejection): HttpError =>
  new HttpError(REJECTION_HTTP_STATUS[rejection.code] ?? 409, REJECTION_CODE[rejection.code] ?? 'not_ratable', rejection.reason, { reason: ratingRefusal(rejection.detail?.status) });

/** `late`: the domain's rejection on the order's final state, when its workflow has completed. */
async function rejectionOf(error: unknown, late?: () => Promise<Rejection | null>): Promise<Error> {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause as { type?: string | null; message?: string; details?: unknown[] } | undefined;
    const type = (cause?.type ?? 'illegal_transition') as RejectionCode;
    const detail = (cause?.details?.[0] ?? {}) as RejectionDetail;
    return refusedAs({ code: type, reason: cause?.message ?? 'the order cannot be rated now', detail });
  }
  // The workflow has completed: since end-when-final it does so when the order is final, and long
  // finished orders are gone from Temporal altogether. decide() on the order's final state (the
  // read model) gives the answer the workflow would have given ("cannot rate: order is closed").
  if (late) {
    const rejection = await late().catch(() => null);
    return rejection ? refusedAs(rejection) : new HttpError(409, 'not_ratable', 'cannot rate: the order is not being handled any more', { reason: 'closed' });
  }
  // A busy or unreachable order service is not the resident's fault, nor a bug: ask them to retry
  // (it was a 500 when 50 project orders were rated at once under load).
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isTransient(error)) {
    return new HttpError(503, 'unavailable', 'the order service did not answer in time; try again', undefined, { 'Retry-After': '2' });
  }
  return error instanceof Error ? error : new Error(String(error));
}

export const ratingBody = z.object({
  secret: z.string().min(1).max(200),
  rating: z.enum(RATINGS),
  comment: z.string().trim().max(1000).optional(),
});

/** The resident's own order by tracking code and secret; 404 alike for an unknown code and a wrong secret. */
export async function findResidentOrder(prisma: PrismaClient, code: string, secret: string): Promise<{ id: string; trackingCode: string; status: string }> {
  const trackingCode = parseTrackingCode(code);
  if (!trackingCode) throw notFound();
  // Codes may collide (35 random bits): the secret picks the resident's own order. A wrong secret
  // looks exactly like an unknown code: the endpoint never tells whether an order exists.
  const candidates = await prisma.order.findMany({ where: { trackingCode }, take: 10, select: { id: true, trackingCode: true, status: true, secretHash: true } });
  const order = candidates.find((candidate) => secretMatches(secret, candidate.secretHash));
  if (!order) throw notFound();
  return { id: order.id, trackingCode: order.trackingCode, status: order.status };
}

export function ratingRoutes(deps: RatingDeps): Router {
  const router = Router();
  router.post('/v1/orders/track/:code/rating', async (req, res) => {
    const body = validate(ratingBody, req.body);
    const order = await findResidentOrder(deps.prisma, String(req.params.code), body.secret);
    res.json(await rateOrder(deps, order, body.rating, body.comment || undefined));
  });
  return router;
}
