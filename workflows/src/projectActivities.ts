// Activities of the project and monthly-bundling workflows. Each is safe to retry: milestone plans
// are pure, published events carry stable ids, an order already bundled into (or resolved by) this
// project answers as if the update had just succeeded, and a bundling run upserts by stable ids.
import { createHash } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import {
  ACTIVE_STATUSES,
  areaOf,
  buildUnitTree,
  lateRefusal,
  createWorkingCalendar,
  monthRange,
  monthToBundle,
  placeNames,
  planMilestones,
  proposeBundles,
  workflowIdFor,
  type Actor,
  type BundlingOptions,
  type Command,
  type Milestone,
  type MilestonePlan,
  type OrderStatus,
  type ProjectEvent,
  type WorkingCalendar,
} from '@diandan/domain';
import { publish, wordsOf, type PrismaClient } from '@diandan/platform';
import type { Producer } from 'kafkajs';
import { actUpdate, stateQuery } from './contract';
import { refusalOfFinishedOrder } from './lateActions';
import type { BundlingSummary } from './projectContract';

export interface ProjectActivityDeps {
  prisma: PrismaClient;
  producer: Producer;
  projectsTopic: string;
  /** Sends the order workflows their `act` update (same namespace and codec as the worker). */
  temporal: Client;
  calendar?: WorkingCalendar;
  bundling?: BundlingOptions;
}

export interface OrderStep {
  orderId: string;
  projectId: string;
  actor: Actor;
}

export interface OrderStepResult {
  orderId: string;
  ok: boolean;
  /** Why the order's workflow refused (its domain's reason). */
  reason?: string;
}

export interface ProjectActivities {
  planMilestones(request: { start: string; plans: MilestonePlan[] }): Promise<Milestone[]>;
  publishProjectEvents(events: ProjectEvent[]): Promise<void>;
  bundleOrder(step: OrderStep & { unitId: string }): Promise<OrderStepResult>;
  resolveBundledOrder(step: OrderStep & { result: string }): Promise<OrderStepResult>;
  bundleMonth(request: { month?: string; trigger: 'schedule' | 'on_demand'; now: string; runId: string }): Promise<BundlingSummary>;
}

/** Statuses a bundling run considers: orders still waiting for or in handling, not yet in a project. */
const BUNDLEABLE: readonly OrderStatus[] = ACTIVE_STATUSES.filter((s) => s !== 'bundled' && s !== 'awaiting_rating');
const WRITE_CHUNK = 5000;

const RESOLVED_BY_PROJECT: readonly OrderStatus[] = ['resolved', 'awaiting_rating', 'closed'];

export function createProjectActivities(deps: ProjectActivityDeps): ProjectActivities {
  const calendar = deps.calendar ?? createWorkingCalendar();

  /**
   * Sends one command to an order's workflow. A refusal is an answer (`ok: false` with the
   * domain's reason) unless `already` finds the order where the command would have put it (a retry).
   */
  const sendToOrder = async (orderId: string, command: Command, actor: Actor, already: (view: { status: OrderStatus; projectId?: string }) => boolean): Promise<OrderStepResult> => {
    const handle = deps.temporal.workflow.getHandle(workflowIdFor(orderId));
    try {
      await handle.executeUpdate(actUpdate, { args: [{ command, actor }] });
      return { orderId, ok: true };
    } catch (error) {
      const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
      const gone = error instanceof WorkflowNotFoundError || (error as { code?: number }).code === 9;
      if (!refused && !gone) throw error;
      const view = await handle.query(stateQuery).catch(() => null);
      if (view && already({ status: view.order.status, ...(view.order.projectId ? { projectId: view.order.projectId } : {}) })) return { orderId, ok: true };
      if (refused) return { orderId, ok: false, reason: (error.cause as ApplicationFailure).message };
      // Completed (final since end-when-final): the domain's reason on its final state, as the workflow would have said.
      const late = view ? lateRefusal(view.order, command, actor) : await refusalOfFinishedOrder({ prisma: deps.prisma, temporal: deps.temporal }, orderId, command, actor);
      return { orderId, ok: false, reason: late?.reason ?? `order ${orderId} is unknown or finished` };
    }
  };

  return {
    async planMilestones({ start, plans }) {
      return planMilestones(new Date(start), plans, calendar);
    },
    async publishProjectEvents(events) {
      await publish(
        deps.producer,
        deps.projectsTopic,
        events.map((event) => ({ key: event.projectId, value: event, headers: { 'event-id': event.eventId, 'event-type': event.type } })),
      );
    },
    async bundleOrder({ orderId, projectId, unitId, actor }) {
      return sendToOrder(orderId, { type: 'bundle', projectId, unitId }, actor, (v) => v.status === 'bundled' && v.projectId === projectId);
    },
    async resolveBundledOrder({ orderId, projectId, result, actor }) {
      // Already resolved by this project (a retry) is where resolving puts an order: awaiting its
      // rating, or closed after it. A bundled order the resident withdrew keeps its projectId but
      // was not resolved: it is skipped, with the domain's reason.
      return sendToOrder(orderId, { type: 'resolve', result, projectId }, actor, (v) => RESOLVED_BY_PROJECT.includes(v.status) && v.projectId === projectId);
    },
    async bundleMonth({ month: asked, trigger, now, runId }) {
      const month = asked ?? monthToBundle(new Date(now), calendar);
      if (month === null) return { runId, month: null, skipped: 'not the first working day of the month', orders: 0, bundles: 0 };
      return runBundling(deps.prisma, { month, trigger, runId, ...(deps.bundling ? { options: deps.bundling } : {}) });
    },
  };
}

