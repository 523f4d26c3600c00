import type { WorkingCalendar } from './calendar';
import type { Stage } from './deadlines';
import { stageForStatus, type OrderStatus } from './order';

/**
 * How much time an order has left in its current stage, the way its deadline counts: working
 * minutes for the units' stages, calendar minutes for the resident's rating window. Queues sort
 * and colour by it; a negative figure is how far past the deadline the order is.
 */
export interface StageClock {
  readonly stage: Stage;
  readonly dueAt: string;
  /** Minutes left (negative when overdue): working minutes unless `calendar`. */
  readonly remainingMinutes: number;
  readonly calendar: boolean;
  readonly overdue: boolean;
}

/**
 * **Overdue, defined once.** An order is overdue while the deadline of its current stage has
 * passed: its workflow said so (the deadline event sets the read model's `overdue` flag; a new
 * stage clears it), or the deadline is at or before now by the clock (the workflow's timer may
 * fire a moment late, and outside office hours no working minute needs to pass). Queues, the
 * supervision wall, tracking, the metrics and the KPI counts all use this (the read-model filter
 * is `overdueWhere` in packages/platform).
 */
export function isOverdue(order: { readonly overdue: boolean; readonly deadlineAt: Date | null }, now: Date): boolean {
  return order.overdue || (order.deadlineAt !== null && order.deadlineAt.getTime() <= now.getTime());
}

export function stageClock(status: OrderStatus, dueAt: Date | null, now: Date, calendar: WorkingCalendar): StageClock | null {
  const stage = stageForStatus(status);
  if (stage === null || dueAt === null) return null;
  const calendarTime = stage === 'rating';
  const remaining = calendarTime ? (dueAt.getTime() - now.getTime()) / 60_000 : calendar.workingTimeBetween(now, dueAt);
  // Past the deadline by the clock, even when outside office hours no working minute has gone by.
  const overdue = dueAt.getTime() <= now.getTime();
  return {
    stage,
    dueAt: dueAt.toISOString(),
    // `+ 0` turns -0 into 0.
    remainingMinutes: (overdue ? Math.min(Math.floor(remaining), 0) : Math.max(Math.floor(remaining), 0)) + 0,
    calendar: calendarTime,
    overdue,
  };
}
