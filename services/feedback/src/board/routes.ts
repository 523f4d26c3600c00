// GET /v1/board (JSON) and GET /board (the page). Public: everything shown is scrubbed.
import { Router, type ErrorRequestHandler, type Request } from 'express';
import { z } from 'zod';
import { HttpError, validate, type PrismaClient } from '@diandan/platform';
import { kpiReport } from '../kpis/report';
import { monthOf } from '../kpis/facts';
import { boardPage, type BoardFilter } from './boardQuery';
import { renderBoard, renderBoardError, type BoardOptions } from './page';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const id = z.preprocess(blankToUndefined, z.string().max(100).optional());

export const boardQuerySchema = z.object({
  // Deep pages cost an offset scan; the board is for looking back a while, not for export.
  page: z.coerce.number().int().min(1).max(500).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
  category: id,
  unit: id,
  street: id,
  month: z.preprocess(blankToUndefined, z.string().regex(MONTH, 'YYYY-MM').optional()),
});

export function boardFilterOf(query: unknown): BoardFilter {
  const q = validate(boardQuerySchema, query, 'query');
  return {
    page: q.page,
    pageSize: q.pageSize,
    ...(q.category ? { categoryCode: q.category } : {}),
    ...(q.unit ? { unitId: q.unit } : {}),
    ...(q.street ? { streetId: q.street } : {}),
    ...(q.month ? { month: q.month } : {}),
  };
}

async function boardOptions(prisma: PrismaClient): Promise<BoardOptions> {
  const [categories, units] = await Promise.all([
    prisma.category.findMany({ where: { active: true }, select: { code: true, name: true }, orderBy: { code: 'asc' } }),
    prisma.unit.findMany({ where: { active: true }, select: { id: true, name: true, kind: true }, orderBy: [{ level: 'asc' }, { name: 'asc' }] }),
  ]);
  return {
    categories,
    streets: units.filter((u) => u.kind === 'street').map(({ id: unitId, name }) => ({ id: unitId, name })),
    units: units.filter((u) => u.kind !== 'district_federation').map(({ id: unitId, name }) => ({ id: unitId, name })),
  };
}

/** The last twelve months up to now (China time), as a KPI range. */
function lastTwelveMonths(now = new Date()): { from: string; to: string } {
  const to = monthOf(now);
  const [y, m] = to.split('-').map(Number) as [number, number];
  const fromIndex = y * 12 + (m - 1) - 11;
  return { from: `${Math.floor(fromIndex / 12)}-${String((fromIndex % 12) + 1).padStart(2, '0')}`, to };
}

const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'";

/** A browser (or anything asking for HTML first) gets pages; API clients keep the JSON errors. */
const wantsHtml = (req: Request): boolean => req.originalUrl.split('?')[0] === '/board' || req.accepts(['json', 'html']) === 'html';

/** Bad input on the board answers a Chinese page when the client asked for HTML. */
const boardErrorPages: ErrorRequestHandler = (error, req, res, next) => {
  if (!(error instanceof HttpError) || error.status >= 500 || !wantsHtml(req)) {
    next(error);
    return;
  }
  const fields = (error.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? [];
  res.status(error.status).setHeader('Content-Security-Policy', PAGE_POLICY);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.type('html').send(renderBoardError(error.status, fields));
};

export function boardRoutes(prisma: PrismaClient): Router {
  const router = Router();
  router.get('/v1/board', async (req, res) => {
    res.json(await boardPage(prisma, boardFilterOf(req.query)));
  });
  router.get('/board', async (req, res) => {
    const filter = boardFilterOf(req.query);
    const range = filter.month ? { from: filter.month, to: filter.month } : lastTwelveMonths();
    const [page, options, kpis] = await Promise.all([
      boardPage(prisma, filter),
      boardOptions(prisma),
      kpiReport(prisma, { by: 'month', ...range, unitId: filter.unitId, categoryCode: filter.categoryCode, streetId: filter.streetId }),
    ]);
    res.setHeader('Content-Security-Policy', PAGE_POLICY);
    res.type('html').send(renderBoard(page, filter, options, kpis));
  });
  router.use(['/board', '/v1/board'], boardErrorPages);
  return router;
}
