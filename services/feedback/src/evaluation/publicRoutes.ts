// The annual report in public (回首望 · 年度报告): a page on the board and its XLSX and PDF, and
// the same as JSON — once the cycle's evaluation has closed (its scores are frozen). Before that
// the report does not exist in public: 404, as a page for browsers.
import { Router, type ErrorRequestHandler } from 'express';
import { HttpError, validate, type PrismaClient } from '@diandan/platform';
import type { RateSettings } from '../kpis/report';
import { cycleOf, isPublished } from './cycles';
import { annualReport } from './report/annualReport';
import { renderAnnualReport } from './report/reportPage';
import { cycleIdParam, REPORT_FORMATS, sendReport } from './routes';
import { renderBoardError } from '../board/page';

const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'";

async function publishedReport(prisma: PrismaClient, cycleIdValue: unknown, settings: RateSettings) {
  const cycle = await cycleOf(prisma, validate(cycleIdParam, cycleIdValue, 'cycleId')).catch((e: unknown) => {
    throw e instanceof HttpError && e.status === 404 ? new HttpError(404, 'not_found', 'no published annual report for this cycle') : e;
  });
  if (!isPublished(cycle.phase)) throw new HttpError(404, 'not_found', 'no published annual report for this cycle');
  return annualReport(prisma, cycle, settings);
}

const reportErrorPage: ErrorRequestHandler = (error, _req, res, next) => {
  if (!(error instanceof HttpError) || error.status >= 500) {
    next(error);
    return;
  }
  res.status(error.status).setHeader('Content-Security-Policy', PAGE_POLICY);
  res.type('html').send(renderBoardError(error.status, []));
};

export function publicReportRoutes(prisma: PrismaClient, settings: RateSettings): Router {
  const router = Router();
  router.get('/v1/annual-reports/:cycleId', async (req, res) => {
    res.json(await publishedReport(prisma, req.params.cycleId, settings));
  });
  router.get('/board/annual-report/:cycleId/report.:format', async (req, res) => {
    const format = validate(REPORT_FORMATS, req.params.format, 'format');
    await sendReport(res, await publishedReport(prisma, req.params.cycleId, settings), format);
  });
  router.get('/board/annual-report/:cycleId', async (req, res) => {
    const report = await publishedReport(prisma, req.params.cycleId, settings);
    res.setHeader('Content-Security-Policy', PAGE_POLICY);
    res.type('html').send(renderAnnualReport(report, `/board/annual-report/${encodeURIComponent(report.cycle.id)}/report`));
  });
  router.use('/board/annual-report', reportErrorPage);
  return router;
}
