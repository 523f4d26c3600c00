// GET /v1/board (JSON) and GET /board (the page). Public: everything shown is scrubbed.
import { Router, type ErrorRequestHandler, type Request } from 'express';
import { z } from 'zod';
import { HttpError, validate, type PrismaClient } from '@diandan/platform';
import { kpiReport } from '../kpis/report';
import { monthOf } from '../kpis/facts';
import { boardPage, type BoardFilter } from './boardQuery';
import { renderBoard, renderBoardError, type BoardOptions } from './page';
import { boardProject, boardProjects, boardProjectsQuerySchema } from './projectsQuery';
import { renderProject, renderProjects } from './projectsPage';
import { boardCycle, boardCycles } from './cycleQuery';
import { renderCycle, renderCycles } from './cyclePage';

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
const wantsHtml = (req: Request): boolean => req.originalUrl.startsWith('/board') || req.accepts(['json', 'html']) === 'html';

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
  // 项目公示: projects of both origins (monthly bundles, the year's service list).
  router.get('/v1/board/projects', async (req, res) => {
    res.json(await boardProjects(prisma, validate(boardProjectsQuerySchema, req.query, 'query')));
  });
  router.get('/v1/board/projects/:projectId', async (req, res) => {
    const project = await boardProject(prisma, String(req.params.projectId));
    if (!project) throw new HttpError(404, 'not_found', `no project ${String(req.params.projectId)}`);
    res.json(project);
  });
  router.get('/board/projects', async (req, res) => {
    const query = validate(boardProjectsQuerySchema, req.query, 'query');
    res.setHeader('Content-Security-Policy', PAGE_POLICY);
    res.type('html').send(renderProjects(await boardProjects(prisma, query), query));
  });
  router.get('/board/projects/:projectId', async (req, res) => {
    const project = await boardProject(prisma, String(req.params.projectId));
    if (!project) throw new HttpError(404, 'not_found', `no project ${String(req.params.projectId)}`);
    res.setHeader('Content-Security-Policy', PAGE_POLICY);
    res.type('html').send(renderProject(project));
  });
  // 年度公示: the annual cycle's whole year (phases, service list, declined proposals with reasons).
  router.get('/v1/board/cycles', async (_req, res) => {
    res.json({ cycles: await boardCycles(prisma) });
  });
  router.get('/v1/board/cycles/:cycleId', async (req, res) => {
    const cycle = await boardCycle(prisma, String(req.params.cycleId));
    if (!cycle) throw new HttpError(404, 'not_found', `no public cycle ${String(req.params.cycleId)}`);
    res.json(cycle);
  });
  router.get('/board/cycles', async (_req, res) => {
    res.setHeader('Content-Security-Policy', PAGE_POLICY);
    res.type('html').send(renderCycles(await boardCycles(prisma)));
  });
  router.get('/board/cycles/:cycleId', async (req, res) => {
    const cycle = await boardCycle(prisma, String(req.params.cycleId));
    if (!cycle) throw new HttpError(404, 'not_found', `no public cycle ${String(req.params.cycleId)}`);
    res.setHeader('Content-Security-Policy', PAGE_POLICY);
    res.type('html').send(renderCycle(cycle));
  });
  router.use(['/board', '/v1/board'], boardErrorPages);
  return router;
}
