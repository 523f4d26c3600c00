// Staff actions on an order. Each is one domain Command sent to the order's workflow as the `act`
// update; the workflow is the only one who decides. The API checks the role (domain PERMISSIONS)
// first; unit scope is the workflow's to check with the authoritative state (the read model lags),
// except before a result photo is stored.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { attachmentSchema, availableCommands, isAllowed, LEVELS, MAX_TEXT_LENGTH, officerLevel, PERMISSIONS, workflowIdFor, type Command, type CommandType, type UnitTree } from '@diandan/domain';
import { AttachmentStore, attachmentKey, HttpError, uploadedFiles, validate } from '@diandan/platform';
import { actUpdate, refusalOfFinishedOrder, type OrderView } from '@diandan/workflows';
import { actorOf, type Staff } from '../auth/staff';
import { staffOf } from './authenticate';
import type { ApiDeps } from './deps';
import { loadUnitTree } from './scope';
import { entryForAnswer } from '../knowledge/store';
import { toHttpError } from './temporalErrors';
import { publicEvent } from './views';

const text = z.string().trim().min(1).max(MAX_TEXT_LENGTH);

export interface ActionSpec<S extends z.ZodType = z.ZodType> {
  command: CommandType;
  summary: string;
  body: S;
  toCommand: (body: z.infer<S>) => Command;
}

const spec = <S extends z.ZodType>(s: ActionSpec<S>): ActionSpec => s as unknown as ActionSpec;

/** URL segment → action. The order of the staff's day: triage, dispatch, handle, supervise. */
export const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  answer: spec({
    command: 'answer',
    summary: '即接即办: answer on the spot, optionally with a knowledge-base entry (its id; the entry must be approved and valid, else 404/409); the order waits for its rating',
    body: z.object({ answer: text, entryId: z.uuid().optional() }),
    // entryVersion is the entry's current version, added by performAction after checking the entry.
    toCommand: (b: { answer: string; entryId?: string; entryVersion?: number }) => ({
      type: 'answer',
      answer: b.answer,
      ...(b.entryId ? { entryId: b.entryId, ...(b.entryVersion ? { entryVersion: b.entryVersion } : {}) } : {}),
    }),
  }),
  dispatch: spec({
    command: 'dispatch',
    summary: '派单: dispatch to a unit (level, if given, must be the unit’s); officers dispatch down what reached their level',
    body: z.object({ unitId: z.string().min(1), level: z.enum(LEVELS).optional() }),
    toCommand: (b) => ({ type: 'dispatch', unitId: b.unitId, ...(b.level ? { level: b.level } : {}) }),
  }),
  merge: spec({
    command: 'merge',
    summary: 'merge a duplicate into another order, which carries on for both',
    body: z.object({ intoOrderId: z.uuid() }),
    toCommand: (b) => ({ type: 'merge', intoOrderId: b.intoOrderId }),
  }),
  unmerge: spec({
    command: 'unmerge',
    summary: 'un-merge: a merged order goes back to the dispatch queue (before the order it was merged into is resolved); that order lets it go',
    body: z.object({ reason: text.optional() }),
    toCommand: (b) => ({ type: 'unmerge', ...(b.reason ? { reason: b.reason } : {}) }),
  }),
  invalidate: spec({
    command: 'markInvalid',
    summary: 'mark invalid (not a need the programme serves)',
    body: z.object({ reason: text }),
    toCommand: (b) => ({ type: 'markInvalid', reason: b.reason }),
  }),
  accept: spec({ command: 'accept', summary: 'the unit accepts the order', body: z.object({}), toCommand: () => ({ type: 'accept' }) }),
  opinion: spec({
    command: 'opinion',
    summary: '初步意见: preliminary opinion; the work starts',
    body: z.object({ opinion: text }),
    toCommand: (b) => ({ type: 'opinion', opinion: b.opinion }),
  }),
  resolve: spec({
    command: 'resolve',
    summary: 'report the result (with attachments); the resident is asked to rate',
    body: z.object({ result: text, attachments: z.array(attachmentSchema).max(20).default([]) }),
    toCommand: (b) => {
      const command = { type: 'resolve' as const, result: b.result, ...(b.attachments.length > 0 ? { attachments: b.attachments } : {}) };
      return command;
    },
  }),
  return: spec({
    command: 'return',
    summary: '退单: not ours — back to the dispatch queue (counts as a bounce)',
    body: z.object({ reason: text }),
    toCommand: (b) => ({ type: 'return', reason: b.reason }),
  }),
  escalate: spec({
    command: 'escalate',
    summary: 'hand the order one level up the ladder (optionally to a named unit)',
    body: z.object({ reason: text, toUnitId: z.string().min(1).optional() }),
    toCommand: (b) => ({ type: 'escalate', reason: b.reason, ...(b.toUnitId ? { toUnitId: b.toUnitId } : {}) }),
  }),
  urge: spec({
    command: 'urge',
    summary: '催办: urge the unit holding the order',
    body: z.object({ note: text.optional() }),
    toCommand: (b) => ({ type: 'urge', ...(b.note ? { note: b.note } : {}) }),
  }),
  withdraw: spec({
    command: 'withdraw',
    summary: 'withdraw on the resident’s behalf (e.g. asked for on the hotline)',
    body: z.object({ reason: text.optional() }),
    toCommand: (b) => ({ type: 'withdraw', ...(b.reason ? { reason: b.reason } : {}) }),
  }),
};

