// The project projector: projects.lifecycle → the read model (Project, its milestones, its orders
// and its timeline), one transaction per event. Idempotent by the event's stable id (a
// redelivered event finds its ProjectEvent row and changes nothing); the project's current state
// (status, percent) only ever moves forward by seq. Offsets are committed after the database.
import { projectEventSchema, type ProjectEvent } from '@diandan/domain';
import { runProjection, type ConsumerRunner, type PrismaClient, type ProjectionOptions } from '@diandan/platform';
import type { Prisma } from '@prisma/client';

type Tx = Prisma.TransactionClient;

async function applyDetails(tx: Tx, event: ProjectEvent, at: Date): Promise<Prisma.ProjectUncheckedUpdateInput> {
  const projectId = event.projectId;
  switch (event.type) {
    case 'project.orders_linked': {
      const rows = [
        ...event.data.linked.map((orderId) => ({ projectId, orderId, linked: true })),
        ...event.data.refused.map((r) => ({ projectId, orderId: r.orderId, linked: false, reason: r.reason })),
      ];
      await tx.projectOrder.createMany({ data: rows, skipDuplicates: true });
      return { orderCount: event.data.linked.length };
    }
    case 'project.milestone_warned':
      await tx.projectMilestone.updateMany({ where: { projectId, id: event.data.milestoneId, state: 'open' }, data: { state: 'warned' } });
      return {};
    case 'project.milestone_missed':
      await tx.projectMilestone.updateMany({
        where: { projectId, id: event.data.milestoneId, state: { in: ['open', 'warned'] } },
        data: { state: 'missed', escalatedToUnitId: event.data.escalatedToUnitId },
      });
      return { overdue: true };
    case 'project.milestone_reached': {
      await tx.projectMilestone.updateMany({ where: { projectId, id: event.data.milestoneId }, data: { state: 'reached', reachedAt: at } });
      const stillMissed = await tx.projectMilestone.count({ where: { projectId, state: 'missed' } });
      return { overdue: stillMissed > 0 };
    }
    case 'project.completed':
      return { result: event.data.result, completedAt: at, overdue: false };
    case 'project.orders_resolved':
      await tx.projectOrder.updateMany({ where: { projectId, orderId: { in: event.data.resolved } }, data: { resolved: true } });
      return {};
    default:
      return {};
  }
}

/** Applies one projects.lifecycle event to the read model in one transaction. */
export async function projectProjectEvent(prisma: PrismaClient, event: ProjectEvent): Promise<'applied' | 'duplicate'> {
  const at = new Date(event.at);
  return prisma.$transaction(async (tx) => {
    if (event.type === 'project.created') {
      const data = event.data;
      await tx.project.upsert({
        where: { id: event.projectId },
        create: {
          id: event.projectId,
          title: data.title,
          description: data.description ?? null,
          origin: data.origin,
          bundleId: data.bundleId ?? null,
          cycleId: data.cycleId ?? null,
          proposalId: data.proposalId ?? null,
          ownerUnitId: data.ownerUnitId,
          budget: data.budget ?? null,
          status: event.status,
          createdAt: at,
        },
        update: {},
      });
      await tx.projectMilestone.createMany({
        data: data.milestones.map((m) => ({ projectId: event.projectId, id: m.id, name: m.name, workingDays: m.workingDays, dueAt: new Date(m.dueAt), warnAt: new Date(m.warnAt), state: m.state })),
        skipDuplicates: true,
      });
      if (data.bundleId) await tx.bundle.updateMany({ where: { id: data.bundleId }, data: { status: 'projected', projectId: event.projectId } });
    }
    // Serializes concurrent deliveries of one project's events (e.g. during a rebalance).
    const [row] = await tx.$queryRaw<{ lastSeq: number }[]>`SELECT "lastSeq" FROM "Project" WHERE id = ${event.projectId}::uuid FOR UPDATE`;
    if (!row) throw new Error(`project ${event.projectId} has no row yet (its created event comes first on its partition)`);
    const inserted = await tx.projectEvent.createMany({
      data: [{ id: event.eventId, projectId: event.projectId, seq: event.seq, type: event.type, at, actor: event.actor, data: event.data as Prisma.InputJsonValue }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return 'duplicate';
    const changes = await applyDetails(tx, event, at);
    if (event.seq > row.lastSeq) Object.assign(changes, { status: event.status, percent: event.percent, lastSeq: event.seq });
    await tx.project.update({ where: { id: event.projectId }, data: changes });
    return 'applied';
  });
}

export function startProjectProjector(options: ProjectionOptions): Promise<ConsumerRunner> {
  return runProjection(options, projectEventSchema, 'project projected', (event) => projectProjectEvent(options.prisma, event));
}
