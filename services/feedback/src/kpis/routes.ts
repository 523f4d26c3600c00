// GET /v1/kpis: the three rates per unit, category, street or month, ranked. Aggregates only
// (no order, no person), so it is public like the board.
import { Router } from 'express';
import { z } from 'zod';
import { validate, type PrismaClient } from '@diandan/platform';
import { monthOf } from './facts';
import { DIMENSIONS, kpiReport, RANK_BY, type KpiQuery, type RateSettings } from './report';

const MONTH = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
export const kpiQuerySchema = z
  .object({
    by: z.enum(DIMENSIONS).default('unit'),
    /** Default: the twelve months up to `to` (or up to this month), as the board shows them. */
    from: MONTH.optional(),
    to: MONTH.optional(),
    unit: z.string().min(1).max(100).optional(),
    category: z.string().min(1).max(100).optional(),
    street: z.string().max(100).optional(),
    rankBy: z.enum(RANK_BY).default('composite'),
    minReceived: z.coerce.number().int().min(0).default(1),
  })
  .refine((q) => q.to === undefined || q.from === undefined || q.to >= q.from, { message: 'to must not be before from', path: ['to'] });

/** The month eleven months before `month` (YYYY-MM): a twelve-month window ending with it. */
function elevenMonthsBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - 11;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function kpiQueryOf(query: unknown): KpiQuery {
  const q = validate(kpiQuerySchema, query, 'query');
  const to = q.to ?? (q.from ? undefined : monthOf(new Date()));
  const from = q.from ?? elevenMonthsBefore(to!);
  return {
    by: q.by,
    from,
    to: to ?? from,
    rankBy: q.rankBy,
    minReceived: q.minReceived,
    ...(q.unit ? { unitId: q.unit } : {}),
    ...(q.category ? { categoryCode: q.category } : {}),
    ...(q.street !== undefined ? { streetId: q.street } : {}),
  };
}

export function kpiRoutes(prisma: PrismaClient, settings: RateSettings): Router {
  const router = Router();
  router.get('/v1/kpis', async (req, res) => {
    res.json(await kpiReport(prisma, kpiQueryOf(req.query), settings));
  });
  return router;
}
