// The evaluator's API (read-only on orders; writes only callback outcomes). Staff token required,
// role evaluator, supervisor or admin.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { chinaIso, RATINGS } from '@diandan/domain';
import { HttpError, staffOf, validate, type KeyRing, type Logger, type PrismaClient } from '@diandan/platform';
import { kpiReport, type RateSettings } from '../kpis/report';
import { kpiQueryOf } from '../kpis/routes';
import { monthOf } from '../kpis/facts';
import { assertMonthsInYear, evaluatorYear } from '../evaluation/scope';
import { evaluatorAuth } from './auth';
import { CALLBACK_OUTCOMES, drawCallbackSample, recordCallback, SAMPLE_POPULATIONS } from './callbacks';
import { exportedOrders, ORDER_COLUMNS, RATE_COLUMNS, rateRows, writeCsv, writeXlsx } from './exports';

const MONTH = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
export const rangeSchema = z
  .object({ from: MONTH, to: MONTH.optional() })
  .transform((q) => ({ from: q.from, to: q.to ?? q.from }))
  .refine((q) => q.to >= q.from, { message: 'to must not be before from', path: ['to'] });
export const FORMATS = z.enum(['csv', 'xlsx']);

export const sampleSchema = z.object({
  month: MONTH,
  size: z.coerce.number().int().min(1).max(1000),
  seed: z.string().trim().min(1).max(64),
  population: z.enum(SAMPLE_POPULATIONS).default('handled'),
});
export const callbackSchema = z.object({
  orderId: z.uuid(),
  sample: z.string().max(200).optional(),
  outcome: z.enum(CALLBACK_OUTCOMES),
  rating: z.enum(RATINGS).optional(),
  resolved: z.boolean().optional(),
  note: z.string().max(2000).optional(),
});

/** An evaluator bound to a cycle reaches the orders placed in its year only (supervisors and administrators: all). */
async function assertOrderInYear(prisma: PrismaClient, year: number | null, orderId: string): Promise<void> {
  if (year === null) return;
  const order = await prisma.order.findUnique({ where: { id: orderId }, select: { placedAt: true } });
  if (order) assertMonthsInYear(year, monthOf(order.placedAt));
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function startDownload(res: Response, format: 'csv' | 'xlsx', name: string): void {
  res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  res.setHeader('Cache-Control', 'no-store');
}

export function evaluatorRoutes(prisma: PrismaClient, staffKeys: KeyRing, settings: RateSettings, logger: Logger): Router {
  const router = Router();
  router.use('/v1/evaluator', ...evaluatorAuth(prisma, staffKeys, logger));

  router.get('/v1/evaluator/orders.:format', async (req, res) => {
    const format = validate(FORMATS, req.params.format, 'format');
    const { from, to } = validate(rangeSchema, req.query, 'query');
    assertMonthsInYear(await evaluatorYear(prisma, staffOf(res)), from, to);
    startDownload(res, format, `orders-${from}-${to}`);
    const rows = exportedOrders(prisma, from, to);
    if (format === 'csv') await writeCsv(res, ORDER_COLUMNS, rows);
    else await writeXlsx(res, '订单', ORDER_COLUMNS, rows);
    res.end();
  });

  router.get('/v1/evaluator/kpis.:format', async (req, res) => {
    const format = validate(FORMATS, req.params.format, 'format');
    const query = kpiQueryOf(req.query);
    assertMonthsInYear(await evaluatorYear(prisma, staffOf(res)), query.from, query.to);
    const report = await kpiReport(prisma, query, settings);
    startDownload(res, format, `kpis-${report.query.by}-${report.query.from}-${report.query.to}`);
    const rows = rateRows(report);
    if (format === 'csv') await writeCsv(res, RATE_COLUMNS, rows);
    else await writeXlsx(res, '三率', RATE_COLUMNS, rows);
    res.end();
  });

  router.post('/v1/evaluator/callbacks/sample', async (req, res) => {
    const request = validate(sampleSchema, req.body);
    assertMonthsInYear(await evaluatorYear(prisma, staffOf(res)), request.month);
    res.json(await drawCallbackSample(prisma, request));
  });

  router.post('/v1/evaluator/callbacks', async (req, res) => {
    const input = validate(callbackSchema, req.body);
    await assertOrderInYear(prisma, await evaluatorYear(prisma, staffOf(res)), input.orderId);
    const record = await recordCallback(prisma, input, staffOf(res).userId);
    res.status(201).json({ ...record, recordedAt: chinaIso(record.recordedAt) });
  });

  router.get('/v1/evaluator/callbacks', async (req, res) => {
    const q = validate(z.object({ sample: z.string().max(200).optional(), orderId: z.uuid().optional() }), req.query, 'query');
    if (!q.sample && !q.orderId) throw new HttpError(400, 'invalid_request', 'give sample or orderId');
    const year = await evaluatorYear(prisma, staffOf(res));
    if (q.sample) assertMonthsInYear(year, q.sample.slice(0, 7));
    if (q.orderId) await assertOrderInYear(prisma, year, q.orderId);
    const records = await prisma.callbackRecord.findMany({
      where: { ...(q.sample ? { sample: q.sample } : {}), ...(q.orderId ? { orderId: q.orderId } : {}) },
      orderBy: { recordedAt: 'asc' },
      take: 5000,
    });
    res.json({ records: records.map((r) => ({ ...r, recordedAt: chinaIso(r.recordedAt) })) });
  });
  return router;
}