/** What an action answers: the order as the workflow now holds it, and what this caller can do next. */
export function actionResult(view: OrderView, staff: Staff, units?: UnitTree) {
  return {
    order: view.order,
    trackingCode: view.trackingCode,
    deadline: view.deadline,
    availableActions: availableCommands(view.order, actorOf(staff), units),
    events: view.timeline.slice(-5).map((event) => publicEvent(event, staff)),
  };
}

const orderIdSchema = z.uuid();

/**
 * One staff action on one order: role, body, then the workflow's `act` update, which decides
 * (unit scope included). Throws HttpError; the batch dispatch reports it per order.
 */
export async function performAction({ prisma, temporal }: ApiDeps, staff: Staff, rawOrderId: string, actionName: string, rawBody: unknown) {
  const action = ACTIONS[actionName];
  if (!action) throw new HttpError(404, 'not_found', `no action ${actionName}; see /v1/openapi.json`);
  if (!isAllowed(staff.role, action.command)) {
    throw new HttpError(403, 'forbidden', `a ${staff.role.replace('_', ' ')} may not ${actionName} orders (allowed: ${PERMISSIONS[action.command].join(', ')})`);
  }
  const parsedId = orderIdSchema.safeParse(rawOrderId);
  if (!parsedId.success) throw new HttpError(404, 'not_found', `no order ${rawOrderId}`);
  const orderId = parsedId.data;
  const body = validate(action.body, rawBody ?? {});
  if (action.command === 'resolve') {
    // Only this order's files can be served with it (attachmentKey): anything else would list a
    // file nobody can download.
    for (const [index, { id }] of (body as { attachments: { id: string }[] }).attachments.entries()) {
      if (!attachmentKey(orderId, id)) {
        throw new HttpError(400, 'invalid_request', `attachments[${index}].id: not an attachment of order ${orderId}`, { fields: [{ field: `attachments.${index}.id`, message: 'not an attachment of this order' }] });
      }
    }
  }

  // No quick scope check on the read model: it lags the workflow by a moment, so a clerk acting
  // right after a dispatch was refused 403 (seen in the e2e suite). The workflow's decision is the
  // authority and answers out_of_scope itself.
  if (action.command === 'merge') {
    const into = (body as { intoOrderId: string }).intoOrderId;
    if (!(await prisma.order.findUnique({ where: { id: into }, select: { id: true } }))) {
      throw new HttpError(404, 'not_found', `cannot merge: no order ${into} to merge into`);
    }
  }

  if (action.command === 'answer') {
    const cited = body as { entryId?: string; entryVersion?: number };
    // The entry's version at this moment goes into the order's timeline with it.
    if (cited.entryId) cited.entryVersion = (await entryForAnswer(prisma, cited.entryId)).version;
  }

  const command = action.toCommand(body);
  const actor = actorOf(staff);
  const handle = temporal.workflow.getHandle(workflowIdFor(orderId));
  try {
    const view = await handle.executeUpdate(actUpdate, { args: [{ command, actor }] });
    // Officers' buttons depend on their branch: the tree tells.
    return actionResult(view, staff, officerLevel(staff.role) === null ? undefined : await loadUnitTree(prisma));
  } catch (error) {
    throw await toHttpError(error, orderId, {
      describe: () => handle.describe(),
      // Finished: the workflow has completed; the domain answers on the order's final state.
      late: async () => refusalOfFinishedOrder({ prisma, temporal }, orderId, command, actor, officerLevel(staff.role) === null ? undefined : await loadUnitTree(prisma)),
    });
  }
}

