// The KPI consumer: orders.lifecycle → KpiOrderFact + KpiRollup, one transaction per event. The
// fact row is locked, the event folded in (facts.ts), and the difference of the order's
// contribution added to its rollup cell(s). A redelivered event finds `lastSeq` at or past its
// seq and changes nothing; the offset is committed only after the transaction (runConsumer).
import { lifecycleEventSchema, type LifecycleEvent, type Rating } from '@diandan/domain';
import { runProjection, type ConsumerRunner, type PrismaClient, type ProjectionOptions } from '@diandan/platform';
import { applyEvent, COUNTER_NAMES, rollupDeltas, type OrderFact } from './facts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export type KpiOutcome = 'applied' | 'duplicate';

interface FactRow extends Omit<OrderFact, 'rating'> {
  rating: string | null;
}

export async function recordKpiEvent(prisma: PrismaClient, event: LifecycleEvent): Promise<KpiOutcome> {
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<FactRow[]>`
      SELECT "orderId", "lastSeq", month, "unitId", "categoryCode", received, excluded, responded, "respondedOnTime",
             "responseLate", "responseDueAt", resolved, rating, "responseUnitId", "responseFixed", "resolutionUnitId",
             "resolutionFixed", "satisfactionUnitId"
      FROM "KpiOrderFact" WHERE "orderId" = ${event.orderId}::uuid FOR UPDATE`;
    const before: OrderFact | null = row ? { ...row, rating: row.rating as Rating | null } : null;
    const after = applyEvent(before, event);
    if (!after) return 'duplicate';
    await saveFact(tx, after, before === null);
    for (const { key, delta } of rollupDeltas(before, after)) {
      const values = COUNTER_NAMES.map((name) => delta[name]);
      await tx.$executeRawUnsafe(
        `INSERT INTO "KpiRollup" (month, "unitId", "categoryCode", ${COUNTER_NAMES.map((n) => `"${n}"`).join(', ')})
         VALUES ($1, $2, $3, ${COUNTER_NAMES.map((_, i) => `$${i + 4}`).join(', ')})
         ON CONFLICT (month, "unitId", "categoryCode") DO UPDATE SET
         ${COUNTER_NAMES.map((n) => `"${n}" = "KpiRollup"."${n}" + EXCLUDED."${n}"`).join(', ')}`,
        key.month,
        key.unitId,
        key.categoryCode,
        ...values,
      );
      // A cell the order left empty goes, so that rankings do not list units without orders.
      if (COUNTER_NAMES.some((name) => delta[name] < 0)) {
        await tx.$executeRawUnsafe(
          `DELETE FROM "KpiRollup" WHERE month = $1 AND "unitId" = $2 AND "categoryCode" = $3 AND ${COUNTER_NAMES.map((n) => `"${n}" = 0`).join(' AND ')}`,
          key.month,
          key.unitId,
          key.categoryCode,
        );
      }
    }
    return 'applied';
  });
}

async function saveFact(tx: Tx, fact: OrderFact, isNew: boolean): Promise<void> {
  const data = {
    lastSeq: fact.lastSeq,
    month: fact.month,
    unitId: fact.unitId,
    categoryCode: fact.categoryCode,
    received: fact.received,
    excluded: fact.excluded,
    responded: fact.responded,
    respondedOnTime: fact.respondedOnTime,
    responseLate: fact.responseLate,
    responseDueAt: fact.responseDueAt,
    resolved: fact.resolved,
    rating: fact.rating,
    responseUnitId: fact.responseUnitId,
    responseFixed: fact.responseFixed,
    resolutionUnitId: fact.resolutionUnitId,
    resolutionFixed: fact.resolutionFixed,
    satisfactionUnitId: fact.satisfactionUnitId,
  };
  // A concurrent first insert (two owners during a rebalance) fails on the key and is retried.
  if (isNew) await tx.kpiOrderFact.create({ data: { orderId: fact.orderId, ...data } });
  else await tx.kpiOrderFact.update({ where: { orderId: fact.orderId }, data });
}

/**
 * Rebuilds the rollup from the facts: the repair path (after a change of formula, or to check
 * the incremental sums) and how the benchmark fills it. One statement, so readers never see a
 * half-built rollup.
 */
export async function rebuildRollup(prisma: PrismaClient): Promise<void> {
  // One statement over every fact: 90 s at 10 M orders on 2 cores, far past Prisma's 5 s default
  // for a transaction (it failed P2028 there). Readers see the old rollup until it commits.
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`DELETE FROM "KpiRollup"`);
      await tx.$executeRawUnsafe(REBUILD_SQL);
    },
    { maxWait: 60_000, timeout: 30 * 60_000 },
  );
}

/** The same attribution as `contributionsOf`: each stage's counters in its unit's cell. */
export const REBUILD_SQL = `
  INSERT INTO "KpiRollup" (month, "unitId", "categoryCode", placed, received, "responseReceived", "respondedOnTime", resolved, satisfied, "basicallySatisfied", dissatisfied)
  SELECT month, unit, "categoryCode", sum(placed), sum(received), sum("responseReceived"), sum("respondedOnTime"), sum(resolved),
         sum(satisfied), sum("basicallySatisfied"), sum(dissatisfied)
  FROM (
    SELECT f.month, s.unit, f."categoryCode", s.placed, s.received, s."responseReceived", s."respondedOnTime", s.resolved,
           s.satisfied, s."basicallySatisfied", s.dissatisfied
    FROM "KpiOrderFact" f,
    LATERAL (VALUES
      (f."unitId", 1, 0, 0, 0, 0, 0, 0, 0),
      (f."responseUnitId", 0, 0, (f.received AND NOT f.excluded)::int, (f.received AND NOT f.excluded AND f."respondedOnTime")::int, 0, 0, 0, 0),
      (f."resolutionUnitId", 0, (f.received AND NOT f.excluded)::int, 0, 0, (f.received AND NOT f.excluded AND f.resolved AND NOT f."resolutionFixed")::int, 0, 0, 0),
      (f."satisfactionUnitId", 0, 0, 0, 0, 0, coalesce((f.rating = 'satisfied')::int, 0), coalesce((f.rating = 'basically_satisfied')::int, 0), coalesce((f.rating = 'dissatisfied')::int, 0))
    ) AS s(unit, placed, received, "responseReceived", "respondedOnTime", resolved, satisfied, "basicallySatisfied", dissatisfied)
  ) parts
  GROUP BY month, unit, "categoryCode"
  HAVING sum(placed) + sum(received) + sum("responseReceived") + sum(satisfied) + sum("basicallySatisfied") + sum(dissatisfied) > 0`;

export function startKpiConsumer(options: ProjectionOptions): Promise<ConsumerRunner> {
  return runProjection({ ...options, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3 }, lifecycleEventSchema, 'kpi event', (event) =>
    recordKpiEvent(options.prisma, event),
  );
}
