// What a queue shows beside each order, computed by the domain: the remaining time of its stage
// counted as its deadline counts (working minutes; calendar minutes for the rating window), and
// whether the stage has been urged (催办 — by the 80 % timer, staff or the resident). And the
// counts a queue's filters show next to each choice.
import { STAGE_STARTING_EVENTS, stageClock, urgesThisStage, type OrderStatus, type StageClock, type StageUrges, type WorkingCalendar } from '@diandan/domain';
import { overdueWhere, type PrismaClient } from '@diandan/platform';
import type { Prisma } from '@prisma/client';

export interface QueueFacts {
  clock: StageClock | null;
  urges: StageUrges;
}

/** Adds `clock` and `urges` to each row; one query for the events of the whole page. */
export async function withQueueFacts<R extends { id: string; status: string; deadlineAt: Date | null }>(
  prisma: PrismaClient,
  calendar: WorkingCalendar,
  rows: readonly R[],
  now = new Date(),
): Promise<Array<R & QueueFacts>> {
  if (rows.length === 0) return [];
  const events = await prisma.orderEvent.findMany({
    where: { orderId: { in: rows.map((r) => r.id) }, type: { in: [...STAGE_STARTING_EVENTS, 'order.urged'] } },
    select: { orderId: true, seq: true, type: true, at: true, actor: true, data: true },
  });
  const byOrder = new Map<string, typeof events>();
  for (const event of events) byOrder.set(event.orderId, [...(byOrder.get(event.orderId) ?? []), event]);
  return rows.map((row) => ({
    ...row,
    clock: stageClock(row.status as OrderStatus, row.deadlineAt, now, calendar),
    urges: urgesThisStage((byOrder.get(row.id) ?? []).map((e) => ({ ...e, actor: e.actor as { role?: string }, data: e.data as Record<string, unknown> }))),
  }));
}

export interface QueueCounts {
  total: number;
  byCategory: Array<{ code: string | null; name: string | null; count: number }>;
  byPriority: Record<string, number>;
  byStatus: Record<string, number>;
  overdue: number;
}

/** Counts of a queue before its own filters (category, priority, status), for the filter chips. */
export async function queueCounts(prisma: PrismaClient, where: Prisma.OrderWhereInput, now = new Date()): Promise<QueueCounts> {
  const [byCategory, byPriority, byStatus, overdue, categories] = await Promise.all([
    prisma.order.groupBy({ by: ['categoryCode'], where, _count: { _all: true } }),
    prisma.order.groupBy({ by: ['priority'], where, _count: { _all: true } }),
    prisma.order.groupBy({ by: ['status'], where, _count: { _all: true } }),
    prisma.order.count({ where: { AND: [where, overdueWhere(now)] } }),
    prisma.category.findMany({ select: { code: true, name: true } }),
  ]);
  const names = new Map(categories.map((c) => [c.code, c.name]));
  return {
    total: byStatus.reduce((sum, g) => sum + g._count._all, 0),
    byCategory: byCategory
      .map((g) => ({ code: g.categoryCode, name: g.categoryCode === null ? null : (names.get(g.categoryCode) ?? null), count: g._count._all }))
      .sort((a, b) => b.count - a.count),
    byPriority: Object.fromEntries(byPriority.map((g) => [g.priority, g._count._all])),
    byStatus: Object.fromEntries(byStatus.map((g) => [g.status, g._count._all])),
    overdue,
  };
}
