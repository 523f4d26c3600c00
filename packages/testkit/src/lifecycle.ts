// Lifecycle events for fixtures: an order's events numbered and stamped as the workflow would.
import type { LifecycleEvent } from '@diandan/domain';

export interface Step {
  type: LifecycleEvent['type'];
  /** Minutes after the order was placed. */
  after: number;
  status: LifecycleEvent['status'];
  unitId?: string;
  level?: LifecycleEvent['level'];
  data?: Record<string, unknown>;
}

export const at = (placedAt: Date, minutes: number): string => new Date(placedAt.getTime() + minutes * 60_000).toISOString();

/** Events of one order; `order.placed` first, carrying placedAt, category and the triage deadline. */
export function lifecycle(orderId: string, placedAt: Date, categoryCode: string, steps: Step[]): LifecycleEvent[] {
  const all: Step[] = [
    {
      type: 'order.placed',
      after: 0,
      status: 'placed',
      data: { placedAt: placedAt.toISOString(), categoryCode, deadline: { stage: 'triage', dueAt: at(placedAt, 120) } },
    },
    ...steps,
  ];
  return all.map((step, i) => ({
    eventId: `order-${orderId}#${i + 1}`,
    orderId,
    seq: i + 1,
    type: step.type,
    at: at(placedAt, step.after),
    actor: { role: 'system' },
    status: step.status,
    ...(step.level ? { level: step.level } : {}),
    ...(step.unitId ? { unitId: step.unitId } : {}),
    data: step.data ?? {},
  }));
}

/** A dispatch (or reopen) to a unit with its accept deadline `acceptWithin` minutes later. */
export const dispatched = (
  after: number,
  unitId: string,
  placedAt: Date,
  acceptWithin = 240,
  type: Step['type'] = 'order.dispatched',
): Step => ({
  type,
  after,
  status: 'dispatched',
  unitId,
  data: { deadline: { stage: 'accept', dueAt: at(placedAt, after + acceptWithin) } },
});
