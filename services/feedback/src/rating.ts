// 评单: the resident rates a handled order. The tracking code and secret prove who rates; the
// order's workflow decides whether it can be rated (its `act` update, the one writer), and a
// dissatisfied rating reopens the order one level up there, not here.
import { Router } from 'express';
import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { parseTrackingCode, RATINGS, workflowIdFor, type Rating } from '@diandan/domain';
import { HttpError, secretMatches, validate, type PrismaClient } from '@diandan/platform';
import { actUpdate, type OrderView } from '@diandan/workflows';

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

const FINAL = new Set(['closed', 'invalid', 'merged', 'withdrawn']);
const REJECTION_STATUS: Record<string, [number, string]> = {
  illegal_transition: [409, 'not_ratable'],
  invalid_input: [400, 'invalid_request'],
  forbidden: [403, 'forbidden'],
  out_of_scope: [403, 'forbidden'],
  not_found: [404, 'not_found'],
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
  let view: OrderView;
  try {
    view = await handle.executeUpdate(actUpdate, {
      args: [{ command: { type: 'rate', rating, ...(comment ? { comment } : {}) }, actor: { role: 'resident' } }],
    });
  } catch (error) {
    throw rejectionOf(error, order.status);
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

function rejectionOf(error: unknown, readModelStatus: string): Error {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause as { type?: string | null; message?: string } | undefined;
    const [status, code] = REJECTION_STATUS[cause?.type ?? ''] ?? [409, 'not_ratable'];
    return new HttpError(status, code, cause?.message ?? 'the order cannot be rated now');
  }
  // Finished orders linger a week to answer late ratings; after that only the read model knows them.
  if (error instanceof WorkflowNotFoundError) {
    return FINAL.has(readModelStatus)
      ? new HttpError(409, 'not_ratable', 'cannot rate: order is closed')
      : new HttpError(409, 'not_ratable', 'cannot rate: the order is not being handled any more');
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
