// The serviceOrder workflow's public face: its name, input, the `act` update every human (and
// the system) changes an order through, and the `state` query. Clients (services/dispatch,
// services/feedback) import only this file, never the workflow code itself.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { TypedSearchAttributes } from '@temporalio/common';
import { orderAttributes as searchAttributes } from './searchAttributes';
import type { Actor, Command, LifecycleEvent, OrderSnapshot, Priority, Stage, Channel, RejectionCode } from '@diandan/domain';

export const SERVICE_ORDER_WORKFLOW = 'serviceOrder';

/**
 * What the workflow decides on, and nothing else: the resident's text, address, coordinates,
 * attachments and contact details reach the read model from orders.placed directly, so they never
 * sit in a workflow history. (Histories started before this carry `content`, `address` and
 * `secretHash` too; the workflow ignores them.)
 */
export interface ServiceOrderInput {
  orderId: string;
  trackingCode: string;
  channel: Channel;
  categoryCode?: string;
  priority: Priority;
  placedAt: string;
  /**
   * The triage clock, computed by the starter from `placedAt` with the same reference data and
   * calendar as the computeDeadline activity (absent when the starter could not, and in inputs of
   * runs started before 2026-11-30): the workflow then needs no computeDeadline in its first task.
   */
  triage?: TriageClock;
}

export interface TriageClock {
  dueAt: string;
  warnAt: string;
  referenceVersion: string;
  unscheduledYears?: number[];
}

/** Patches of serviceOrder (docs/lifecycle.md, "Changing the workflow"): one name per change, never reused. */
export const PATCHES = {
  /** 2026-11: an action's answer carries the new stage's deadline (the clock is computed inside the update). */
  deadlineInUpdate: 'deadline-in-update',
  /**
   * 2026-11-30: an update that arrives with the order's first workflow task waits until the main
   * loop has done the first task's work (reference data, the placed event, the triage clock) and
   * then acts alone. Before, the handler's commands and the main loop's interleaved in an order
   * that replay does not repeat: the run could not be rebuilt after a cache eviction.
   */
  updateAfterFirstPass: 'update-after-first-pass',
  /**
   * 2026-11: a merge links the two orders' workflows (docs/merge.md) — the duplicate asks the
   * survivor to take it on (a local activity) and then waits, merged, for the survivor's result or
   * an un-merge, instead of finishing at once.
   */
  mergeLinks: 'merge-links',
  /**
   * 2026-11-30: an order's workflow completes when the order is final (closed, withdrawn, invalid;
   * a merged one once its survivor's result or an un-merge moved it on) instead of lingering 7
   * days; late actions are answered from the read model (docs/scaling.md, "Lingering workflows").
   */
  endWhenFinal: 'end-when-final',
} as const;

export interface ActRequest {
  command: Command;
  actor: Actor;
}

export interface RunningDeadline {
  stage: Stage;
  dueAt: string;
  warnAt: string;
  warned: boolean;
  /** The deadline passed and the order could not move (triage, district level): it is overdue. */
  overdue: boolean;
  /** It reaches into a year the holiday calendar has no schedule for (counted Monday–Friday there). */
  unscheduled?: boolean;
}

export interface OrderView {
  order: OrderSnapshot;
  trackingCode: string;
  deadline: RunningDeadline | null;
  /** Every lifecycle event so far, oldest first. */
  timeline: LifecycleEvent[];
}

export const actUpdate = defineUpdate<OrderView, [ActRequest]>('act');

/** From a survivor to each order merged into it: its result, or that it ended without one. */
export interface SurvivorOutcome {
  survivorOrderId: string;
  survivorTrackingCode: string;
  kind: 'resolved' | 'ended';
  result?: string;
}
export const survivorOutcomeSignal = defineSignal<[SurvivorOutcome]>('survivorOutcome');
/** From an un-merged order to the survivor it left. */
export const duplicateUnlinkedSignal = defineSignal<[{ orderId: string }]>('duplicateUnlinked');

export interface LinkDuplicateRequest {
  survivorOrderId: string;
  duplicateOrderId: string;
  duplicateTrackingCode: string;
}
export const stateQuery = defineQuery<OrderView>('state');

/**
 * An update rejected by the domain fails with an ApplicationFailure whose `type` is one of these
 * codes; the HTTP layer maps them: illegal_transition → 409, forbidden/out_of_scope → 403,
 * invalid_input → 400, not_found → 404.
 */
export type ActRejectionType = RejectionCode;

/**
 * A placed order's search attributes as its workflow would upsert them in its first task: set at
 * start (the starter), they spare that task the upsert — one visibility write per order — and
 * listing by status is right from the first moment. Without a triage clock OrderDeadline is left
 * to the workflow (which then upserts).
 */
export function searchAttributesAtStart(input: Pick<ServiceOrderInput, 'categoryCode' | 'triage'>): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: searchAttributes.status, value: 'placed' },
    { key: searchAttributes.level, value: 'none' },
    { key: searchAttributes.unit, value: 'none' },
    { key: searchAttributes.category, value: input.categoryCode ?? 'none' },
    { key: searchAttributes.overdue, value: false },
    { key: searchAttributes.bounces, value: 0 },
    ...(input.triage ? [{ key: searchAttributes.deadline, value: new Date(input.triage.dueAt) }] : []),
  ]);
}
