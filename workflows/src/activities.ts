// Activities of the serviceOrder workflow: plain async functions with their dependencies
// injected. Each is safe to retry: reading reference data and computing a deadline have no side
// effects, and published events carry stable ids that every consumer de-duplicates.
import {
  unscheduledYears,
  DEFAULT_DEADLINE_POLICY,
  categoryDeadlinesSchema,
  stageDeadline,
  type CategoryRouting,
  type DeadlinePolicy,
  type LifecycleEvent,
  type Level,
  type Priority,
  type Stage,
  type Unit,
  type WorkingCalendar,
  type Actor,
  type Command,
} from '@diandan/domain';
import { BatchingPublisher, cachedCalendarInForce, createLogger, publish, type PrismaClient } from '@diandan/platform';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Producer } from 'kafkajs';
import { workflowIdFor } from '@diandan/domain';
import { actUpdate, type LinkDuplicateRequest } from './contract';
import { isFinishedWorkflowError, refusalOfFinishedOrder } from './lateActions';

const SYSTEM: Actor = { role: 'system' };

export interface ActivityDeps {
  prisma: PrismaClient;
  producer: Producer;
  lifecycleTopic: string;
  /**
   * How publishEvents reaches Kafka: `batched` (default) coalesces the events of every workflow
   * this worker runs into shared produce requests (BatchingPublisher); `direct` sends one request
   * per call, as before (kept for the benchmark's before/after).
   */
  publishing?: 'batched' | 'direct';
  /** A fixed calendar (tests); by default the holiday schedules in force in PostgreSQL (HolidaySchedule). */
  calendar?: WorkingCalendar;
  /** Reference data is re-read at most this often (ms); units and categories change rarely. */
  cacheTtlMs?: number;
  now?: () => number;
}

export interface DecisionContextData {
  units: Unit[];
  routing: Record<string, CategoryRouting>;
  /** Changes whenever an administrator changes a unit or a category (their newest updatedAt). */
  version: string;
}

export interface DeadlineRequest {
  categoryCode?: string;
  priority: Priority;
  level: Level | null;
  stage: Stage;
  from: string;
}

export interface DeadlineAnswer {
  dueAt: string;
  warnAt: string;
  referenceVersion: string;
  /** Which holiday schedules counted it (`<year>.<version>,…`); absent with a fixed calendar. */
  calendarVersion?: string;
  /** Years between the start and the deadline that have no holiday schedule (absent when none). */
  unscheduledYears?: number[];
}

export interface Activities {
  loadDecisionContext(): Promise<DecisionContextData>;
  computeDeadline(request: DeadlineRequest): Promise<DeadlineAnswer>;
  publishEvents(events: LifecycleEvent[]): Promise<void>;
  /**
   * Asks the survivor's workflow to take a duplicate on (its `act` update, as the system): the
   * survivor decides. Answers the survivor's tracking code; its refusal fails without retrying.
   */
  linkDuplicate(request: LinkDuplicateRequest): Promise<{ trackingCode: string }>;
}

const log = createLogger('activities');

interface ReferenceData extends DecisionContextData {
  policy: DeadlinePolicy;
}

export interface DeadlineCalculatorDeps {
  prisma: PrismaClient;
  calendar?: WorkingCalendar;
  cacheTtlMs?: number;
  now?: () => number;
}

/**
 * Reference data and deadlines as the workflow's activities see them, for a process that needs
 * the same answer outside a workflow: the starter computes an order's triage deadline before the
 * start, so that the search attributes are complete at start and the first workflow task needs
 * neither computeDeadline nor an upsert (docs/performance.md).
 */
export function createDeadlineCalculator(deps: DeadlineCalculatorDeps): Pick<Activities, 'loadDecisionContext' | 'computeDeadline'> {
  const ttl = deps.cacheTtlMs ?? 60_000;
  const now = deps.now ?? Date.now;
  let cached: { at: number; data: Promise<ReferenceData> } | undefined;
  // The calendar in force, re-read as often as the reference data: an administrator's new schedule
  // counts from the next deadline computed after it (at most `ttl` later). A fixed calendar (tests)
  // knows every year.
  const fromDatabase = cachedCalendarInForce(deps.prisma, ttl, now);
  const fixed = deps.calendar;
  const calendarInForce = async (): Promise<{ calendar: WorkingCalendar; scheduledYears: ReadonlySet<number> | null; version: string | undefined }> =>
    fixed ? { calendar: fixed, scheduledYears: null, version: undefined } : fromDatabase();

  const referenceData = (): Promise<ReferenceData> => {
    if (!cached || now() - cached.at > ttl) {
      const data = readReferenceData(deps.prisma);
      cached = { at: now(), data };
      data.catch(() => (cached = undefined));
    }
    return cached.data;
  };

  return {
    async loadDecisionContext() {
      const { units, routing, version } = await referenceData();
      return { units, routing, version };
    },
    async computeDeadline(request) {
      const [{ policy, version }, { calendar, scheduledYears, version: calendarVersion }] = await Promise.all([referenceData(), calendarInForce()]);
      const from = new Date(request.from);
      const due = stageDeadline(policy, request.categoryCode, request.priority, request.level, request.stage, from, calendar);
      const missing = scheduledYears ? unscheduledYears(from, due.dueAt, scheduledYears) : [];
      if (missing.length > 0) log.warn({ stage: request.stage, dueAt: due.dueAt.toISOString(), years: missing }, 'deadline reaches into a year without a holiday schedule');
      return {
        dueAt: due.dueAt.toISOString(),
        warnAt: due.warnAt.toISOString(),
        referenceVersion: version,
        ...(calendarVersion === undefined ? {} : { calendarVersion }),
        ...(missing.length > 0 ? { unscheduledYears: missing } : {}),
      };
    },
  };
}

