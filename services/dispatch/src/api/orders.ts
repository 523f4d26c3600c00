// Read side of the staff API, from the read model (PostgreSQL): queues, one order, its timeline,
// and the supervisor's views. Unit handlers see only orders of their own unit.
import { ACTIVE_STATUSES } from '@diandan/domain';
import { Router } from 'express';
import { z } from 'zod';
import { HttpError, validate, type PrismaClient } from '@diandan/platform';
import type { Prisma } from '@prisma/client';
import type { Staff } from '../auth/staff';
import { allow, staffOf } from './authenticate';
import type { ApiDeps } from './deps';
import { publicEvent, publicOrder } from './views';

/** Statuses in which an order is still being handled (a clock can run). */

const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const unitQueueSchema = pageSchema.extend({ unitId: z.string().min(1).optional(), status: z.string().min(1).optional() });

async function page(prisma: PrismaClient, staff: Staff, where: Prisma.OrderWhereInput, query: unknown, orderBy: Prisma.OrderOrderByWithRelationInput[]) {
  const { limit, offset } = validate(pageSchema, query, 'query');
  const [total, rows] = await Promise.all([
    prisma.order.count({ where }),
    prisma.order.findMany({ where, orderBy, take: limit, skip: offset, include: { unit: { select: { name: true } }, category: { select: { name: true } } } }),
  ]);
  return { total, limit, offset, orders: rows.map((row) => publicOrder(row, staff)) };
}

/** A unit handler may read an order only while it is at the handler's unit. */
async function readableOrder(prisma: PrismaClient, staff: Staff, orderId: string) {
  if (!z.uuid().safeParse(orderId).success) throw new HttpError(404, 'not_found', `no order ${orderId}`);
  const row = await prisma.order.findUnique({ where: { id: orderId }, include: { unit: { select: { name: true } }, category: { select: { name: true } } } });
  if (!row) throw new HttpError(404, 'not_found', `no order ${orderId}`);
  if (staff.role === 'unit_handler' && row.unitId !== staff.unitId) throw new HttpError(403, 'out_of_scope', `order ${orderId} is not assigned to your unit`);
  return row;
}

export function orderRoutes({ prisma }: ApiDeps): Router {
  const router = Router();

  router.get('/v1/queues/triage', allow('operator', 'dispatcher', 'supervisor'), async (req, res) => {
    res.json(await page(prisma, staffOf(res), { status: 'placed' }, req.query, [{ priority: 'desc' }, { placedAt: 'asc' }]));
  });

  router.get('/v1/queues/unit', allow('unit_handler', 'dispatcher', 'supervisor'), async (req, res) => {
    const staff = staffOf(res);
    const query = validate(unitQueueSchema, req.query, 'query');
    const unitId = staff.role === 'unit_handler' ? staff.unitId : query.unitId;
    if (staff.role === 'unit_handler' && query.unitId && query.unitId !== staff.unitId) throw new HttpError(403, 'out_of_scope', 'you see only your own unit’s queue');
    // Without unitId a dispatcher or supervisor sees every unit's queue at once (unitId is optional, as documented).
    const where: Prisma.OrderWhereInput = { unitId: unitId ?? { not: null }, status: query.status ?? { in: [...ACTIVE_STATUSES] } };
    res.json(await page(prisma, staff, where, req.query, [{ deadlineAt: { sort: 'asc', nulls: 'last' } }, { placedAt: 'asc' }]));
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

  const supervisors = allow('supervisor', 'evaluator');
  router.get('/v1/supervision/overdue', supervisors, async (req, res) => {
    const where: Prisma.OrderWhereInput = {
      status: { in: [...ACTIVE_STATUSES] },
      OR: [{ overdue: true }, { deadlineAt: { lt: new Date() } }],
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
  return router;
}
