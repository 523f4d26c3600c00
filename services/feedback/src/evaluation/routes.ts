// The year-end evaluation's staff API (/v1/evaluation): an evaluator, bound to one cycle, reads
// that cycle's data set and report and writes its score sheets while the evaluation phase is open;
// an administrator configures the criteria and binds evaluators; a supervisor reads. Every request
// is in the audit log (reads of the data set included). Public report pages: ./publicRoutes.ts.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { chinaIso, chinaIsoOrNull, type EvaluationTarget } from '@diandan/domain';
import { ActiveStaff, allowRoles, AuditLog, auditStaffRequests, HttpError, requireStaff, staffOf, validate, type KeyRing, type Logger, type PrismaClient } from '@diandan/platform';
import { ORDER_COLUMNS, exportedOrders, RATE_COLUMNS, rateRows, writeCsv, writeXlsx, type Column } from '../evaluator/exports';
import { kpiReport, type RateSettings } from '../kpis/report';
import { criteriaBody, criteriaOf, replaceCriteria } from './criteria';
import { EVALUATION_PHASE, isPublished, lockOpenCycle, type CycleView } from './cycles';
import { CALLBACK_COLUMNS, DATASET_PARTS, datasetCallbacks, datasetProjects, PROJECT_COLUMNS, yearRange } from './dataset';
import { annualReport } from './report/annualReport';
import { reportPdf } from './report/reportPdf';
import { writeReportXlsx } from './report/reportXlsx';
import { boundCycleId, readableCycle } from './scope';
import { revisionsOf, saveSheet, sheetBody, sheetView, targetParam } from './sheets';

export const cycleIdParam = z.string().min(1).max(200);
export const FILE_FORMATS = z.enum(['csv', 'xlsx']);
export const REPORT_FORMATS = z.enum(['json', 'xlsx', 'pdf']);
export const datasetPartParam = z.enum(DATASET_PARTS);
export const ordersPageQuery = z.object({ after: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) });

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function download(res: Response, format: 'csv' | 'xlsx' | 'pdf', name: string): void {
  res.setHeader('Content-Type', { csv: 'text/csv; charset=utf-8', xlsx: XLSX_TYPE, pdf: 'application/pdf' }[format]);
  // ASCII name for old clients, the UTF-8 one (RFC 6266) for everyone else.
  res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}.${format}"; filename*=UTF-8''${encodeURIComponent(`${name}.${format}`)}`);
  res.setHeader('Cache-Control', 'no-store');
}

export const cycleSummary = (cycle: CycleView) => ({
  id: cycle.id,
  organisation: cycle.organisation,
  year: cycle.year,
  phase: cycle.phase,
  evaluationPhase: EVALUATION_PHASE,
  scoringOpen: cycle.phase === EVALUATION_PHASE,
  published: isPublished(cycle.phase),
});

