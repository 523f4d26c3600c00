// The cycle projector: cycles.lifecycle → the read model (Cycle and its timeline CycleEvent), one
// transaction per event. Idempotent by the event's stable id (a redelivered event finds its
// CycleEvent row and changes nothing); the cycle's phase only ever moves forward by seq. Offsets
// are committed after the database (runConsumer).
import { cycleEventSchema, type CycleDates, type CycleEvent } from '@diandan/domain';
import { runProjection, type ConsumerRunner, type PrismaClient, type ProjectionOptions } from '@diandan/platform';
import type { Prisma } from '@prisma/client';

type Tx = Prisma.TransactionClient;

/** The Cycle row's date columns of a set of cycle dates. */
export function cycleDateColumns(dates: CycleDates) {
  return {
    solicitationStartsAt: new Date(dates.solicitation),
    selectionStartsAt: new Date(dates.selection),
    publicationStartsAt: new Date(dates.publication),
    implementationStartsAt: new Date(dates.implementation),
    midyearReviewStartsAt: new Date(dates.midyear_review),
    evaluationStartsAt: new Date(dates.evaluation),
    reportStartsAt: new Date(dates.report),
    closesAt: new Date(dates.closed),
  };
}

async function applyDetails(tx: Tx, event: CycleEvent, at: Date): Promise<Prisma.CycleUncheckedUpdateInput> {
  switch (event.type) {
    case 'cycle.phase_changed':
      // Scores freeze when the evaluation phase ends: the evaluator's side reads this column.
      return event.data.from === 'evaluation' ? { evaluationClosedAt: at } : {};
    case 'cycle.date_moved':
      return cycleDateColumns(event.data.dates);
    case 'cycle.proposal_decided':
      // The proposal shows the decision and its public reason (and the project it became).
      await tx.proposal.updateMany({
        where: { id: event.data.proposalId, cycleId: event.cycleId },
        data: { status: event.data.decision, decisionReason: event.data.reason, decidedAt: at, ...(event.data.projectId ? { projectId: event.data.projectId } : {}) },
      });
      return {};
    default:
      return {};
  }
}

/** Applies one cycles.lifecycle event to the read model in one transaction. */
export async function projectCycleEvent(prisma: PrismaClient, event: CycleEvent): Promise<'applied' | 'duplicate'> {
  const at = new Date(event.at);
  return prisma.$transaction(async (tx) => {
    if (event.type === 'cycle.opened') {
      await tx.cycle.upsert({
        where: { id: event.cycleId },
        create: { id: event.cycleId, organisationId: event.organisationId, year: event.year, phase: event.state, openedAt: at, ...cycleDateColumns(event.data.dates) },
        update: {},
      });
    }
    // Serializes concurrent deliveries of one cycle's events (e.g. during a rebalance).
    const [row] = await tx.$queryRaw<{ lastSeq: number }[]>`SELECT "lastSeq" FROM "Cycle" WHERE id = ${event.cycleId} FOR UPDATE`;
    if (!row) throw new Error(`cycle ${event.cycleId} has no row yet (its opened event comes first on its partition)`);
    const inserted = await tx.cycleEvent.createMany({
      data: [{ id: event.eventId, cycleId: event.cycleId, seq: event.seq, type: event.type, at, actor: event.actor, data: event.data as Prisma.InputJsonValue }],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return 'duplicate';
    const changes = await applyDetails(tx, event, at);
    if (event.seq > row.lastSeq) Object.assign(changes, { phase: event.state, lastSeq: event.seq });
    await tx.cycle.update({ where: { id: event.cycleId }, data: changes });
    return 'applied';
  });
}

export function startCycleProjector(options: ProjectionOptions): Promise<ConsumerRunner> {
  return runProjection(options, cycleEventSchema, 'cycle projected', (event) => projectCycleEvent(options.prisma, event));
}
