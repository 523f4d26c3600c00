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
