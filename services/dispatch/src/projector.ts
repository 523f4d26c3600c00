// The projector: orders.lifecycle → the read model (Order row + OrderEvent timeline), one Prisma
// transaction per fetched batch of a partition (at most BATCH_LIMIT events; one per event when a
// batch fails, so that a poison event reaches the dead-letter topic alone). Idempotent by the event's stable id: a redelivered event finds its
// OrderEvent row and changes nothing. Ordered by seq: an event older than the row's `lastSeq` is
// still appended to the timeline but never overwrites newer state. runConsumer commits the offset
// only after this returned, i.e. after the database commit. The resident's own words, address,
// coordinates and attachments come from orders.placed (./intakeProjection), not from here.
import { isFinalStatus, lifecycleEventSchema, type LifecycleEvent } from '@diandan/domain';
import { runProjection, type ConsumerRunner, type Logger, type PrismaClient, type ProjectionOptions } from '@diandan/platform';
import type { Prisma } from '@prisma/client';
import { ensureOrderRow, PROVISIONAL_TRACKING_PREFIX } from './orderRow';

type Tx = Prisma.TransactionClient;

export type ProjectionOutcome = 'applied' | 'appended' | 'duplicate';

interface OrderRow {
  lastSeq: number;
  bounces: number;
  status: string;
  trackingCode: string;
  dispatchedAt: Date | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
const earliest = (current: Date | null, at: Date): Date => (current && current < at ? current : at);
const latest = (current: Date | null, at: Date): Date => (current && current > at ? current : at);

/** Fields an event sets whatever its position: counters (each event is applied once) and first/last times. */
function cumulativeChanges(event: LifecycleEvent, row: OrderRow, at: Date): Prisma.OrderUncheckedUpdateInput {
  switch (event.type) {
    case 'order.dispatched':
      return { dispatchedAt: earliest(row.dispatchedAt, at) };
    case 'order.accepted':
      return { acceptedAt: earliest(row.acceptedAt, at) };
    case 'order.answered':
      // 即接即办, and from which knowledge-base entry (the on-the-spot-from-KB rate, docs/knowledge.md).
      return {
        resolvedAt: latest(row.resolvedAt, at),
        answeredAt: at,
        ...(event.data.entryId && isUuid(event.data.entryId) ? { answeredEntryId: event.data.entryId, answeredEntryVersion: event.data.entryVersion ?? null } : {}),
      };
    case 'order.resolved':
      return { resolvedAt: latest(row.resolvedAt, at) };
    case 'order.escalated':
      return { escalations: { increment: 1 } };
    case 'order.returned':
      // The event's own count (a late older return must not lower it).
      return { bounces: Math.max(row.bounces, event.data.bounces) };
    case 'order.buck_passing_flagged':
      return { buckPassing: true };
    case 'order.rated':
      return { rating: event.data.rating };
    default:
      return {};
  }
}

/** Fields that describe the order's current state: taken only from the newest event. */
function stateChanges(event: LifecycleEvent, row: OrderRow, at: Date): Prisma.OrderUncheckedUpdateInput {
  const changes: Prisma.OrderUncheckedUpdateInput = {
    status: event.status,
    level: event.level ?? null,
    unitId: event.unitId ?? null,
    lastSeq: event.seq,
  };
  // A new status starts a new clock; whatever was overdue before is history (kept in the timeline).
  if (event.status !== row.status) changes.overdue = false;
  // The running clock, when the event states it (null: none runs, e.g. in a final state).
  if (event.deadline !== undefined) {
    changes.deadlineAt = event.deadline === null ? null : new Date(event.deadline.dueAt);
    changes.overdue = event.deadline?.overdue ?? false;
    // The clock reaches into a year the holiday calendar has no schedule for (docs/lifecycle.md).
    changes.deadlineUnscheduled = event.deadline?.unscheduled ?? false;
  }
  // Merge links (docs/merge.md): the order carrying this one's need, while merged.
  if (event.type === 'order.merged') changes.mergedIntoId = isUuid(event.data.intoOrderId) ? event.data.intoOrderId : null;
  if (event.type === 'order.unmerged') changes.mergedIntoId = null;
  if (event.type === 'order.supervisor_alerted' || event.type === 'order.accountability_recorded') changes.overdue = true;
  if (isFinalStatus(event.status)) {
    changes.closedAt = latest(row.closedAt, at);
    changes.deadlineAt = null;
    changes.overdue = false;
    changes.deadlineUnscheduled = false;
  }
  return changes;
}

/** order.placed: what the workflow decided on; v1 events also carried the resident's text. */
function placedFields(event: Extract<LifecycleEvent, { type: 'order.placed' }>, row: OrderRow): Prisma.OrderUncheckedUpdateInput {
  const data = event.data;
  return {
    // The intake projection may have written these already; they are the same facts.
    ...(row.trackingCode.startsWith(PROVISIONAL_TRACKING_PREFIX) ? { trackingCode: data.trackingCode, channel: data.channel } : {}),
    priority: data.priority,
    placedAt: new Date(data.placedAt),
    categoryCode: data.categoryCode ?? null,
    ...(data.content === undefined ? {} : { content: data.content }),
    ...(data.address === undefined ? {} : { address: data.address }),
    ...(data.secretHash === undefined ? {} : { secretHash: data.secretHash }),
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
  return prisma.$transaction((tx) => applyEvent(tx, event, logger), TRANSACTION_LIMITS);
}

/**
 * Prisma's default (5 s) expired transactions on a loaded machine and on the cluster's shared
 * PostgreSQL — and an expired transaction (P2028) used to count as the message's fault: after five
 * tries it was parked on the dead-letter topic and its row never written. It is transient now
 * (packages/platform transient.ts), and the limits give a slow database room first.
 */
const TRANSACTION_LIMITS = { timeout: 60_000, maxWait: 30_000 };

/**
 * Applies the events one fetch brought (one partition, in their order) in one transaction: one
 * commit instead of one per event. Each event still goes through the same steps, so a redelivered
 * one is a no-op and an older one never overwrites newer state.
 */
export async function projectEvents(prisma: PrismaClient, events: readonly LifecycleEvent[], logger?: Logger): Promise<ProjectionOutcome[]> {
  return prisma.$transaction(
    async (tx) => {
      const outcomes: ProjectionOutcome[] = [];
      for (const event of events) outcomes.push(await applyEvent(tx, event, logger));
      return outcomes;
    },
    TRANSACTION_LIMITS,
  );
}

async function applyEvent(tx: Tx, event: LifecycleEvent, logger?: Logger): Promise<ProjectionOutcome> {
  const at = new Date(event.at);
  // The row must exist before its event (foreign key); a provisional one if no placed fact came yet.
  await ensureOrderRow(tx, event.orderId, event.status, at);
  // Serializes concurrent deliveries of one order's events (e.g. during a rebalance).
  const [row] = await tx.$queryRaw<OrderRow[]>`
    SELECT "lastSeq", bounces, status, "trackingCode", "dispatchedAt", "acceptedAt", "resolvedAt", "closedAt"
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
    ...(event.type === 'order.placed' ? placedFields(event, row) : {}),
    ...(newest ? stateChanges(event, row, at) : {}),
  };
  await dropUnknownReferences(tx, changes, logger);
  await tx.order.update({ where: { id: event.orderId }, data: changes });
  // A unit's result photos (stored by the staff API before the resolve): listed with the order's files.
  const results = event.type === 'order.resolved' ? event.data.attachments ?? [] : [];
  if (results.length > 0) {
    await tx.orderAttachment.createMany({
      data: results.map((a) => ({ id: a.id, orderId: event.orderId, fileName: a.fileName, contentType: a.contentType, size: a.size, sha256: a.sha256 ?? null, createdAt: at })),
      skipDuplicates: true,
    });
  }
  return newest ? 'applied' : 'appended';
}

/**
 * Events per transaction at most: row locks stay short (the intake projection waits for a row the
 * batch holds), a failed batch costs little to redo.
 */
const BATCH_LIMIT = 50;

export interface ProjectorOptions extends ProjectionOptions {
  /** One transaction per fetched batch (default); `false`: one per event, as before (the benchmark's before/after). */
  batch?: boolean;
}

export function startProjector(options: ProjectorOptions): Promise<ConsumerRunner> {
  const { prisma, logger } = options;
  return runProjection(
    { ...options, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3 },
    lifecycleEventSchema,
    'projected',
    (event) => projectEvent(prisma, event, logger),
    // A batch failing (a poison event, a deadlock) is retried event by event through `project`.
    options.batch === false
      ? {}
      : {
          handleBatch: async (messages) => {
            for (let i = 0; i < messages.length; i += BATCH_LIMIT) {
              const outcomes = await projectEvents(prisma, messages.slice(i, i + BATCH_LIMIT).map((m) => m.message), logger);
              logger.debug({ events: outcomes.length }, 'projected a batch');
            }
          },
        },
  );
}
