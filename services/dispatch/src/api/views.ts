// What staff see of orders and events. The resident's secret hash never leaves the service.
// Evaluators (read-only, anonymized) see every text through the one scrubber (packages/domain),
// and no address, coordinates or tracking code — in order detail, timelines, the supervision
// views and the live feed alike.
import { scrub, type LifecycleEvent } from '@diandan/domain';
import type { Staff } from '../auth/staff';

const HIDDEN_FROM_ALL = ['secretHash'];
const HIDDEN_FROM_EVALUATORS = ['address', 'lat', 'lng', 'trackingCode'];

const anonymized = (staff: Pick<Staff, 'role'>): boolean => staff.role === 'evaluator';

function hiddenFor(staff: Pick<Staff, 'role'>): string[] {
  return anonymized(staff) ? [...HIDDEN_FROM_ALL, ...HIDDEN_FROM_EVALUATORS] : HIDDEN_FROM_ALL;
}

/** Every string inside, scrubbed (event data nests: attachments, notes, reasons). */
function scrubbedDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => scrubbedDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubbedDeep(v, depth + 1)]));
}

/** Fields whose text residents or staff wrote; the rest (ids, statuses, names of units) stays as is. */
const FREE_TEXT = ['content'];

function without<T extends object>(value: T, keys: string[]): T {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key))) as T;
}

export function publicEvent<E extends Pick<LifecycleEvent, 'data'>>(event: E, staff: Pick<Staff, 'role'>): E {
  const data = without(event.data as Record<string, unknown>, hiddenFor(staff));
  return { ...event, data: anonymized(staff) ? (scrubbedDeep(data) as Record<string, unknown>) : data };
}

export function publicOrder<R extends object>(row: R, staff: Pick<Staff, 'role'>): R {
  const visible = without(row, hiddenFor(staff));
  if (!anonymized(staff)) return visible;
  const record = visible as Record<string, unknown>;
  for (const field of FREE_TEXT) if (typeof record[field] === 'string') record[field] = scrub(record[field]);
  return visible;
}

/** Whether a lifecycle event concerns a unit: it holds the order now, or just handed it on. */
export function concernsUnit(event: Pick<LifecycleEvent, 'unitId' | 'data'>, unitId: string): boolean {
  return event.unitId === unitId || event.data.fromUnitId === unitId;
}
