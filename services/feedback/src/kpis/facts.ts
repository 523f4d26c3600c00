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
  /** Credited or blamed for the response: see `applyEvent` and docs/kpis.md ("Which unit"). */
  responseUnitId: string;
  /** The response is decided (first acceptance, or a response clock that ran out at a unit). */
  responseFixed: boolean;
  /** Credited or blamed for the result. */
  resolutionUnitId: string;
  /** A unit let an opinion or resolve deadline pass, or had its result rejected: it failed, for good. */
  resolutionFixed: boolean;
  /** The unit whose result the newest rating judged. */
  satisfactionUnitId: string;
}

/** The counters of one rollup cell (month × unit × category). */
export interface KpiCounters {
  placed: number;
  /** The resolution rate's denominator (受理量 of the unit credited with the result). */
  received: number;
  /** The response rate's denominator (orders whose response the unit is credited or blamed for). */
  responseReceived: number;
  respondedOnTime: number;
  resolved: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}
export const COUNTER_NAMES = ['placed', 'received', 'responseReceived', 'respondedOnTime', 'resolved', 'satisfied', 'basicallySatisfied', 'dissatisfied'] as const satisfies readonly (keyof KpiCounters)[];

export const zeroCounters = (): KpiCounters => ({ placed: 0, received: 0, responseReceived: 0, respondedOnTime: 0, resolved: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 });

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

const WORK_STAGES = new Set(['opinion', 'resolve']);

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
    responseUnitId: '',
    responseFixed: false,
    resolutionUnitId: '',
    resolutionFixed: false,
    satisfactionUnitId: '',
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
  /** The unit that held the order while this event happened (an escalation's event names the next one). */
  const heldBefore = fact.unitId;
  if (event.unitId) fact.unitId = event.unitId;

  // A response clock that ran out before any response stays late, whatever follows — and, when a
  // unit held the order, it is that unit's late response (the one that was to accept).
  const breached = breachedStage(event);
  if (!fact.responded) {
    let late = fact.responseDueAt !== null && at > fact.responseDueAt;
    if (breached !== undefined && RESPONSE_STAGES.has(breached)) late = true;
    if (late) {
      fact.responseLate = true;
      // Only the accept clock is a unit's: triage runs in the dispatch queue (status placed; a
      // dispatch is the first event after it), where no unit holds the order.
      const unitClock = event.status !== 'placed' && event.type !== 'order.dispatched' && (breached === undefined || breached === 'accept');
      if (!fact.responseFixed && heldBefore !== '' && unitClock) {
        fact.responseUnitId = heldBefore;
        fact.responseFixed = true;
      }
    }
  }

  // The level that let a working deadline pass (escalated by its deadline, or held to account at
  // the district) fails the result; so does the unit whose result the resident rejected (reopen).
  const failedResult =
    (event.type === 'order.escalated' && event.data.trigger === 'deadline' && breached !== undefined && WORK_STAGES.has(breached)) ||
    (event.type === 'order.accountability_recorded' && WORK_STAGES.has(event.data.stage)) ||
    event.type === 'order.reopened';
  // Escalations and reopens name the unit they took the order from (a reopen's rating event moved it already).
  const failedUnit = (event.type === 'order.escalated' || event.type === 'order.reopened' ? event.data.fromUnitId : null) ?? heldBefore;
  if (failedResult && !fact.resolutionFixed && failedUnit !== '') {
    fact.resolutionUnitId = failedUnit;
    fact.resolutionFixed = true;
  }

  switch (event.type) {
    case 'order.dispatched':
      fact.received = true;
      // A unit's clock starts at dispatch: time lost in the dispatch queue is not the unit's.
      if (!fact.responded && !fact.responseFixed) {
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
      // The rating judges the result of the unit that gave it (the holder while awaiting the rating).
      fact.satisfactionUnitId = heldBefore;
      break;
    default:
      break;
  }
  if (EXCLUDED_STATUSES.has(event.status)) fact.excluded = true;
  // Until decided, response and result belong to whoever holds the order.
  if (!fact.responseFixed) fact.responseUnitId = fact.unitId;
  if (!fact.resolutionFixed) fact.resolutionUnitId = fact.unitId;

  // The deadline the event carries runs from now on (set after the checks above, which judge the old one).
  const deadline = event.deadline;
  if (deadline && !fact.responded && RESPONSE_STAGES.has(deadline.stage)) fact.responseDueAt = new Date(deadline.dueAt);
  return fact;
}

function respond(fact: OrderFact, at: Date): void {
  fact.responded = true;
  // The first response decides: the unit that accepted (or '' for an answer on the spot) keeps it.
  if (!fact.responseFixed) {
    fact.responseUnitId = fact.unitId;
    fact.responseFixed = true;
  }
  fact.respondedOnTime = !fact.responseLate && (fact.responseDueAt === null || at <= fact.responseDueAt);
}

/** What the fact adds to each rollup cell it touches: a stage's counters go to that stage's unit. */
export function contributionsOf(fact: OrderFact | null): Array<{ key: CellKey; counters: KpiCounters }> {
  if (!fact) return [];
  const counted = fact.received && !fact.excluded;
  const parts: Array<{ unitId: string; add: Partial<KpiCounters> }> = [
    { unitId: fact.unitId, add: { placed: 1 } },
    { unitId: fact.responseUnitId, add: { responseReceived: counted ? 1 : 0, respondedOnTime: counted && fact.respondedOnTime ? 1 : 0 } },
    // A unit that failed the result (resolutionFixed) counts the order as not resolved, whoever solved it later.
    { unitId: fact.resolutionUnitId, add: { received: counted ? 1 : 0, resolved: counted && fact.resolved && !fact.resolutionFixed ? 1 : 0 } },
    {
      unitId: fact.satisfactionUnitId,
      add: {
        satisfied: fact.rating === 'satisfied' ? 1 : 0,
        basicallySatisfied: fact.rating === 'basically_satisfied' ? 1 : 0,
        dissatisfied: fact.rating === 'dissatisfied' ? 1 : 0,
      },
    },
  ];
  const cells = new Map<string, { key: CellKey; counters: KpiCounters }>();
  for (const { unitId, add } of parts) {
    const key: CellKey = { month: fact.month, unitId, categoryCode: fact.categoryCode };
    const cell = cells.get(cellOrder(key)) ?? { key, counters: zeroCounters() };
    for (const name of COUNTER_NAMES) cell.counters[name] += add[name] ?? 0;
    cells.set(cellOrder(key), cell);
  }
  return [...cells.values()];
}

/** Everything the fact adds, summed over its cells (what one order counts for in a total). */
export function contributionOf(fact: OrderFact | null): KpiCounters {
  const total = zeroCounters();
  for (const { counters } of contributionsOf(fact)) for (const name of COUNTER_NAMES) total[name] += counters[name];
  return total;
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
  const deltas = new Map<string, { key: CellKey; delta: KpiCounters }>();
  const add = (cells: Array<{ key: CellKey; counters: KpiCounters }>, sign: 1 | -1) => {
    for (const { key, counters } of cells) {
      const entry = deltas.get(cellOrder(key)) ?? { key, delta: zeroCounters() };
      for (const name of COUNTER_NAMES) entry.delta[name] += sign * counters[name];
      deltas.set(cellOrder(key), entry);
    }
  };
  add(contributionsOf(before), -1);
  add(contributionsOf(after), 1);
  return [...deltas.values()].filter((d) => COUNTER_NAMES.some((n) => d.delta[n] !== 0)).sort((a, b) => (cellOrder(a.key) < cellOrder(b.key) ? -1 : 1));
}
