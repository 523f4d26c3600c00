// Why an order is where it is, from its timeline: what made it climb to a level (an escalation by
// hand or by deadline, a dissatisfied rating), and the accountability records (追责) of breaches
// at district level — with the unit and the stage that breached.
import { STAGES } from '@diandan/domain';
import type { PrismaClient } from '@diandan/platform';
import { z } from 'zod';

export interface Climb {
  /** escalated by hand, by a passed deadline, or reopened after a dissatisfied rating. */
  trigger: 'manual' | 'deadline' | 'dissatisfied';
  at: string;
  /** The role that escalated by hand (staff note in `reason`); `system` for deadlines. */
  by: string;
  reason: string | null;
  /** The stage whose deadline passed (trigger deadline). */
  stage: string | null;
  fromUnitId: string | null;
  fromUnitName: string | null;
  fromLevel: string | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The newest climb of each order (orders that never climbed are absent). */
export async function climbsOf(prisma: PrismaClient, orderIds: readonly string[]): Promise<Map<string, Climb>> {
  if (orderIds.length === 0) return new Map();
  const events = await prisma.orderEvent.findMany({
    where: { orderId: { in: [...orderIds] }, type: { in: ['order.escalated', 'order.reopened'] } },
    orderBy: { seq: 'asc' },
    select: { orderId: true, type: true, at: true, actor: true, data: true },
  });
  const fromIds = [...new Set(events.map((e) => str((e.data as Record<string, unknown>).fromUnitId)).filter((id): id is string => id !== null))];
  const units = new Map((await prisma.unit.findMany({ where: { id: { in: fromIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const climbs = new Map<string, Climb>();
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const fromUnitId = str(data.fromUnitId);
    climbs.set(event.orderId, {
      trigger: event.type === 'order.reopened' ? 'dissatisfied' : data.trigger === 'deadline' ? 'deadline' : 'manual',
      at: event.at.toISOString(),
      by: str((event.actor as Record<string, unknown>).role) ?? 'system',
      reason: str(data.reason),
      stage: str(data.stage),
      fromUnitId,
      fromUnitName: fromUnitId ? (units.get(fromUnitId) ?? null) : null,
      fromLevel: str(data.fromLevel),
    });
  }
  return climbs;
}

export const accountabilitySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  unitId: z.string().min(1).max(100).optional(),
  stage: z.enum(STAGES).optional(),
});

/** Accountability records (order.accountability_recorded), newest first, with order, unit and stage. */
export async function accountabilityRecords(prisma: PrismaClient, query: z.infer<typeof accountabilitySchema>) {
  const where = {
    type: 'order.accountability_recorded',
    ...(query.unitId ? { data: { path: ['unitId'], equals: query.unitId } } : {}),
    ...(query.stage ? { AND: [{ data: { path: ['stage'], equals: query.stage } }] } : {}),
  };
  const [total, events] = await Promise.all([
    prisma.orderEvent.count({ where }),
    prisma.orderEvent.findMany({
      where,
      orderBy: { at: 'desc' },
      take: query.limit,
      skip: query.offset,
      include: { order: { select: { id: true, trackingCode: true, status: true, categoryCode: true, category: { select: { name: true } }, content: true } } },
    }),
  ]);
  const unitIds = [...new Set(events.map((e) => str((e.data as Record<string, unknown>).unitId)).filter((id): id is string => id !== null))];
  const units = new Map((await prisma.unit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true, level: true } })).map((u) => [u.id, u]));
  return {
    total,
    limit: query.limit,
    offset: query.offset,
    records: events.map((event) => {
      const data = event.data as Record<string, unknown>;
      const unitId = str(data.unitId);
      const unit = unitId ? units.get(unitId) : undefined;
      return {
        eventId: event.id,
        at: event.at.toISOString(),
        stage: str(data.stage),
        unit: unitId ? { id: unitId, name: unit?.name ?? null, level: unit?.level ?? null } : null,
        order: { id: event.order.id, trackingCode: event.order.trackingCode, status: event.order.status, categoryCode: event.order.categoryCode, categoryName: event.order.category?.name ?? null, content: event.order.content },
      };
    }),
  };
}
