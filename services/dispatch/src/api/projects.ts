// Projects and monthly bundles (两个打包) in the staff API. Bundles are read from what the bundling
// run stored; a supervisor turns one into a project, which starts the project's workflow (id
// derived from the bundle, so a retried request never makes two projects). Every change of a
// project goes through the workflow's `projectAct` update, which decides (packages/domain
// decideProject); the read model's quick checks only spare a round trip for the plain refusals.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { checkMilestonePlans, MAX_TEXT_LENGTH, PROJECT_PERMISSIONS, projectWorkflowId, REJECTION_HTTP_STATUS, type ProjectCommand, type RejectionCode } from '@diandan/domain';
import { HttpError, isTransient, validate } from '@diandan/platform';
import {
  BUNDLING_WORKFLOW, PROJECT_WORKFLOW, projectActUpdate, type BundlingInput, type BundlingSummary, type ProjectInput, type ProjectView,
} from '@diandan/workflows';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, type Staff } from '../auth/staff';
import { allow, staffOf } from './authenticate';
import type { ApiDeps } from './deps';

const text = (max = MAX_TEXT_LENGTH) => z.string().trim().min(1).max(max);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

export const bundleListSchema = z.object({
  month: month.optional(),
  status: z.enum(['proposed', 'projected', 'superseded']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const bundlingRunSchema = z.object({ month });
export const projectFromBundleSchema = z.object({
  title: text(200),
  description: text().optional(),
  ownerUnitId: z.string().min(1).max(100),
  /** Yuan. */
  budget: z.number().nonnegative().max(1e10).optional(),
  milestones: z.array(z.object({ name: text(200), workingDays: z.number().int().min(1).max(500) })).min(1).max(20),
  /** Orders of the bundle the supervisor leaves out (not the same need after all). */
  excludeOrderIds: z.array(z.uuid()).max(1000).optional(),
});
export const projectListSchema = z.object({
  status: z.enum(['active', 'completed']).optional(),
  unitId: z.string().min(1).optional(),
  origin: z.enum(['bundle', 'proposal']).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const progressSchema = z.object({ note: text(), percent: z.number().int().min(0).max(100) });
export const reachSchema = z.object({ note: text().optional() });
export const completeSchema = z.object({ result: text() });

/** The project a bundle becomes: the same id for the same bundle, so a retried request is no second project. */
export function projectIdForBundle(bundleId: string): string {
  const hex = createHash('sha256').update(`bundle:${bundleId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const PROJECT_READERS = ['supervisor', 'dispatcher', 'unit_handler', 'street_officer', 'district_officer', 'evaluator', 'operator'] as const;

/** Maps what the project workflow (and Temporal) answered to HTTP. */
function projectHttpError(error: unknown, projectId: string): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const status = REJECTION_HTTP_STATUS[error.cause.type as RejectionCode];
    if (status) return new HttpError(status, error.cause.type!, error.cause.message);
  }
  if (error instanceof WorkflowNotFoundError || (error as { code?: number }).code === 9) {
    return new HttpError(409, 'illegal_transition', `project ${projectId} is finished; it takes no more changes`);
  }
  if (isTransient(error)) return new HttpError(503, 'unavailable', 'the project service did not answer in time; try again', undefined, { 'Retry-After': '2' });
  return error;
}

async function readableProject(deps: ApiDeps, staff: Staff, projectId: string) {
  if (!z.uuid().safeParse(projectId).success) throw new HttpError(404, 'not_found', `no project ${projectId}`);
  const row = await deps.prisma.project.findUnique({ where: { id: projectId } });
  if (!row) throw new HttpError(404, 'not_found', `no project ${projectId}`);
  if (staff.role === 'unit_handler' && row.ownerUnitId !== staff.unitId) throw new HttpError(403, 'out_of_scope', `project ${projectId} belongs to another unit`);
  return row;
}

async function actOnProject(deps: ApiDeps, staff: Staff, projectId: string, command: ProjectCommand): Promise<ProjectView> {
  if (!PROJECT_PERMISSIONS[command.type].includes(staff.role)) {
    throw new HttpError(403, 'forbidden', `a ${staff.role.replace('_', ' ')} may not change projects (allowed: ${PROJECT_PERMISSIONS[command.type].join(', ')})`);
  }
  await readableProject(deps, staff, projectId);
  try {
    return await deps.temporal.workflow.getHandle(projectWorkflowId(projectId)).executeUpdate(projectActUpdate, { args: [{ command, actor: actorOf(staff) }] });
  } catch (error) {
    throw projectHttpError(error, projectId);
  }
}

const projectAnswer = (view: ProjectView) => ({ project: view.project, title: view.title, events: view.timeline.slice(-5) });

export function projectRoutes(deps: ApiDeps): Router {
  const { prisma } = deps;
  const taskQueue = deps.taskQueue ?? 'service-orders';
  const router = Router();

  router.get('/v1/bundles', allow('supervisor', 'dispatcher'), async (req, res) => {
    const query = validate(bundleListSchema, req.query, 'query');
    const where = { ...(query.month ? { month: query.month } : {}), status: query.status ?? 'proposed' };
    const [total, bundles] = await Promise.all([
      prisma.bundle.count({ where }),
      prisma.bundle.findMany({ where, orderBy: [{ month: 'desc' }, { orderCount: 'desc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
    ]);
    const [categories, units] = await Promise.all([
      prisma.category.findMany({ where: { code: { in: bundles.flatMap((b) => (b.categoryCode ? [b.categoryCode] : [])) } }, select: { code: true, name: true } }),
      prisma.unit.findMany({ where: { id: { in: bundles.flatMap((b) => (b.areaId ? [b.areaId] : [])) } }, select: { id: true, name: true } }),
    ]);
    const categoryName = new Map(categories.map((c) => [c.code, c.name]));
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    res.json({
      total,
      bundles: bundles.map((b) => ({ ...b, categoryName: b.categoryCode ? (categoryName.get(b.categoryCode) ?? null) : null, areaName: b.areaId ? (unitName.get(b.areaId) ?? null) : null })),
    });
  });

  router.post('/v1/bundles/run', allow('supervisor', 'dispatcher'), async (req, res) => {
    const { month: asked } = validate(bundlingRunSchema, req.body);
    const input: BundlingInput = { month: asked, trigger: 'on_demand' };
    const summary = await deps.temporal.workflow.execute<(input: BundlingInput) => Promise<BundlingSummary>>(BUNDLING_WORKFLOW, {
      taskQueue,
      workflowId: `bundling-${asked}-${randomUUID().slice(0, 8)}`,
      args: [input],
    });
    res.json(summary);
  });

  router.get('/v1/bundles/:bundleId', allow('supervisor', 'dispatcher'), async (req, res) => {
    const bundle = await prisma.bundle.findUnique({ where: { id: String(req.params.bundleId) }, include: { orders: { select: { orderId: true } } } });
    if (!bundle) throw new HttpError(404, 'not_found', `no bundle ${String(req.params.bundleId)}`);
    const orders = await prisma.order.findMany({
      where: { id: { in: bundle.orders.map((o) => o.orderId) } },
      orderBy: { placedAt: 'asc' },
      select: { id: true, trackingCode: true, status: true, content: true, address: true, placedAt: true, unitId: true, categoryCode: true },
    });
    res.json({ ...bundle, orders });
  });

  router.post('/v1/bundles/:bundleId/project', allow('supervisor'), async (req, res) => {
    const staff = staffOf(res);
    const body = validate(projectFromBundleSchema, req.body);
    const bundleId = String(req.params.bundleId);
    const bundle = await prisma.bundle.findUnique({ where: { id: bundleId }, include: { orders: { select: { orderId: true } } } });
    if (!bundle) throw new HttpError(404, 'not_found', `no bundle ${bundleId}`);
    if (bundle.status === 'superseded') throw new HttpError(409, 'illegal_transition', `bundle ${bundleId} was replaced by a later bundling run of ${bundle.month}`);
    if (!(await prisma.unit.findUnique({ where: { id: body.ownerUnitId }, select: { id: true } }))) throw new HttpError(404, 'not_found', `no unit ${body.ownerUnitId}`);
    const excluded = new Set(body.excludeOrderIds ?? []);
    const orderIds = bundle.orders.map((o) => o.orderId).filter((id) => !excluded.has(id)).sort();
    if (orderIds.length === 0) throw new HttpError(400, 'invalid_request', 'excludeOrderIds: a project needs at least one order of the bundle');
    const milestones = body.milestones.map((m, i) => ({ id: `m${i + 1}`, name: m.name, workingDays: m.workingDays }));
    const plan = checkMilestonePlans(milestones);
    if (!plan.ok) throw new HttpError(400, 'invalid_request', plan.error.reason);
    const projectId = projectIdForBundle(bundleId);
    const input: ProjectInput = {
      projectId,
      title: body.title,
      ...(body.description ? { description: body.description } : {}),
      origin: 'bundle',
      bundleId,
      ...(body.budget === undefined ? {} : { budget: body.budget }),
      ownerUnitId: body.ownerUnitId,
      milestones,
      orderIds,
      createdBy: actorOf(staff),
    };
    try {
      await deps.temporal.workflow.start(PROJECT_WORKFLOW, { taskQueue, workflowId: projectWorkflowId(projectId), args: [input] });
      res.status(201).json({ projectId, repeated: false });
    } catch (error) {
      // A retried request: the project of this bundle exists already.
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        res.status(200).json({ projectId, repeated: true });
        return;
      }
      throw error;
    }
  });

  router.get('/v1/projects', allow(...PROJECT_READERS), async (req, res) => {
    const staff = staffOf(res);
    const query = validate(projectListSchema, req.query, 'query');
    const unitId = staff.role === 'unit_handler' ? staff.unitId : query.unitId;
    const where = {
      ...(query.status ? { status: query.status } : {}),
      ...(unitId ? { ownerUnitId: unitId } : {}),
      ...(query.origin ? { origin: query.origin } : {}),
      ...(query.overdue ? { overdue: query.overdue === 'true' } : {}),
    };
    const [total, projects] = await Promise.all([
      prisma.project.count({ where }),
      prisma.project.findMany({ where, orderBy: [{ status: 'asc' }, { createdAt: 'desc' }], take: query.limit, skip: query.offset, include: { milestones: { orderBy: { dueAt: 'asc' } } } }),
    ]);
    res.json({ total, projects });
  });

  router.get('/v1/projects/:projectId', allow(...PROJECT_READERS), async (req, res) => {
    const staff = staffOf(res);
    const row = await readableProject(deps, staff, String(req.params.projectId));
    const [milestones, links, events] = await Promise.all([
      prisma.projectMilestone.findMany({ where: { projectId: row.id }, orderBy: { dueAt: 'asc' } }),
      prisma.projectOrder.findMany({ where: { projectId: row.id } }),
      prisma.projectEvent.findMany({ where: { projectId: row.id }, orderBy: { seq: 'asc' } }),
    ]);
    const orders = await prisma.order.findMany({
      where: { id: { in: links.map((l) => l.orderId) } },
      select: { id: true, trackingCode: true, status: true, rating: true, placedAt: true, resolvedAt: true },
    });
    const byId = new Map(orders.map((o) => [o.id, o]));
    res.json({
      ...row,
      milestones,
      orders: links.map((l) => ({ ...l, order: byId.get(l.orderId) ?? null })),
      timeline: events,
    });
  });

  router.post('/v1/projects/:projectId/progress', async (req, res) => {
    const body = validate(progressSchema, req.body);
    res.json(projectAnswer(await actOnProject(deps, staffOf(res), String(req.params.projectId), { type: 'progress', note: body.note, percent: body.percent })));
  });

  router.post('/v1/projects/:projectId/milestones/:milestoneId/reach', async (req, res) => {
    const body = validate(reachSchema, req.body ?? {});
    const command: ProjectCommand = { type: 'reachMilestone', milestoneId: String(req.params.milestoneId), ...(body.note ? { note: body.note } : {}) };
    res.json(projectAnswer(await actOnProject(deps, staffOf(res), String(req.params.projectId), command)));
  });

  router.post('/v1/projects/:projectId/complete', async (req, res) => {
    const body = validate(completeSchema, req.body);
    res.json(projectAnswer(await actOnProject(deps, staffOf(res), String(req.params.projectId), { type: 'complete', result: body.result })));
  });

  return router;
}