export function createActivities(deps: ActivityDeps): Activities {
  const { loadDecisionContext, computeDeadline } = createDeadlineCalculator(deps);
  // One per worker: every workflow's publishEvents shares its requests.
  const batching = deps.publishing === 'direct' ? undefined : new BatchingPublisher(deps.producer);
  return {
    loadDecisionContext,
    computeDeadline,
    async linkDuplicate(request) {
      const handle = Context.current().client.workflow.getHandle(workflowIdFor(request.survivorOrderId));
      const command: Command = { type: 'linkDuplicate', orderId: request.duplicateOrderId, trackingCode: request.duplicateTrackingCode };
      try {
        const view = await handle.executeUpdate(actUpdate, { args: [{ command, actor: SYSTEM }] });
        return { trackingCode: view.trackingCode };
      } catch (error) {
        // The survivor's own words reach the dispatcher: "cannot take a duplicate on: order is …".
        if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
          throw ApplicationFailure.create({ type: error.cause.type ?? 'illegal_transition', message: `the order to merge into refused: ${error.cause.message}`, nonRetryable: true });
        }
        if (error instanceof WorkflowNotFoundError || isFinishedWorkflowError(error)) {
          // A survivor whose workflow has completed is final: its own words, from its final state.
          const refusal = await refusalOfFinishedOrder({ prisma: deps.prisma, temporal: Context.current().client }, request.survivorOrderId, command, SYSTEM);
          if (refusal) throw ApplicationFailure.create({ type: refusal.code, message: `the order to merge into refused: ${refusal.reason}`, nonRetryable: true });
          throw ApplicationFailure.create({ type: 'not_found', message: `no open order ${request.survivorOrderId} to merge into`, nonRetryable: true });
        }
        throw error;
      }
    },
    async publishEvents(events) {
      const outgoing = events.map((event) => ({ key: event.orderId, value: event, headers: { 'event-id': event.eventId, 'event-type': event.type } }));
      // Resolves only once Kafka acknowledged them: the workflow's outbox keeps them until then.
      if (batching) await batching.publish(deps.lifecycleTopic, outgoing);
      else await publish(deps.producer, deps.lifecycleTopic, outgoing);
    },
  };
}

async function readReferenceData(prisma: PrismaClient): Promise<ReferenceData> {
  const [units, categories, changed] = await Promise.all([
    prisma.unit.findMany({ where: { active: true }, select: { id: true, name: true, kind: true, level: true, parentId: true } }),
    prisma.category.findMany({ where: { active: true }, select: { code: true, responsible: true, deadlines: true } }),
    // Deactivating a unit or category updates its row too, so the newest updatedAt of both tables
    // (and their sizes, for rows added with an old timestamp) versions what the workflows decide on.
    prisma.$queryRaw<{ version: string }[]>`
      SELECT concat((SELECT max("updatedAt") FROM "Unit"), '|', (SELECT count(*) FROM "Unit"), '|',
                    (SELECT max("updatedAt") FROM "Category"), '|', (SELECT count(*) FROM "Category")) AS version`,
  ]);
  const routing: Record<string, CategoryRouting> = {};
  const categoryDeadlines: Record<string, DeadlinePolicy['categories'][string]> = {};
  for (const category of categories) {
    routing[category.code] = (category.responsible ?? {}) as CategoryRouting;
    // A malformed override must not stop every order: that category falls back to the defaults.
    const rules = categoryDeadlinesSchema.safeParse(category.deadlines ?? {});
    if (rules.success) categoryDeadlines[category.code] = rules.data;
    else log.warn({ category: category.code }, 'ignoring malformed deadline overrides');
  }
  const policy: DeadlinePolicy = { ...DEFAULT_DEADLINE_POLICY, categories: categoryDeadlines };
  return { units: units.map((u) => ({ ...u, parentId: u.parentId ?? null })), routing, policy, version: changed[0]?.version ?? '' };
}
