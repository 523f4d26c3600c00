// GET /v1/kpis: the three rates per unit, category, street or month, ranked. Aggregates only
// (no order, no person), so it is public like the board.
import { Router } from 'express';
import { z } from 'zod';
import { validate, type PrismaClient } from '@diandan/platform';
import { DIMENSIONS, kpiReport, RANK_BY, type KpiQuery, type RateSettings } from './report';

const MONTH = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
export const kpiQuerySchema = z
  .object({
    by: z.enum(DIMENSIONS).default('unit'),
    from: MONTH,
    to: MONTH.optional(),
    unit: z.string().min(1).max(100).optional(),
    category: z.string().min(1).max(100).optional(),
    street: z.string().max(100).optional(),
    rankBy: z.enum(RANK_BY).default('composite'),
    minReceived: z.coerce.number().int().min(0).default(1),
  })
  .refine((q) => q.to === undefined || q.to >= q.from, { message: 'to must not be before from', path: ['to'] });

export function kpiQueryOf(query: unknown): KpiQuery {
  const q = validate(kpiQuerySchema, query, 'query');
  return {
    by: q.by,
    from: q.from,
    to: q.to ?? q.from,
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