/** Reads the month's open orders, clusters them, and stores the proposed bundles (a later run of the same month supersedes the earlier proposals). */
export async function runBundling(
  prisma: PrismaClient,
  request: { month: string; trigger: 'schedule' | 'on_demand'; runId: string; options?: BundlingOptions },
): Promise<BundlingSummary> {
  const { from, to } = monthRange(request.month);
  const [units, rows] = await Promise.all([
    prisma.unit.findMany({ select: { id: true, name: true, kind: true, level: true, parentId: true } }),
    prisma.order.findMany({
      where: { placedAt: { gte: from, lt: to }, status: { in: [...BUNDLEABLE] } },
      select: { id: true, categoryCode: true, address: true, unitId: true, content: true, placedAt: true },
    }),
  ]);
  const tree = buildUnitTree(units.map((u) => ({ ...u, parentId: u.parentId ?? null })));
  // Every unit's name as people write it (placeNames), longest first: a shorter name inside a longer one goes after it.
  const names = [...new Set(units.flatMap((u) => placeNames(u.name)))].sort((a, b) => b.length - a.length);
  const bundles = proposeBundles(
    rows.map((row) => ({
      id: row.id,
      categoryCode: row.categoryCode,
      areaId: areaOf(tree, row.address)?.unit.id ?? row.unitId,
      content: row.content,
      placedAt: row.placedAt.toISOString(),
    })),
    request.options,
    // Keywords as words a supervisor reads (jieba), not the character pairs the clustering compares;
    // without the place names, which the bundle's area column already says (建新北路 → 建新, 北路).
    (text) => wordsOf(names.reduce((rest, name) => rest.split(name).join(' '), text)),
  );
  const records = bundles.map((bundle) => ({
    id: createHash('sha256').update(`${request.month}|${bundle.key}|${bundle.orderIds.length}`).digest('hex').slice(0, 32),
    bundle,
  }));
  await prisma.$transaction(
    async (tx) => {
      await tx.bundle.updateMany({ where: { month: request.month, status: 'proposed', id: { notIn: records.map((r) => r.id) } }, data: { status: 'superseded' } });
      // One statement per chunk, not one per bundle: a month can hold ten thousand bundles. An id
      // already there (the same month run again) keeps its row, and its status.
      const rows = records.map(({ id, bundle }) => ({
        id,
        month: request.month,
        categoryCode: bundle.categoryCode,
        areaId: bundle.areaId,
        keywords: [...bundle.keywords],
        sample: bundle.sample,
        orderCount: bundle.orderIds.length,
        firstPlacedAt: new Date(bundle.firstPlacedAt),
        lastPlacedAt: new Date(bundle.lastPlacedAt),
        runId: request.runId,
      }));
      for (let i = 0; i < rows.length; i += WRITE_CHUNK) await tx.bundle.createMany({ data: rows.slice(i, i + WRITE_CHUNK), skipDuplicates: true });
      const links = records.flatMap(({ id, bundle }) => bundle.orderIds.map((orderId) => ({ bundleId: id, orderId })));
      for (let i = 0; i < links.length; i += WRITE_CHUNK) await tx.bundleOrder.createMany({ data: links.slice(i, i + WRITE_CHUNK), skipDuplicates: true });
      await tx.bundlingRun.upsert({
        where: { id: request.runId },
        create: { id: request.runId, month: request.month, trigger: request.trigger, orders: rows.length, bundles: records.length },
        update: { orders: rows.length, bundles: records.length },
      });
    },
    { timeout: 120_000 },
  );
  return { runId: request.runId, month: request.month, orders: rows.length, bundles: records.length };
}
