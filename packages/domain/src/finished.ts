// Late actions on a finished order. Since the `end-when-final` patch an order's workflow completes
// when the order is final (docs/scaling.md, "Lingering workflows"), so a command that arrives
// afterwards — a second rating, an accept on a withdrawn order — is no longer refused by the
// workflow itself. The edges answer it here instead: `decide` on the order as the read model (or
// the completed workflow's last state) holds it, which gives the very rejection the workflow would
// have given ("cannot rate: order is closed").
import type { Priority } from './deadlines';
import { decide } from './decide';
import { LEVELS, type Level, type UnitTree } from './ladder';
import { isFinalStatus, ORDER_STATUSES, RATINGS, type Actor, type Command, type OrderSnapshot, type Rating } from './order';
import type { Rejection } from './result';

/** What the read model keeps of an order (its `Order` row), as far as `decide` looks at it. */
export interface FinishedOrderRecord {
  readonly orderId: string;
  readonly status: string;
  readonly level: string | null;
  readonly unitId: string | null;
  readonly categoryCode: string | null;
  readonly priority: string;
  readonly bounces: number;
  readonly rating: string | null;
  readonly mergedIntoId: string | null;
}

/**
 * The snapshot `decide` needs, from a read-model row whose status is final; `null` when it is not
 * (the read model has not caught up with the order's last event yet) — then the row says nothing
 * about why the workflow took no more commands.
 */
export function snapshotOfFinished(record: FinishedOrderRecord): OrderSnapshot | null {
  const status = ORDER_STATUSES.find((s) => s === record.status);
  if (status === undefined || !isFinalStatus(status)) return null;
  const level = LEVELS.find((l) => l === record.level) ?? null;
  const rating = RATINGS.find((r) => r === record.rating);
  return {
    orderId: record.orderId,
    status,
    ...(record.categoryCode === null ? {} : { categoryCode: record.categoryCode }),
    priority: (record.priority === 'urgent' ? 'urgent' : 'normal') satisfies Priority,
    level: level satisfies Level | null,
    unitId: record.unitId,
    bounces: record.bounces,
    // Only a rating decides on it, and a final order takes no rating whatever it says.
    reopened: false,
    buckPassingFlagged: false,
    assignments: [],
    ...(rating === undefined ? {} : { rating: rating satisfies Rating }),
    ...(record.mergedIntoId === null ? {} : { mergedInto: record.mergedIntoId }),
  };
}

const NO_UNITS: UnitTree = { units: new Map() };

/**
 * The rejection of a command that reached a finished order: `decide`'s own (role, then unit scope,
 * then the transition table), so a late action gets the words the workflow would have used. Pass
 * the unit tree when the actor may be a street or district officer (their scope is the branch). A
 * command `decide` would accept even now (bookkeeping such as letting a duplicate go, or a merge
 * repeated into the same order) is refused as what it is: the order takes no more changes.
 */
export function lateRefusal(order: OrderSnapshot, command: Command, actor: Actor, units: UnitTree = NO_UNITS): Rejection {
  let decision: ReturnType<typeof decide>;
  try {
    decision = decide(order, command, actor, { units });
  } catch {
    return { code: 'invalid_input', reason: 'malformed command or actor' };
  }
  if (!decision.ok) return decision.error;
  return { code: 'illegal_transition', reason: `order ${order.orderId} is finished (${order.status}); it takes no more changes`, detail: { command: command.type, status: order.status } };
}
