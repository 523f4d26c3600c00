// Activities of the serviceOrder workflow: plain async functions with their dependencies
// injected. Each is safe to retry: reading reference data and computing a deadline have no side
// effects, and published events carry stable ids that every consumer de-duplicates.
import {
  createWorkingCalendar,
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
} from '@diandan/domain';
import { createLogger, publish, type PrismaClient } from '@diandan/platform';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Producer } from 'kafkajs';
import { workflowIdFor } from '@diandan/domain';
import { actUpdate, type LinkDuplicateRequest } from './contract';

export interface ActivityDeps {
  prisma: PrismaClient;
  producer: Producer;
  lifecycleTopic: string;
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

export interface Activities {
  loadDecisionContext(): Promise<DecisionContextData>;
  computeDeadline(request: DeadlineRequest): Promise<{ dueAt: string; warnAt: string; referenceVersion: string }>;
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

export function createActivities(deps: ActivityDeps): Activities {
  const calendar = deps.calendar ?? createWorkingCalendar();
  const ttl = deps.cacheTtlMs ?? 60_000;
  const now = deps.now ?? Date.now;
  let cached: { at: number; data: Promise<ReferenceData> } | undefined;

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
      const { policy, version } = await referenceData();
      const due = stageDeadline(policy, request.categoryCode, request.priority, request.level, request.stage, new Date(request.from), calendar);
      return { dueAt: due.dueAt.toISOString(), warnAt: due.warnAt.toISOString(), referenceVersion: version };
    },
    async linkDuplicate(request) {
      const handle = Context.current().client.workflow.getHandle(workflowIdFor(request.survivorOrderId));
      try {
        const view = await handle.executeUpdate(actUpdate, {
          args: [{ command: { type: 'linkDuplicate', orderId: request.duplicateOrderId, trackingCode: request.duplicateTrackingCode }, actor: { role: 'system' } }],
        });
        return { trackingCode: view.trackingCode };
      } catch (error) {
        // The survivor's own words reach the dispatcher: "cannot take a duplicate on: order is …".
        if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
          throw ApplicationFailure.create({ type: error.cause.type ?? 'illegal_transition', message: `the order to merge into refused: ${error.cause.message}`, nonRetryable: true });
        }
        if (error instanceof WorkflowNotFoundError) {
          throw ApplicationFailure.create({ type: 'not_found', message: `no open order ${request.survivorOrderId} to merge into`, nonRetryable: true });
        }
        throw error;
      }
    },
    async publishEvents(events) {
      await publish(
        deps.producer,
        deps.lifecycleTopic,
        events.map((event) => ({ key: event.orderId, value: event, headers: { 'event-id': event.eventId, 'event-type': event.type } })),
      );
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
