// The annual cycle (年度周期) in the staff API: cycles are read from the read model (Cycle,
// CycleEvent); an administrator starts one (idempotent: the workflow id is the cycle id) and moves
// a date with a reason through the workflow's update, which decides (packages/domain
// moveCycleDate). The joint meeting's decisions on proposals go through the same workflow (see
// ./proposals). Dates may be given as a day ("YYYY-MM-DD": the start of office hours on the first
// working day from it) or an instant.
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import {
  CYCLE_BOUNDARIES,
  CYCLE_PHASE_NAMES_ZH,
  createWorkingCalendar,
  cycleDatesProblem,
  cycleIdFor,
  firstWorkingStartOnOrAfter,
  type CycleBoundary,
  type CycleDates,
  REJECTION_HTTP_STATUS,
  type CycleState,
  type RejectionCode,
  type WorkingCalendar,
} from '@diandan/domain';
import { HttpError, isTransient, validate, type Logger, type PrismaClient } from '@diandan/platform';
import { CYCLE_WORKFLOW, moveCycleDateUpdate, type CycleInput, type CycleView } from '@diandan/workflows';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/staff';
import { allow, staffOf } from './authenticate';
import type { ApiDeps } from './deps';

const CYCLE_READERS = ['admin', 'supervisor', 'dispatcher', 'evaluator', 'district_officer', 'street_officer', 'operator', 'unit_handler'] as const;
/** Organisations that run a year: the federation and the mass organisations under it. */
const ORGANISATION_KINDS = ['district_federation', 'mass_org'] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const cycleStartSchema = z.object({
  organisationId: z.string().min(1).max(100),
  year: z.number().int().min(2000).max(2100),
  /** Each phase's start and the close (ISO instants, in phase order); absent: the year's defaults on the working calendar. */
  dates: z.object(Object.fromEntries(CYCLE_BOUNDARIES.map((b) => [b, z.iso.datetime({ offset: true })])) as Record<CycleBoundary, z.ZodISODateTime>).optional(),
});
export const cycleMoveDateSchema = z
  .object({
    boundary: z.enum(CYCLE_BOUNDARIES),
    /** A day: the phase begins at the start of office hours on the first working day from it. */
    date: day.optional(),
    /** Or an exact instant (ISO, with offset). */
    at: z.iso.datetime({ offset: true }).optional(),
    reason: z.string().trim().min(1).max(500),
  })
  .refine((body) => (body.date === undefined) !== (body.at === undefined), { message: 'give either date or at', path: ['date'] });
export const cycleListSchema = z.object({
  organisationId: z.string().min(1).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

/** Maps what the cycle workflow (and Temporal) answered to HTTP. */
export function cycleHttpError(error: unknown, cycleId: string): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const status = REJECTION_HTTP_STATUS[error.cause.type as RejectionCode];
    if (status) return new HttpError(status, error.cause.type!, error.cause.message);
  }
  if (error instanceof WorkflowNotFoundError || (error as { code?: number }).code === 9) {
    return new HttpError(409, 'illegal_transition', `cycle ${cycleId} is closed or not running; it takes no more changes`);
  }
  if (isTransient(error)) return new HttpError(503, 'unavailable', 'the cycle service did not answer in time; try again', undefined, { 'Retry-After': '2' });
  return error;
}

/**
 * Starts an organisation's cycle of a year, or finds it started: the workflow id is the cycle id,
 * and a closed cycle is never started again (REJECT_DUPLICATE).
 */
