// 回访: a reproducible sample of handled orders to call back, and the outcomes evaluators record.
import { HttpError, type PrismaClient } from '@diandan/platform';
import { monthStart, nextMonth } from '../kpis/facts';
import { chinaIsoOrNull } from '@diandan/domain';
import { scrub } from '../scrub';
import { drawSample } from './sample';

export const SAMPLE_POPULATIONS = ['handled', 'unrated'] as const;
export type SamplePopulation = (typeof SAMPLE_POPULATIONS)[number];

export interface SampleRequest {
  /** Month of placement, `YYYY-MM`. */
  month: string;
  size: number;
  seed: string;
  /** handled: every order with a result that is closed or awaiting its rating; unrated: closed without a rating. */
  population: SamplePopulation;
}

export interface SampledOrder {
  orderId: string;
  categoryCode: string | null;
  unitId: string | null;
  status: string;
  rating: string | null;
  resolvedAt: string | null;
  content: string;
}

export interface CallbackSample {
  /** Names the sample in recorded outcomes: `<month>/<population>/<seed>`. */
  sample: string;
  populationSize: number;
  orders: SampledOrder[];
}

export async function drawCallbackSample(prisma: PrismaClient, request: SampleRequest): Promise<CallbackSample> {
  const where = {
    placedAt: { gte: monthStart(request.month), lt: monthStart(nextMonth(request.month)) },
    resolvedAt: { not: null },
    ...(request.population === 'unrated' ? { status: 'closed', rating: null } : { status: { in: ['awaiting_rating', 'closed'] } }),
  };
  // Ids in a stable order are the population; the draw is then a function of (population, seed).
  const population = await prisma.order.findMany({ where, select: { id: true }, orderBy: { id: 'asc' } });
  const chosen = drawSample(
    population.map((o) => o.id),
    request.size,
    `${request.month}/${request.population}/${request.seed}`,
  );
  const rows = await prisma.order.findMany({
    where: { id: { in: chosen } },
    select: { id: true, categoryCode: true, unitId: true, status: true, rating: true, resolvedAt: true, content: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    sample: `${request.month}/${request.population}/${request.seed}`,
    populationSize: population.length,
    orders: chosen.flatMap((id) => {
      const r = byId.get(id);
      return r
        ? [{ orderId: r.id, categoryCode: r.categoryCode, unitId: r.unitId, status: r.status, rating: r.rating, resolvedAt: chinaIsoOrNull(r.resolvedAt), content: scrub(r.content) }]
        : [];
    }),
  };
}

export const CALLBACK_OUTCOMES = ['reached', 'unreachable', 'refused'] as const;

export interface CallbackInput {
  orderId: string;
  sample?: string;
  outcome: (typeof CALLBACK_OUTCOMES)[number];
  rating?: string;
  resolved?: boolean;
  note?: string;
}

export async function recordCallback(prisma: PrismaClient, input: CallbackInput, evaluatorId: string) {
  const order = await prisma.order.findUnique({ where: { id: input.orderId }, select: { id: true } });
  if (!order) throw new HttpError(404, 'not_found', `no order ${input.orderId}`);
  if (input.outcome !== 'reached' && (input.rating !== undefined || input.resolved !== undefined)) {
    throw new HttpError(400, 'invalid_request', 'a rating or resolved answer needs outcome reached');
  }
  // The note is the evaluator's free text about a person: scrubbed before it is stored.
  return prisma.callbackRecord.create({
    data: {
      orderId: input.orderId,
      sample: input.sample ?? null,
      outcome: input.outcome,
      rating: input.rating ?? null,
      resolved: input.resolved ?? null,
      note: scrub(input.note ?? ''),
      evaluatorId,
    },
  });
}