/** A unit's result photos with one resolve (multipart); more belong in a second resolve or a note. */
export const RESULT_PHOTOS_MAX = 5;

/**
 * `POST /v1/orders/:orderId/resolve` as multipart/form-data: the field `result` and up to
 * RESULT_PHOTOS_MAX files in `files` (photos or PDF, sniffed, never trusted by name). Who may
 * resolve this order is checked before a byte is stored; the files are kept under names derived
 * from their bytes (a retry stores nothing twice) and travel with the command as attachments.
 * A JSON resolve may only name attachments of its own order.
 */
function resolveRoutes(deps: ApiDeps): Router {
  const router = Router();
  const store = new AttachmentStore(deps.attachments, deps.attachmentLimits ?? { maxBytes: 10 * 1024 * 1024, maxOrderBytes: 25 * 1024 * 1024 });
  const guardUpload: RequestHandler = async (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    const staff = staffOf(res);
    if (!isAllowed(staff.role, 'resolve')) throw new HttpError(403, 'forbidden', `a ${staff.role.replace('_', ' ')} may not resolve orders (allowed: ${PERMISSIONS.resolve.join(', ')})`);
    const orderId = orderIdSchema.safeParse(req.params.orderId);
    if (!orderId.success) throw new HttpError(404, 'not_found', `no order ${String(req.params.orderId)}`);
    // Before any upload: only the unit holding the order stores files for it (by the time a clerk
    // reports a result the read model has long caught up with the dispatch).
    const row = await deps.prisma.order.findUnique({ where: { id: orderId.data }, select: { unitId: true } });
    if (!row) throw new HttpError(404, 'not_found', `no order ${orderId.data}`);
    if (row.unitId !== staff.unitId) throw new HttpError(403, 'out_of_scope', `order ${orderId.data} is not assigned to your unit`);
    next();
  };
  router.post('/v1/orders/:orderId/resolve', guardUpload, store.upload('files', RESULT_PHOTOS_MAX), async (req, res) => {
    const orderId = String(req.params.orderId);
    let body: unknown = req.body;
    if (req.is('multipart/form-data')) {
      const fields = (req.body ?? {}) as Record<string, unknown>;
      // The result is checked before the photos are kept: a refused resolve stores nothing.
      validate(ACTIONS.resolve!.body, { result: fields.result });
      const attachments = await store.storeResult(orderId, uploadedFiles(req));
      body = { result: fields.result, attachments };
    }
    res.json(await performAction(deps, staffOf(res), orderId, 'resolve', body));
  });
  return router;
}

export function actionRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.use(resolveRoutes(deps));
  router.post('/v1/orders/:orderId/:action', async (req, res) => {
    res.json(await performAction(deps, staffOf(res), String(req.params.orderId), String(req.params.action), req.body));
  });
  return router;
}
