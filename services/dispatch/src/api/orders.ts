// Read side of the staff API, from the read model (PostgreSQL): queues, one order, its timeline,
// and the supervisor's views. Unit handlers see only orders of their own unit, officers those
// inside their branch. Queue items carry their stage clock and urge flag (queueItems.ts).
import { ACTIVE_STATUSES, PRIORITIES } from '@diandan/domain';
import { Router } from 'express';
import { z } from 'zod';
import { attachmentKey, cachedCalendarInForce, HttpError, notOverdueWhere, overdueWhere, validate, type CalendarInForce, type PrismaClient } from '@diandan/platform';
import { pipeline } from 'node:stream/promises';
import type { Prisma } from '@prisma/client';
import type { Staff } from '../auth/staff';
import { allow, staffOf } from './authenticate';
import type { ApiDeps } from './deps';
import { accountabilityRecords, accountabilitySchema, climbsOf } from './climbs';
import { queueCounts, withQueueFacts } from './queueItems';
import { canRead, officerScope } from './scope';
import { publicEvent, publicOrder } from './views';

export const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
/** Filters every queue takes; the counts are computed before them, for the filter's own chips. */
export const queueFilterSchema = pageSchema.extend({
  category: z.string().min(1).max(100).optional(),
  priority: z.enum(PRIORITIES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** A tracking code (exact) or words of the need: a queue longer than a page is searched here, not in the browser. */
  q: z.string().trim().min(1).max(100).optional(),
});
export const unitQueueSchema = queueFilterSchema.extend({ unitId: z.string().min(1).optional(), status: z.string().min(1).optional() });
export const levelQueueSchema = queueFilterSchema.extend({ unitId: z.string().min(1).optional(), status: z.string().min(1).optional() });

const include = {
  unit: { select: { name: true, level: true } },
  category: { select: { name: true } },
  attachments: { select: { id: true, fileName: true, contentType: true, size: true }, orderBy: { id: 'asc' } },
} as const;

async function page(prisma: PrismaClient, staff: Staff, where: Prisma.OrderWhereInput, query: unknown, orderBy: Prisma.OrderOrderByWithRelationInput[]) {
  const { limit, offset } = validate(pageSchema, query, 'query');
  const [total, rows] = await Promise.all([
    prisma.order.count({ where }),
    prisma.order.findMany({ where, orderBy, take: limit, skip: offset, include }),
  ]);
  return { total, limit, offset, orders: rows.map((row) => publicOrder(row, staff)) };
}

/** A queue: its filters applied, the page decorated with clocks and urges, and counts for the filters. */
async function queue(deps: ApiDeps, staff: Staff, base: Prisma.OrderWhereInput, query: unknown, orderBy: Prisma.OrderOrderByWithRelationInput[]) {
  const filter = validate(queueFilterSchema.passthrough(), query, 'query');
  const now = new Date();
  const where: Prisma.OrderWhereInput = {
    AND: [
      base,
      ...(filter.category ? [{ categoryCode: filter.category }] : []),
      ...(filter.priority ? [{ priority: filter.priority }] : []),
      ...(filter.overdue === 'true' ? [overdueWhere(now)] : []),
      ...(filter.overdue === 'false' ? [notOverdueWhere(now)] : []),
      ...(filter.q ? [{ OR: [{ trackingCode: filter.q.toUpperCase() }, { content: { contains: filter.q } }] }] : []),
    ],
  };
  const [listed, counts] = await Promise.all([page(deps.prisma, staff, where, query, orderBy), queueCounts(deps.prisma, base, now)]);
  const orders = await withQueueFacts(deps.prisma, deps.calendar ?? (await calendarOf(deps.prisma)()).calendar, listed.orders, now);
  return { ...listed, orders, counts };
}

// Queues count remaining time on the holiday calendar in force, as the workflows do.
const calendars = new WeakMap<PrismaClient, () => Promise<CalendarInForce>>();
const calendarOf = (prisma: PrismaClient) => {
  let read = calendars.get(prisma);
  if (!read) calendars.set(prisma, (read = cachedCalendarInForce(prisma)));
  return read;
};

/** Unit handlers read their unit's orders, officers those inside their branch. */
async function readableOrder(prisma: PrismaClient, staff: Staff, orderId: string) {
  if (!z.uuid().safeParse(orderId).success) throw new HttpError(404, 'not_found', `no order ${orderId}`);
  const row = await prisma.order.findUnique({ where: { id: orderId }, include });
  if (!row) throw new HttpError(404, 'not_found', `no order ${orderId}`);
  if (!(await canRead(prisma, staff, row))) {
    throw new HttpError(403, 'out_of_scope', staff.role === 'unit_handler' ? `order ${orderId} is not assigned to your unit` : `order ${orderId} is not within your unit’s branch`);
  }
  return row;
}

const byDeadline: Prisma.OrderOrderByWithRelationInput[] = [{ deadlineAt: { sort: 'asc', nulls: 'last' } }, { placedAt: 'asc' }];

export function orderRoutes(deps: ApiDeps): Router {
  const { prisma, attachments } = deps;
  const router = Router();

  router.get('/v1/queues/triage', allow('operator', 'dispatcher', 'supervisor'), async (req, res) => {
    res.json(await queue(deps, staffOf(res), { status: 'placed' }, req.query, [{ priority: 'desc' }, { placedAt: 'asc' }]));
  });

  router.get('/v1/queues/unit', allow('unit_handler', 'dispatcher', 'supervisor'), async (req, res) => {
    const staff = staffOf(res);
    const query = validate(unitQueueSchema, req.query, 'query');
    const unitId = staff.role === 'unit_handler' ? staff.unitId : query.unitId;
    if (staff.role === 'unit_handler' && query.unitId && query.unitId !== staff.unitId) throw new HttpError(403, 'out_of_scope', 'you see only your own unit’s queue');
    // Without unitId a dispatcher or supervisor sees every unit's queue at once (unitId is optional, as documented).
    const base: Prisma.OrderWhereInput = { unitId: unitId ?? { not: null }, status: query.status ?? { in: [...ACTIVE_STATUSES] } };
    res.json(await queue(deps, staff, base, req.query, byDeadline));
  });

  // A street or district officer's queue: what reached its level inside its branch, and why it climbed.
  router.get('/v1/queues/level', allow('street_officer', 'district_officer', 'dispatcher', 'supervisor'), async (req, res) => {
    const staff = staffOf(res);
    const query = validate(levelQueueSchema, req.query, 'query');
    const scope = await officerScope(prisma, staff);
    let base: Prisma.OrderWhereInput;
    if (scope) {
      if (query.unitId && !scope.unitIds.includes(query.unitId)) throw new HttpError(403, 'out_of_scope', 'you see only your branch’s queue');
      base = { level: scope.level, unitId: query.unitId ?? { in: scope.unitIds } };
    } else {
      // Dispatchers and supervisors look at one unit's level queue (its branch, at its level).
      if (!query.unitId) throw new HttpError(400, 'invalid_request', 'unitId: required');
      const unit = await prisma.unit.findUnique({ where: { id: query.unitId } });
      if (!unit) throw new HttpError(404, 'not_found', `no unit ${query.unitId}`);
      const branch = await officerScope(prisma, { ...staff, role: unit.level === 'district' ? 'district_officer' : 'street_officer', unitId: unit.id });
      base = { level: unit.level, unitId: { in: branch?.unitIds ?? [unit.id] } };
    }
    const listed = await queue(deps, staff, { ...base, status: query.status ?? { in: [...ACTIVE_STATUSES] } }, req.query, byDeadline);
    const climbs = await climbsOf(prisma, listed.orders.map((o) => o.id));
    res.json({ ...listed, orders: listed.orders.map((o) => ({ ...o, climb: climbs.get(o.id) ?? null })) });
  });

  router.get('/v1/orders/:orderId', async (req, res) => {
    const staff = staffOf(res);
    res.json(publicOrder(await readableOrder(prisma, staff, req.params.orderId), staff));
  });

  router.get('/v1/orders/:orderId/timeline', async (req, res) => {
    const staff = staffOf(res);
    const order = await readableOrder(prisma, staff, req.params.orderId);
    const events = await prisma.orderEvent.findMany({ where: { orderId: order.id }, orderBy: { seq: 'asc' } });
    res.json({ orderId: order.id, status: order.status, events: events.map((event) => publicEvent({ ...event, data: event.data as Record<string, unknown> }, staff)) });
  });

  // A resident's photo or letter scan: only staff who may read the order (a unit handler while it
  // is at their unit); evaluators see anonymised data and get no files.
  router.get('/v1/orders/:orderId/attachments/:attachmentId', allow('operator', 'dispatcher', 'unit_handler', 'supervisor', 'admin'), async (req, res) => {
    const order = await readableOrder(prisma, staffOf(res), String(req.params.orderId));
    const meta = order.attachments.find((a) => a.id === String(req.params.attachmentId));
    const key = meta ? attachmentKey(order.id, meta.id) : null;
    const body = key ? await attachments.read(key) : null;
    if (!meta || !body) throw new HttpError(404, 'not_found', `order ${order.id} has no attachment ${String(req.params.attachmentId)}`);
    res.setHeader('Content-Type', meta.contentType);
    res.setHeader('Content-Length', String(meta.size));
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.fileName)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    await pipeline(body, res);
  });

  // Open orders stranded at a unit an administrator deactivated: a dispatcher moves them on.
  router.get('/v1/supervision/deactivated-units', allow('dispatcher', 'supervisor'), async (req, res) => {
    const where: Prisma.OrderWhereInput = { status: { in: [...ACTIVE_STATUSES] }, unit: { active: false } };
    res.json(await page(prisma, staffOf(res), where, req.query, [{ unitId: 'asc' }, { placedAt: 'asc' }]));
  });

  const supervisors = allow('supervisor', 'evaluator');
  router.get('/v1/supervision/overdue', supervisors, async (req, res) => {
    const where: Prisma.OrderWhereInput = {
      status: { in: [...ACTIVE_STATUSES] },
      ...overdueWhere(new Date()),
    };
    res.json(await page(prisma, staffOf(res), where, req.query, [{ deadlineAt: { sort: 'asc', nulls: 'last' } }]));
  });
  router.get('/v1/supervision/escalated', supervisors, async (req, res) => {
    res.json(await page(prisma, staffOf(res), { escalations: { gt: 0 } }, req.query, [{ escalations: 'desc' }, { placedAt: 'asc' }]));
  });
  router.get('/v1/supervision/bounced', supervisors, async (req, res) => {
    const where: Prisma.OrderWhereInput = { OR: [{ bounces: { gt: 0 } }, { buckPassing: true }] };
    res.json(await page(prisma, staffOf(res), where, req.query, [{ buckPassing: 'desc' }, { bounces: 'desc' }, { placedAt: 'asc' }]));
  });
  // 追责: every accountability record, newest first, with the unit and the stage that breached.
  router.get('/v1/supervision/accountability', supervisors, async (req, res) => {
    res.json(await accountabilityRecords(prisma, validate(accountabilitySchema, req.query, 'query')));
  });
  return router;
}
