// What staff see of orders and events. The resident's secret hash never leaves the service;
// evaluators (read-only, anonymized) do not see addresses either.
import type { LifecycleEvent } from '@diandan/domain';
import type { Staff } from '../auth/staff';

const HIDDEN_FROM_ALL = ['secretHash'];
const HIDDEN_FROM_EVALUATORS = ['address', 'lat', 'lng', 'attachments'];

function hiddenFor(staff: Pick<Staff, 'role'>): string[] {
  return staff.role === 'evaluator' ? [...HIDDEN_FROM_ALL, ...HIDDEN_FROM_EVALUATORS] : HIDDEN_FROM_ALL;
}

const without = <T extends object>(value: T, keys: string[]): T =>
  Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key))) as T;

export function publicEvent<E extends Pick<LifecycleEvent, 'data'>>(event: E, staff: Pick<Staff, 'role'>): E {
  return { ...event, data: without(event.data as Record<string, unknown>, hiddenFor(staff)) };
}

export function publicOrder<R extends object>(row: R, staff: Pick<Staff, 'role'>): R {
  return without(row, hiddenFor(staff));
}

/** Whether a lifecycle event concerns a unit: it holds the order now, or just handed it on. */
export function concernsUnit(event: Pick<LifecycleEvent, 'unitId' | 'data'>, unitId: string): boolean {
  return event.unitId === unitId || ('fromUnitId' in event.data && event.data.fromUnitId === unitId);
}
