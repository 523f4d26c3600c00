// 催办 and 撤回 by the resident: the tracking code and the secret (in the X-Order-Secret header,
// never in the URL, which ends up in logs) prove who asks; the order's workflow decides, as for
// rating. Both are idempotent: a resident urges a stage once, and a withdrawn order stays
// withdrawn — a retry, or a second tap, answers 200 with `repeated: true` and changes nothing.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { lateRefusal, STATUS_LABELS_ZH, urgesThisStage, workflowIdFor, type Actor, type Command, type OrderStatus } from '@diandan/domain';
import { HttpError, isTransient, validate, type PrismaClient } from '@diandan/platform';
import { actUpdate, isFinishedWorkflowError, refusalOfFinishedOrder, stateQuery, type OrderView } from '@diandan/workflows';
import { findResidentOrder } from './rating';

export const residentActionBody = z.object({
  note: z.string().trim().max(500).optional().describe('urge: a word to the unit; withdraw: why (optional)'),
});

export type ResidentAction = 'urge' | 'withdraw';

export interface ResidentActionOutcome {
  trackingCode: string;
  action: ResidentAction;
  status: OrderStatus;
  repeated: boolean;
  message: string;
}

const RESIDENT: Actor = { role: 'resident' };
const REFUSED: Record<ResidentAction, string> = { urge: 'not_urgeable', withdraw: 'not_withdrawable' };
const VERB: Record<ResidentAction, string> = { urge: '催办', withdraw: '撤回' };
const DONE: Record<ResidentAction, string> = {
  urge: '已催办，承办单位会尽快处理。',
  withdraw: '您的诉求已撤回。',
};
const ALREADY: Record<ResidentAction, string> = {
  urge: '本阶段您已催办过，承办单位已收到提醒。',
  withdraw: '您的诉求已撤回。',
};

function secretOf(req: Request): string {
  const secret = req.get('x-order-secret') ?? '';
  if (secret === '') throw new HttpError(401, 'secret_required', '请在 X-Order-Secret 请求头中提供查询密码（the X-Order-Secret header is required）');
  return secret.slice(0, 200);
}

/** Done already, by the workflow's own account: nothing to send. */
function alreadyDone(action: ResidentAction, view: OrderView): boolean {
  return action === 'withdraw' ? view.order.status === 'withdrawn' : urgesThisStage(view.timeline).byResident;
}

function refusal(action: ResidentAction, status: string, reason: string): HttpError {
  const label = STATUS_LABELS_ZH[status as OrderStatus] ?? status;
  return new HttpError(409, REFUSED[action], `本单当前状态为「${label}」，不能${VERB[action]}`, { status, reason });
}

export function residentActionRoutes(deps: { prisma: PrismaClient; temporal: Client }): Router {
  const router = Router();
  for (const action of ['urge', 'withdraw'] as const) {
    router.post(`/v1/orders/track/:code/${action}`, async (req, res) => {
      const secret = secretOf(req);
      const { note } = validate(residentActionBody, req.body ?? {});
      const order = await findResidentOrder(deps.prisma, String(req.params.code), secret);
      const handle = deps.temporal.workflow.getHandle(workflowIdFor(order.id));
      const answer = (status: OrderStatus, repeated: boolean): ResidentActionOutcome => ({
        trackingCode: order.trackingCode,
        action,
        status,
        repeated,
        message: repeated ? ALREADY[action] : DONE[action],
      });
      const command: Command = action === 'urge' ? { type: 'urge', ...(note ? { note } : {}) } : { type: 'withdraw', ...(note ? { reason: note } : {}) };
      // The workflow has completed (final since end-when-final, or gone long ago): decide() on the
      // order's final state gives the reason the workflow would have given.
      const late = async (status: string) => {
        const rejection = await refusalOfFinishedOrder(deps, order.id, command, RESIDENT).catch(() => null);
        return refusal(action, rejection?.detail?.status ?? status, rejection?.reason ?? 'the order is finished');
      };
      let before: OrderView;
      try {
        before = await handle.query(stateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          if (action === 'withdraw' && order.status === 'withdrawn') return res.json(answer('withdrawn', true));
          throw await late(order.status);
        }
        throw unavailable(error);
      }
      if (alreadyDone(action, before)) return res.json(answer(before.order.status, true));
      try {
        const view = await handle.executeUpdate(actUpdate, { args: [{ command, actor: RESIDENT }] });
        return res.json(answer(view.order.status, false));
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          const cause = error.cause as { type?: string | null; message?: string } | undefined;
          if (cause?.type === 'invalid_input') throw new HttpError(400, 'invalid_request', cause.message ?? 'invalid input');
          throw refusal(action, before.order.status, cause?.message ?? 'refused');
        }
        // A concurrent request finished the order first (a double tap on 撤回): ask once more.
        const after = await handle.query(stateQuery).catch(() => null);
        if (after && alreadyDone(action, after)) return res.json(answer(after.order.status, true));
        if (after && isFinishedWorkflowError(error)) {
          const rejection = lateRefusal(after.order, command, RESIDENT);
          throw refusal(action, after.order.status, rejection.reason);
        }
        if (error instanceof WorkflowNotFoundError || after) throw await late(after?.order.status ?? order.status);
        throw unavailable(error);
      }
    });
  }
  return router;
}

function unavailable(error: unknown): unknown {
  return isTransient(error) ? new HttpError(503, 'unavailable', '服务繁忙，请稍后再试', undefined, { 'Retry-After': '2' }) : error;
}
