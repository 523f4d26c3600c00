// What one order contributes to the three rates, folded from its lifecycle events. Pure: the
// consumer (rollupConsumer.ts) stores the fact and adds the difference of its contribution to the
// rollup cell; the benchmark builds a million facts with the same functions. Formulas and the
// reasons for each choice: docs/kpis.md.
import type { LifecycleEvent, Rating } from '@diandan/domain';

export interface OrderFact {
  orderId: string;
  lastSeq: number;
  /** Month of placement, China time (UTC+8, no daylight saving): `YYYY-MM`. */
  month: string;
  /** The unit holding or last holding the order; '' when it never had one. */
  unitId: string;
  categoryCode: string;
  received: boolean;
  excluded: boolean;
  responded: boolean;
  respondedOnTime: boolean;
  responseLate: boolean;
  responseDueAt: Date | null;
  resolved: boolean;
  rating: Rating | null;
}

/** The counters of one rollup cell (month × unit × category). */
export interface KpiCounters {
  placed: number;
  received: number;
  respondedOnTime: number;
  resolved: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}
export const COUNTER_NAMES = ['placed', 'received', 'respondedOnTime', 'resolved', 'satisfied', 'basicallySatisfied', 'dissatisfied'] as const satisfies readonly (keyof KpiCounters)[];

export const zeroCounters = (): KpiCounters => ({ placed: 0, received: 0, respondedOnTime: 0, resolved: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 });

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
/** `YYYY-MM` of an instant in China time. */
export const monthOf = (at: Date): string => new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
/** First instant of a China-time month, as UTC. */
export const monthStart = (month: string): Date => new Date(Date.parse(`${month}-01T00:00:00+08:00`));
export const nextMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

const EXCLUDED_STATUSES = new Set(['invalid', 'merged', 'withdrawn']);
const RESPONSE_STAGES = new Set(['triage', 'accept']);

/** The stage whose deadline an escalation or alert is about, when it is about one. */
const breachedStage = (event: LifecycleEvent): string | undefined =>
  event.type === 'order.escalated' || event.type === 'order.supervisor_alerted' || event.type === 'order.accountability_recorded' ? event.data.stage : undefined;

function newFact(event: LifecycleEvent): OrderFact {
  const placed = event.type === 'order.placed' ? event.data : undefined;
  return {
    orderId: event.orderId,
    lastSeq: 0,
    month: monthOf(new Date(placed?.placedAt ?? event.at)),
    unitId: '',
    categoryCode: placed?.categoryCode ?? '',
    received: false,
    excluded: false,
    responded: false,
    respondedOnTime: false,
    responseLate: false,
    responseDueAt: null,
    resolved: false,
    rating: null,
  };
}

/**
 * The fact after `event`, or `null` when the event was applied already (its seq is not newer).
 * Events of one order arrive in order (one partition, keyed by order id), so seq ≤ lastSeq means
 * a redelivery: that makes the fold idempotent by event id (`order-<id>#<seq>`).
 */