export async function ensureCycle(temporal: Client, taskQueue: string, input: CycleInput): Promise<{ cycleId: string; started: boolean }> {
  const cycleId = cycleIdFor(input.organisationId, input.year);
  try {
    await temporal.workflow.start(CYCLE_WORKFLOW, { taskQueue, workflowId: cycleId, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    return { cycleId, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { cycleId, started: false };
    throw error;
  }
}

/** At start-up: this year's cycle of every organisation (the federation, the mass organisations), if not running yet. */
export async function ensureCurrentCycles(deps: { prisma: PrismaClient; temporal: Client; taskQueue: string; logger: Logger }, now = new Date()): Promise<string[]> {
  const year = Number(createWorkingCalendar().localDate(now).slice(0, 4));
  const organisations = await deps.prisma.unit.findMany({ where: { kind: { in: [...ORGANISATION_KINDS] }, active: true }, select: { id: true } });
  const started: string[] = [];
  for (const { id } of organisations) {
    const result = await ensureCycle(deps.temporal, deps.taskQueue, { organisationId: id, year, startedBy: { role: 'system', id: 'dispatch-startup' } });
    if (result.started) started.push(result.cycleId);
  }
  if (started.length > 0) deps.logger.info({ cycles: started }, 'annual cycles started');
  return started;
}

/** A read-model row as the API shows it: the dates by phase, and the phase's Chinese name. */
export function cycleAnswer(row: {
  id: string; organisationId: string; year: number; phase: string; evaluationClosedAt: Date | null;
  solicitationStartsAt: Date; selectionStartsAt: Date; publicationStartsAt: Date; implementationStartsAt: Date;
  midyearReviewStartsAt: Date; evaluationStartsAt: Date; reportStartsAt: Date; closesAt: Date; openedAt: Date;
}) {
  return {
    id: row.id,
    organisationId: row.organisationId,
    year: row.year,
    phase: row.phase,
    phaseName: CYCLE_PHASE_NAMES_ZH[row.phase as CycleState] ?? row.phase,
    evaluationOpen: row.phase === 'evaluation',
    evaluationClosedAt: row.evaluationClosedAt,
    dates: {
      solicitation: row.solicitationStartsAt,
      selection: row.selectionStartsAt,
      publication: row.publicationStartsAt,
      implementation: row.implementationStartsAt,
      midyear_review: row.midyearReviewStartsAt,
      evaluation: row.evaluationStartsAt,
      report: row.reportStartsAt,
      closed: row.closesAt,
    },
    openedAt: row.openedAt,
  };
}

export function cycleRoutes(deps: ApiDeps): Router {
  const { prisma } = deps;
  const taskQueue = deps.taskQueue ?? 'service-orders';
  const calendar: WorkingCalendar = deps.calendar ?? createWorkingCalendar();
  const router = Router();

  router.get('/v1/cycles', allow(...CYCLE_READERS), async (req, res) => {
    const query = validate(cycleListSchema, req.query, 'query');
    const rows = await prisma.cycle.findMany({
      where: { ...(query.organisationId ? { organisationId: query.organisationId } : {}), ...(query.year ? { year: query.year } : {}) },
      orderBy: [{ year: 'desc' }, { organisationId: 'asc' }],
      take: 200,
    });
    res.json({ cycles: rows.map(cycleAnswer) });
  });

  router.get('/v1/cycles/:cycleId', allow(...CYCLE_READERS), async (req, res) => {
    const cycleId = String(req.params.cycleId);
    const row = await prisma.cycle.findUnique({ where: { id: cycleId } });
    if (!row) throw new HttpError(404, 'not_found', `no cycle ${cycleId}`);
    const events = await prisma.cycleEvent.findMany({ where: { cycleId }, orderBy: { seq: 'asc' } });
    res.json({ ...cycleAnswer(row), timeline: events });
  });

  router.post('/v1/cycles', allow('admin'), async (req, res) => {
    const body = validate(cycleStartSchema, req.body);
    const organisation = await prisma.unit.findUnique({ where: { id: body.organisationId }, select: { kind: true } });
    if (!organisation) throw new HttpError(404, 'not_found', `no unit ${body.organisationId}`);
    if (!(ORGANISATION_KINDS as readonly string[]).includes(organisation.kind)) {
      throw new HttpError(400, 'invalid_request', `organisationId: ${body.organisationId} is a ${organisation.kind}; a cycle belongs to the federation or a mass organisation`);
    }
    if (body.dates) {
      const problem = cycleDatesProblem(body.dates);
      if (problem) throw new HttpError(400, 'invalid_request', `dates: ${problem}`);
    }
    const dates = body.dates ? (Object.fromEntries(Object.entries(body.dates).map(([b, at]) => [b, new Date(at).toISOString()])) as CycleDates) : undefined;
    const result = await ensureCycle(deps.temporal, taskQueue, { organisationId: body.organisationId, year: body.year, startedBy: actorOf(staffOf(res)), ...(dates ? { dates } : {}) });
    res.status(result.started ? 201 : 200).json({ cycleId: result.cycleId, repeated: !result.started });
  });

  router.post('/v1/cycles/:cycleId/dates', allow('admin'), async (req, res) => {
    const cycleId = String(req.params.cycleId);
    const body = validate(cycleMoveDateSchema, req.body);
    if (!(await prisma.cycle.findUnique({ where: { id: cycleId }, select: { id: true } }))) throw new HttpError(404, 'not_found', `no cycle ${cycleId}`);
    const to = body.date ? firstWorkingStartOnOrAfter(body.date, calendar).toISOString() : new Date(body.at!).toISOString();
    let view: CycleView;
    try {
      view = await deps.temporal.workflow.getHandle(cycleId).executeUpdate(moveCycleDateUpdate, { args: [{ boundary: body.boundary, to, reason: body.reason, actor: actorOf(staffOf(res)) }] });
    } catch (error) {
      throw cycleHttpError(error, cycleId);
    }
    res.json({ cycleId, state: view.state, dates: view.dates, next: view.next });
  });

  return router;
}
