// The projector: orders.lifecycle → the read model (Order row + OrderEvent timeline), one Prisma
// transaction per event. Idempotent by the event's stable id: a redelivered event finds its
// OrderEvent row and changes nothing. Ordered by seq: an event older than the row's `lastSeq` is
// still appended to the timeline but never overwrites newer state. runConsumer commits the offset
// only after this returned, i.e. after the database commit.
import type { Kafka } from 'kafkajs';
import { FINAL_STATUSES, LEVELS, lifecycleEventSchema, type LifecycleEvent, type OrderStatus } from '@diandan/domain';
import { jsonParser, runConsumer, type ConsumerRunner, type Logger, type PrismaClient } from '@diandan/platform';
import type { Prisma } from '@prisma/client';
import { isTransient } from '@diandan/platform';

type Tx = Prisma.TransactionClient;

export type ProjectionOutcome = 'applied' | 'appended' | 'duplicate';

/** A row created by an event that overtook order.placed; order.placed fills these in later. */
const PROVISIONAL_TRACKING_PREFIX = 'pending:';

interface OrderRow {
  lastSeq: number;
  bounces: number;
  status: string;
  dispatchedAt: Date | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** `data.deadline` may be an ISO time or a RunningDeadline-like `{ dueAt, overdue? }`; `null` clears it. */
function deadlineOf(data: Record<string, unknown>): { deadlineAt?: Date | null; overdue?: boolean } {
  if (!('deadline' in data)) return {};
  const deadline = data.deadline;
  if (deadline === null) return { deadlineAt: null, overdue: false };
  if (typeof deadline === 'string') return { deadlineAt: new Date(deadline) };
  if (deadline && typeof deadline === 'object') {
    const d = deadline as { dueAt?: unknown; overdue?: unknown };
    return {
      ...(text(d.dueAt) ? { deadlineAt: new Date(d.dueAt as string) } : {}),
      ...(typeof d.overdue === 'boolean' ? { overdue: d.overdue } : {}),
    };
  }
  return {};
}

const earliest = (current: Date | null, at: Date): Date => (current && current < at ? current : at);
const latest = (current: Date | null, at: Date): Date => (current && current > at ? current : at);

/** Fields an event sets whatever its position: counters (each event is applied once) and first/last times. */
function cumulativeChanges(event: LifecycleEvent, row: OrderRow, at: Date): Prisma.OrderUncheckedUpdateInput {
  const data = event.data;
  switch (event.type) {
    case 'order.dispatched':
      return { dispatchedAt: earliest(row.dispatchedAt, at) };
    case 'order.accepted':
      return { acceptedAt: earliest(row.acceptedAt, at) };
    case 'order.answered':
    case 'order.resolved':
      return { resolvedAt: latest(row.resolvedAt, at) };
    case 'order.escalated':
      return { escalations: { increment: 1 } };
    case 'order.returned': {
      // The event's own count when it has one (a late older return must not lower it).
      const bounces = num(data.bounces);
      return { bounces: bounces === undefined ? row.bounces + 1 : Math.max(row.bounces, bounces) };
    }
    case 'order.buck_passing_flagged':
      return { buckPassing: true };
    case 'order.rated':
      return text(data.rating) ? { rating: data.rating as string } : {};
    default:
      return {};
  }
}

/** Fields that describe the order's current state: taken only from the newest event. */
function stateChanges(event: LifecycleEvent, row: OrderRow, at: Date): Prisma.OrderUncheckedUpdateInput {
  const statusChanged = event.status !== row.status;
  const changes: Prisma.OrderUncheckedUpdateInput = {
    status: event.status,
    level: event.level ?? null,
    unitId: event.unitId ?? null,
    lastSeq: event.seq,
    // A new status starts a new clock; whatever was overdue before is history (kept in the timeline).
    ...(statusChanged ? { overdue: false } : {}),
    ...deadlineOf(event.data),
  };
  if (event.type === 'order.supervisor_alerted' || event.type === 'order.accountability_recorded') changes.overdue = true;
  if (typeof event.data.overdue === 'boolean') changes.overdue = event.data.overdue;
  if (FINAL_STATUSES.includes(event.status as OrderStatus)) changes.closedAt = latest(row.closedAt, at);
  return changes;
}

/** order.placed carries what the row was created for; it may arrive after later events. */
function placedFields(event: LifecycleEvent): Prisma.OrderUncheckedUpdateInput {
  const data = event.data;
  return {
    trackingCode: text(data.trackingCode) ?? `${PROVISIONAL_TRACKING_PREFIX}${event.orderId}`,
    channel: text(data.channel) ?? 'unknown',
    content: typeof data.content === 'string' ? data.content : '',
    ...(text(data.priority) ? { priority: data.priority as string } : {}),
    placedAt: text(data.placedAt) ? new Date(data.placedAt as string) : new Date(event.at),
    ...(text(data.address) ? { address: data.address as string } : {}),
    ...(text(data.secretHash) ? { secretHash: data.secretHash as string } : {}),
    ...(num(data.lat) !== undefined ? { lat: num(data.lat) } : {}),
    ...(num(data.lng) !== undefined ? { lng: num(data.lng) } : {}),
  };
}

/** Reference data may lag the workflow's: an unknown unit or category must not poison the event. */
async function dropUnknownReferences(tx: Tx, changes: Prisma.OrderUncheckedUpdateInput, logger?: Logger): Promise<void> {
  if (typeof changes.unitId === 'string' && !(await tx.unit.findUnique({ where: { id: changes.unitId }, select: { id: true } }))) {
    logger?.warn({ unitId: changes.unitId }, 'projector: unknown unit; kept out of the row (still in the timeline)');
    changes.unitId = null;
  }
  if (typeof changes.categoryCode === 'string' && !(await tx.category.findUnique({ where: { code: changes.categoryCode }, select: { code: true } }))) {
    logger?.warn({ categoryCode: changes.categoryCode }, 'projector: unknown category; kept out of the row');
    changes.categoryCode = null;
  }
}

/** Applies one lifecycle event to the read model in one transaction. */
export async function projectEvent(prisma: PrismaClient, event: LifecycleEvent, logger?: Logger): Promise<ProjectionOutcome> {
  const at = new Date(event.at);
  return prisma.$transaction(async (tx) => {
    // The row must exist before its event (foreign key); a provisional one if order.placed is late.
    await tx.$executeRaw`
      INSERT INTO "Order" (id, "trackingCode", channel, status, content, "placedAt", "lastSeq", "updatedAt")
      VALUES (${event.orderId}::uuid, ${PROVISIONAL_TRACKING_PREFIX + event.orderId}, 'unknown', ${event.status}, '', ${at}, 0, now())
      ON CONFLICT (id) DO NOTHING`;
    // Serializes concurrent deliveries of one order's events (e.g. during a rebalance).
    const [row] = await tx.$queryRaw<OrderRow[]>`
      SELECT "lastSeq", bounces, status, "dispatchedAt", "acceptedAt", "resolvedAt", "closedAt"
      FROM "Order" WHERE id = ${event.orderId}::uuid FOR UPDATE`;
    if (!row) throw new Error(`order ${event.orderId} vanished inside its transaction`);

    const inserted = await tx.orderEvent.createMany({
      data: [{ id: event.eventId, orderId: event.orderId, seq: event.seq, type: event.type, at, actor: event.actor, data: event.data as Prisma.InputJsonValue }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return 'duplicate';

    const newest = event.seq > row.lastSeq;
    const changes: Prisma.OrderUncheckedUpdateInput = {
      ...cumulativeChanges(event, row, at),
      ...(event.type === 'order.placed' ? placedFields(event) : {}),
      ...(newest ? stateChanges(event, row, at) : {}),
    };
    if (event.type === 'order.placed') changes.categoryCode = text(event.data.categoryCode) ?? null;
    if (typeof changes.level === 'string' && !LEVELS.includes(changes.level as (typeof LEVELS)[number])) changes.level = null;
    await dropUnknownReferences(tx, changes, logger);
    await tx.order.update({ where: { id: event.orderId }, data: changes });
    return newest ? 'applied' : 'appended';
  });
}

export interface ProjectorOptions {
  kafka: Kafka;
  prisma: PrismaClient;
  logger: Logger;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  partitionsConsumedConcurrently?: number;
}

export function startProjector(options: ProjectorOptions): Promise<ConsumerRunner> {
  const { prisma, logger } = options;
  return runConsumer<LifecycleEvent>({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    deadLetterTopic: options.deadLetterTopic,
    parse: jsonParser(lifecycleEventSchema),
    handle: async (event) => {
      const outcome = await projectEvent(prisma, event, logger);
      logger.debug({ eventId: event.eventId, type: event.type, outcome }, 'projected');
    },
    isTransient,
    logger,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
  });
}