export function applyEvent(previous: OrderFact | null, event: LifecycleEvent): OrderFact | null {
  if (previous && event.seq <= previous.lastSeq) return null;
  const fact: OrderFact = { ...(previous ?? newFact(event)), lastSeq: event.seq };
  const at = new Date(event.at);

  if (event.type === 'order.placed') {
    fact.month = monthOf(new Date(event.data.placedAt));
    fact.categoryCode = event.data.categoryCode ?? fact.categoryCode;
  }
  if (event.unitId) fact.unitId = event.unitId;

  // A response clock that ran out before any response stays late, whatever follows.
  if (!fact.responded) {
    if (fact.responseDueAt && at > fact.responseDueAt) fact.responseLate = true;
    const breached = breachedStage(event);
    if (breached !== undefined && RESPONSE_STAGES.has(breached)) {
      fact.responseLate = true;
    }
  }

  switch (event.type) {
    case 'order.dispatched':
      fact.received = true;
      // A unit's clock starts at dispatch: time lost in the dispatch queue is not the unit's.
      if (!fact.responded) {
        fact.responseLate = false;
        fact.responseDueAt = null;
      }
      break;
    case 'order.answered':
      fact.received = true;
      fact.resolved = true;
      if (!fact.responded) respond(fact, at);
      break;
    case 'order.accepted':
      if (!fact.responded) respond(fact, at);
      break;
    // 两个打包: a project took the order over — received and answered by the project's unit.
    case 'order.bundled':
      fact.received = true;
      if (!fact.responded) respond(fact, at);
      break;
    case 'order.resolved':
      fact.resolved = true;
      break;
    case 'order.reopened':
      fact.resolved = false;
      break;
    case 'order.rated':
      fact.rating = event.data.rating;
      break;
    default:
      break;
  }
  if (EXCLUDED_STATUSES.has(event.status)) fact.excluded = true;

  // The deadline the event carries runs from now on (set after the checks above, which judge the old one).
  const deadline = event.deadline;
  if (deadline && !fact.responded && RESPONSE_STAGES.has(deadline.stage)) fact.responseDueAt = new Date(deadline.dueAt);
  return fact;
}

function respond(fact: OrderFact, at: Date): void {
  fact.responded = true;
  fact.respondedOnTime = !fact.responseLate && (fact.responseDueAt === null || at <= fact.responseDueAt);
}

/** What the fact adds to its rollup cell. */
export function contributionOf(fact: OrderFact | null): KpiCounters {
  const counters = zeroCounters();
  if (!fact) return counters;
  const counted = fact.received && !fact.excluded;
  counters.placed = 1;
  counters.received = counted ? 1 : 0;
  counters.respondedOnTime = counted && fact.respondedOnTime ? 1 : 0;
  counters.resolved = counted && fact.resolved ? 1 : 0;
  if (fact.rating === 'satisfied') counters.satisfied = 1;
  if (fact.rating === 'basically_satisfied') counters.basicallySatisfied = 1;
  if (fact.rating === 'dissatisfied') counters.dissatisfied = 1;
  return counters;
}

export interface CellKey {
  month: string;
  unitId: string;
  categoryCode: string;
}
export const cellKeyOf = (fact: OrderFact): CellKey => ({ month: fact.month, unitId: fact.unitId, categoryCode: fact.categoryCode });
export const sameCell = (a: CellKey, b: CellKey): boolean => a.month === b.month && a.unitId === b.unitId && a.categoryCode === b.categoryCode;
const cellOrder = (k: CellKey): string => `${k.month}\u0000${k.unitId}\u0000${k.categoryCode}`;

/**
 * The changes to rollup cells that replacing `before` by `after` makes, in a stable cell order
 * (so that concurrent transactions lock cells in the same order and cannot deadlock).
 */
export function rollupDeltas(before: OrderFact | null, after: OrderFact): Array<{ key: CellKey; delta: KpiCounters }> {
  const add = contributionOf(after);
  const remove = contributionOf(before);
  const deltas: Array<{ key: CellKey; delta: KpiCounters }> = [];
  if (before && sameCell(cellKeyOf(before), cellKeyOf(after))) {
    const delta = zeroCounters();
    for (const name of COUNTER_NAMES) delta[name] = add[name] - remove[name];
    deltas.push({ key: cellKeyOf(after), delta });
  } else {
    if (before) deltas.push({ key: cellKeyOf(before), delta: mapCounters(remove, (n) => -n) });
    deltas.push({ key: cellKeyOf(after), delta: add });
  }
  return deltas.filter((d) => COUNTER_NAMES.some((n) => d.delta[n] !== 0)).sort((a, b) => (cellOrder(a.key) < cellOrder(b.key) ? -1 : 1));
}

const mapCounters = (c: KpiCounters, f: (n: number) => number): KpiCounters =>
  Object.fromEntries(COUNTER_NAMES.map((n) => [n, f(c[n])])) as unknown as KpiCounters;
