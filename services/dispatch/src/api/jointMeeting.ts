// 联席会议: the day's new orders at a glance (counts by category, area and status, a suggestion for
// each order still in the queue) and one request that dispatches many orders. Each order goes
// through its own workflow update, as a single dispatch does; one refusal never holds up the
// others, and every order gets its own answer. A retry of a batch is safe: an order already at the
// unit asked for answers `repeated: true`.
import { ancestry, areaOf, LEVELS, workflowIdFor, type UnitTree } from '@diandan/domain';
import { HttpError, validate } from '@diandan/platform';
import { stateQuery } from '@diandan/workflows';
import { Router } from 'express';
import { z } from 'zod';
import type { Staff } from '../auth/staff';
import { performAction } from './actions';
import { allow, staffOf } from './authenticate';
import type { ApiDeps } from './deps';
import { loadUnitTree } from './scope';
import { suggester } from './suggestion';

export const MAX_BATCH = 100;
const CONCURRENCY = 4;
const CHINA_OFFSET_MS = 8 * 3600_000;

export const batchDispatchSchema = z.object({
  items: z
    .array(z.object({ orderId: z.uuid(), unitId: z.string().min(1).max(100), level: z.enum(LEVELS).optional() }))
    .min(1)
    .max(MAX_BATCH)
    .refine((items) => new Set(items.map((i) => i.orderId)).size === items.length, { message: 'each order at most once' }),
});

export const daySchema = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00+08:00`)), 'not a date')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export type BatchItemResult =
  | { orderId: string; ok: true; repeated: boolean; status: string; unitId: string | null }
  | { orderId: string; ok: false; error: { status: number; code: string; message: string } };

async function dispatchOne(deps: ApiDeps, staff: Staff, item: z.infer<typeof batchDispatchSchema>['items'][number]): Promise<BatchItemResult> {
  try {
    const result = await performAction(deps, staff, item.orderId, 'dispatch', { unitId: item.unitId, ...(item.level ? { level: item.level } : {}) });
    return { orderId: item.orderId, ok: true, repeated: false, status: result.order.status, unitId: result.order.unitId };
  } catch (error) {
    if (error instanceof HttpError && error.status === 409) {
      // A retried batch: the first attempt may have dispatched it to this very unit.
      const view = await deps.temporal.workflow.getHandle(workflowIdFor(item.orderId)).query(stateQuery).catch(() => null);
      const last = view?.order.assignments.at(-1);
      if (view && view.order.status === 'dispatched' && view.order.unitId === item.unitId && last?.via === 'dispatch') {
        return { orderId: item.orderId, ok: true, repeated: true, status: view.order.status, unitId: view.order.unitId };
      }
    }
    if (error instanceof HttpError) return { orderId: item.orderId, ok: false, error: { status: error.status, code: error.code, message: error.message } };
    deps.logger.error({ err: error instanceof Error ? error.message : String(error), orderId: item.orderId }, 'batch dispatch: unexpected failure');
    return { orderId: item.orderId, ok: false, error: { status: 500, code: 'internal', message: 'unexpected failure; retry this order' } };
  }
}

/** Runs `work` over `items`, `limit` at a time, keeping their order in the answer. */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** The street an address lies in (the street of the community it names), for the day's counts. */
function streetOf(tree: UnitTree, address: string | null): { id: string; name: string } | null {
  const area = areaOf(tree, address);
  if (!area) return null;
  const street = ancestry(tree, area.unit.id).find((u) => u.kind === 'street') ?? ancestry(tree, area.unit.id).find((u) => u.level === 'street');
  return street ? { id: street.id, name: street.name } : { id: area.unit.id, name: area.unit.name };
}

const countBy = <T>(items: readonly T[], key: (item: T) => { key: string | null; name: string | null }) => {
  const counts = new Map<string, { key: string | null; name: string | null; count: number }>();
  for (const item of items) {
    const k = key(item);
    const id = k.key ?? '';
    counts.set(id, { ...k, count: (counts.get(id)?.count ?? 0) + 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
};

export function jointMeetingRoutes(deps: ApiDeps): Router {
  const { prisma } = deps;
  const router = Router();

  router.post('/v1/joint-meeting/dispatch', allow('dispatcher'), async (req, res) => {
    const staff = staffOf(res);
    const { items } = validate(batchDispatchSchema, req.body);
    const results = await pooled(items, CONCURRENCY, (item) => dispatchOne(deps, staff, item));
    res.json({ dispatched: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results });
  });

  router.get('/v1/joint-meeting/day', allow('dispatcher', 'operator', 'supervisor'), async (req, res) => {
    const staff = staffOf(res);
    const query = validate(daySchema, req.query, 'query');
    const date = query.date ?? new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
    const from = new Date(`${date}T00:00:00+08:00`);
    const to = new Date(from.getTime() + 24 * 3600_000);
    const where = { placedAt: { gte: from, lt: to } };
    const [total, rows] = await Promise.all([
      prisma.order.count({ where }),
      prisma.order.findMany({
        where,
        orderBy: [{ priority: 'desc' }, { placedAt: 'asc' }],
        take: query.limit,
        select: { id: true, trackingCode: true, status: true, channel: true, priority: true, categoryCode: true, content: true, address: true, placedAt: true, unitId: true, level: true, category: { select: { name: true } }, unit: { select: { name: true } } },
      }),
    ]);
    const tree = await loadUnitTree(prisma);
    const suggest = await suggester(prisma, staff, tree);
    const orders = rows.map((row) => {
      const street = streetOf(tree, row.address);
      return { ...row, area: street, suggestion: row.status === 'placed' ? suggest(row) : null };
    });
    res.json({
      date,
      total,
      listed: orders.length,
      counts: {
        byCategory: countBy(orders, (o) => ({ key: o.categoryCode, name: o.category?.name ?? null })),
        byArea: countBy(orders, (o) => ({ key: o.area?.id ?? null, name: o.area?.name ?? null })),
        byStatus: countBy(orders, (o) => ({ key: o.status, name: o.status })),
      },
      orders,
    });
  });
  return router;
}