export function evaluationRoutes(prisma: PrismaClient, staffKeys: KeyRing, settings: RateSettings, logger: Logger): Router {
  const router = Router();
  router.use(
    '/v1/evaluation',
    requireStaff({ keys: staffKeys, activeStaff: new ActiveStaff(prisma) }),
    allowRoles('evaluator', 'supervisor', 'admin'),
    auditStaffRequests(new AuditLog(prisma, logger), { auditedReads: [/^\/v1\/evaluation\//] }),
  );
  const cycleFor = (res: Response, cycleId: unknown) => readableCycle(prisma, staffOf(res), validate(cycleIdParam, cycleId, 'cycleId'));

  /** The cycles this account reaches: an evaluator's one, or every cycle for supervisors and administrators. */
  router.get('/v1/evaluation/cycles', async (_req, res) => {
    const staff = staffOf(res);
    const only = staff.role === 'evaluator' ? await boundCycleId(prisma, staff) : undefined;
    const rows = only
      ? await prisma.$queryRaw<CycleView[]>`SELECT id, year, phase, "organisationId" AS organisation FROM "Cycle" WHERE id = ${only}`
      : await prisma.$queryRaw<CycleView[]>`SELECT id, year, phase, "organisationId" AS organisation FROM "Cycle" ORDER BY year DESC, id LIMIT 500`;
    res.json({ cycles: rows.map(cycleSummary) });
  });

  /** The scoring form: the cycle, its criteria, what can be scored and every sheet so far. */
  router.get('/v1/evaluation/cycles/:cycleId', async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const [criteria, sheets, projects, units] = await Promise.all([
      criteriaOf(prisma, cycle.id),
      prisma.evaluationSheet.findMany({ where: { cycleId: cycle.id }, orderBy: [{ target: 'asc' }, { targetId: 'asc' }] }),
      prisma.project.findMany({ where: { cycleId: cycle.id }, select: { id: true, title: true, ownerUnitId: true }, orderBy: { createdAt: 'asc' } }),
      prisma.unit.findMany({ where: { active: true, kind: { not: 'district_federation' } }, select: { id: true, name: true, level: true }, orderBy: { id: 'asc' } }),
    ]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    res.json({
      cycle: cycleSummary(cycle),
      criteria,
      targets: {
        units: units.map((u) => ({ id: u.id, name: u.name, level: u.level })),
        projects: projects.map((p) => ({ id: p.id, name: p.title, ownerUnitName: unitName.get(p.ownerUnitId) ?? p.ownerUnitId })),
      },
      sheets: sheets.map((s) => sheetView(s, criteria)),
    });
  });

  router.put('/v1/evaluation/cycles/:cycleId/criteria', allowRoles('admin'), async (req, res) => {
    const cycleId = validate(cycleIdParam, req.params.cycleId, 'cycleId');
    const body = validate(criteriaBody, req.body);
    await prisma.$transaction(async (tx) => {
      await lockOpenCycle(tx, cycleId, 'criteria');
      await replaceCriteria(tx as PrismaClient, cycleId, body);
    });
    res.json({ criteria: await criteriaOf(prisma, cycleId) });
  });

  router.put('/v1/evaluation/cycles/:cycleId/sheets/:target/:targetId', allowRoles('evaluator'), async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const target = validate(targetParam, req.params.target, 'target') as EvaluationTarget;
    const targetId = validate(z.string().min(1).max(200), req.params.targetId, 'targetId');
    res.json(await saveSheet(prisma, staffOf(res), cycle.id, target, targetId, validate(sheetBody, req.body)));
  });

  router.get('/v1/evaluation/cycles/:cycleId/sheets/:target/:targetId/revisions', async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const target = validate(targetParam, req.params.target, 'target') as EvaluationTarget;
    res.json({ revisions: await revisionsOf(prisma, cycle.id, target, String(req.params.targetId)) });
  });

  router.get('/v1/evaluation/cycles/:cycleId/evaluators', allowRoles('admin', 'supervisor'), async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const rows = await prisma.evaluatorAssignment.findMany({ where: { cycleId: cycle.id }, orderBy: { assignedAt: 'asc' } });
    const users = await prisma.user.findMany({ where: { id: { in: rows.map((r) => r.userId) } }, select: { id: true, username: true, displayName: true } });
    const byId = new Map(users.map((u) => [u.id, u]));
    res.json({ evaluators: rows.map((r) => ({ userId: r.userId, username: byId.get(r.userId)?.username ?? '', displayName: byId.get(r.userId)?.displayName ?? '', assignedAt: chinaIso(r.assignedAt) })) });
  });

  /** Binds an evaluator account to this cycle (an account has one cycle: binding moves it). */
  router.put('/v1/evaluation/cycles/:cycleId/evaluators/:userId', allowRoles('admin'), async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const userId = validate(z.uuid(), req.params.userId, 'userId');
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { role: true } });
    if (!user) throw new HttpError(404, 'not_found', `no user ${userId}`);
    if (user.role !== 'evaluator') throw new HttpError(409, 'not_an_evaluator', `user ${userId} is a ${user.role}: only evaluator accounts are bound to a cycle`);
    const row = await prisma.evaluatorAssignment.upsert({
      where: { userId },
      create: { userId, cycleId: cycle.id, assignedBy: staffOf(res).userId },
      update: { cycleId: cycle.id, assignedBy: staffOf(res).userId, assignedAt: new Date() },
    });
    res.json({ userId: row.userId, cycleId: row.cycleId, assignedAt: chinaIso(row.assignedAt) });
  });

  router.delete('/v1/evaluation/cycles/:cycleId/evaluators/:userId', allowRoles('admin'), async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const userId = validate(z.uuid(), req.params.userId, 'userId');
    await prisma.evaluatorAssignment.deleteMany({ where: { userId, cycleId: cycle.id } });
    res.status(204).end();
  });

  /** The data set at a glance (JSON): projects, the rates per unit, callbacks, and how many orders. */
  router.get('/v1/evaluation/cycles/:cycleId/dataset', async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const months = yearRange(cycle.year);
    const range = { gte: new Date(Date.parse(`${cycle.year}-01-01T00:00:00+08:00`)), lt: new Date(Date.parse(`${cycle.year + 1}-01-01T00:00:00+08:00`)) };
    const [projects, kpis, callbacks, orders] = await Promise.all([
      datasetProjects(prisma, cycle, 'json'),
      kpiReport(prisma, { by: 'unit', ...months }, settings),
      datasetCallbacks(prisma, cycle, 'json'),
      prisma.order.count({ where: { placedAt: range } }),
    ]);
    res.json({ cycle: cycleSummary(cycle), months, projects, kpis, callbacks, orders: { count: orders } });
  });

  /** The year's orders, anonymised, a page at a time in id order (`after` = the last id of the previous page). */
  router.get('/v1/evaluation/cycles/:cycleId/dataset/orders', async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const q = validate(ordersPageQuery, req.query, 'query');
    const { from, to } = yearRange(cycle.year);
    const orders = [];
    for await (const o of exportedOrders(prisma, from, to, q.limit, { after: q.after, limit: q.limit, time: chinaIsoOrNull })) orders.push(o);
    res.json({ orders, next: orders.length === q.limit ? orders[orders.length - 1]!.orderId : null });
  });

  router.get('/v1/evaluation/cycles/:cycleId/dataset/:part.:format', async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const part = validate(datasetPartParam, req.params.part, 'part');
    const format = validate(FILE_FORMATS, req.params.format, 'format');
    const { from, to } = yearRange(cycle.year);
    const write = async <T>(sheet: string, columns: Column<T>[], rows: AsyncIterable<T> | Iterable<T>) => {
      download(res, format, `${cycle.id}-${part}`);
      if (format === 'csv') await writeCsv(res, columns, rows);
      else await writeXlsx(res, sheet, columns, rows);
      res.end();
    };
    if (part === 'orders') await write('订单', ORDER_COLUMNS, exportedOrders(prisma, from, to));
    else if (part === 'projects') await write('项目', PROJECT_COLUMNS, await datasetProjects(prisma, cycle, 'file'));
    else if (part === 'kpis') await write('三率', RATE_COLUMNS, rateRows(await kpiReport(prisma, { by: 'unit', from, to }, settings)));
    else await write('回访', CALLBACK_COLUMNS, await datasetCallbacks(prisma, cycle, 'file'));
  });

  /** The annual report at any phase (a draft until the evaluation closes); the public one is on the board. */
  router.get('/v1/evaluation/cycles/:cycleId/report.:format', async (req, res) => {
    const cycle = await cycleFor(res, req.params.cycleId);
    const format = validate(REPORT_FORMATS, req.params.format, 'format');
    await sendReport(res, await annualReport(prisma, cycle, settings), format);
  });
  return router;
}

export async function sendReport(res: Response, report: Awaited<ReturnType<typeof annualReport>>, format: 'json' | 'xlsx' | 'pdf'): Promise<void> {
  if (format === 'json') {
    res.json(report);
    return;
  }
  const name = `annual-report-${report.cycle.id}`;
  if (format === 'pdf') {
    const pdf = await reportPdf(report);
    download(res, 'pdf', name);
    res.send(pdf);
    return;
  }
  download(res, 'xlsx', name);
  await writeReportXlsx(res, report);
  res.end();
}
