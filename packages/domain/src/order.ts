import type { Priority, Stage } from './deadlines';
import type { Attachment } from './events';
import { isWithin, type Level, type UnitTree } from './ladder';

/**
 * The order lifecycle (design §3):
 *
 *   placed ─answer─▶ (answered) ─────────────────────────────────────────────┐
 *     └─dispatch─▶ dispatched ─accept─▶ accepted ─opinion─▶ in_progress ─resolve─▶ (resolved) ─▶ awaiting_rating ─rate─▶ closed
 *                    └─return (退单)─▶ placed again, bounce +1                   dissatisfied once ─▶ dispatched one level up
 *
 * `answered` and `resolved` are transient: a decision passes through them and the order rests in
 * `awaiting_rating`, because every handled order — even one answered on the spot — is rated by
 * its resident, and the rating window opens the moment the result is given. They stay in the
 * vocabulary to name that step (event types `order.answered` / `order.resolved`, reports); an
 * order's stored status is never one of them.
 */
export const ORDER_STATUSES = [
  'placed',
  'answered',
  'dispatched',
  'accepted',
  'in_progress',
  /** Bundled into a project (两个打包): no clock of its own runs; the project's milestones do, and its completion resolves the order. */
  'bundled',
  'resolved',
  'awaiting_rating',
  'closed',
  'invalid',
  'merged',
  'withdrawn',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TRANSIENT_STATUSES: readonly OrderStatus[] = ['answered', 'resolved'];
/**
 * Out of the queues for good. A `merged` order is among them: its own handling is over, although it
 * still waits for the order that carries its need (docs/merge.md) — the survivor's result resolves
 * it, or a dispatcher un-merges it back into the dispatch queue.
 */
export const FINAL_STATUSES: readonly OrderStatus[] = ['closed', 'invalid', 'merged', 'withdrawn'];
export const isFinalStatus = (status: OrderStatus): boolean => FINAL_STATUSES.includes(status);
/** Where an order can rest while it is still being worked on: the queues and supervision lists. */
export const ACTIVE_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (status) => !FINAL_STATUSES.includes(status) && !TRANSIENT_STATUSES.includes(status),
);

export const ROLES = [
  'resident',
  'operator',
  'dispatcher',
  'unit_handler',
  'street_officer',
  'district_officer',
  'supervisor',
  'evaluator',
  'admin',
  'system',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Street and district officers (街道、区级干部) work the orders that reach their level of the
 * ladder inside their own branch of the unit tree: they dispatch them down to the units below,
 * escalate them by hand, and urge. Their unit must sit at that level.
 */
export const OFFICER_LEVELS: Readonly<Partial<Record<Role, Level>>> = { street_officer: 'street', district_officer: 'district' };
export const officerLevel = (role: Role): Level | null => OFFICER_LEVELS[role] ?? null;

/** Who acts. A resident has proven the order's secret (or WeChat openid) before reaching here. */
export interface Actor {
  readonly role: Role;
  readonly id?: string;
  /** Required for unit handlers (orders assigned to this unit) and officers (orders within its branch). */
  readonly unitId?: string;
}

/** 满意 / 基本满意 / 不满意 — the three answers residents are asked for. */
export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

export interface Assignment {
  readonly unitId: string;
  readonly level: Level;
  readonly via: 'dispatch' | 'escalate' | 'reopen';
}

/** What the domain needs to know about an order to decide on a command; the workflow holds it. */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly categoryCode?: string;
  readonly priority: Priority;
  /** Ladder level of the current (or, once returned or finished, the last) assignment. */
  readonly level: Level | null;
  /** The unit holding the order; `null` in the dispatch queue. Kept after closing, for the KPIs. */
  readonly unitId: string | null;
  /** Returns (退单) so far. */
  readonly bounces: number;
  /** A dissatisfied rating reopens an order once; the second one closes it. */
  readonly reopened: boolean;
  readonly buckPassingFlagged: boolean;
  /** Oldest first. */
  readonly assignments: readonly Assignment[];
  readonly rating?: Rating;
  readonly mergedInto?: string;
  /** The project (两个打包) the order was bundled into; its completion resolves the order. */
  readonly projectId?: string;
  /** Orders merged into this one (docs/merge.md): its result resolves each of them. */
  readonly duplicates?: readonly string[];
}

/** A freshly placed order (点单), waiting in the dispatch queue. */
export function placeOrder(input: { orderId: string; priority: Priority; categoryCode?: string }): OrderSnapshot {
  return {
    orderId: input.orderId,
    status: 'placed',
    ...(input.categoryCode === undefined ? {} : { categoryCode: input.categoryCode }),
    priority: input.priority,
    level: null,
    unitId: null,
    bounces: 0,
    reopened: false,
    buckPassingFlagged: false,
    assignments: [],
  };
}

export type Command =
  /** 即接即办: the intake desk answers on the spot, perhaps from a knowledge-base entry (知识库). */
  | { readonly type: 'answer'; readonly answer: string; readonly entryId?: string; readonly entryVersion?: number }
  /** 派单 to a unit; `level`, when given, must be the unit's level (guards a stale form). */
  | { readonly type: 'dispatch'; readonly unitId: string; readonly level?: Level }
  | { readonly type: 'markInvalid'; readonly reason: string }
  /** Duplicate of another order, which carries on for both. */
  | { readonly type: 'merge'; readonly intoOrderId: string; readonly intoTrackingCode?: string }
  /** A merged order goes back to the dispatch queue: by a dispatcher, or because its survivor ended unresolved. */
  | { readonly type: 'unmerge'; readonly reason?: string }
  /** The survivor's result reaches an order merged into it (system, from the survivor's workflow). */
  | { readonly type: 'resolveMerged'; readonly survivorOrderId: string; readonly result: string; readonly survivorTrackingCode?: string }
  /** The survivor takes a duplicate on (system, from the duplicate's workflow while it merges). */
  | { readonly type: 'linkDuplicate'; readonly orderId: string; readonly trackingCode?: string }
  /** A duplicate was un-merged: the survivor forgets it (system; accepted in any status). */
  | { readonly type: 'unlinkDuplicate'; readonly orderId: string }
  | { readonly type: 'accept' }
  /** 初步意见: the unit's preliminary opinion; the work starts. */
  | { readonly type: 'opinion'; readonly opinion: string }
  /**
   * The result, with photos or documents of the work done (already stored by the caller). A
   * project's completion resolves its bundled orders with `projectId` (the system, for the project).
   */
  | { readonly type: 'resolve'; readonly result: string; readonly attachments?: readonly Attachment[]; readonly projectId?: string }
  /** 两个打包: a project takes the order over; its owning unit holds it until the project completes. */
  | { readonly type: 'bundle'; readonly projectId: string; readonly unitId: string }
  /** 退单: not ours — back to the dispatch queue. */
  | { readonly type: 'return'; readonly reason: string }
  /** By hand, one level up; `toUnitId` overrides the ladder's choice of unit. */
  | { readonly type: 'escalate'; readonly reason: string; readonly toUnitId?: string }
  /** 催办: a nudge; the order does not move. */
  | { readonly type: 'urge'; readonly note?: string }
  | { readonly type: 'rate'; readonly rating: Rating; readonly comment?: string }
  | { readonly type: 'withdraw'; readonly reason?: string }
  /** A stage's timer fired. Carries the stage so a stale timer cannot act on a later stage. */
  | { readonly type: 'deadlinePassed'; readonly stage: Stage };

export type CommandType = Command['type'];

export const COMMAND_TYPES = [
  'answer',
  'dispatch',
  'markInvalid',
  'merge',
  'unmerge',
  'resolveMerged',
  'linkDuplicate',
  'unlinkDuplicate',
  'accept',
  'opinion',
  'resolve',
  'return',
  'escalate',
  'urge',
  'rate',
  'withdraw',
  'bundle',
  'deadlinePassed',
] as const satisfies readonly CommandType[];

/**
 * Role × command. Unit handlers are further limited to orders of their own unit. Evaluators and
 * admins appear nowhere: evaluation is read-only, and administration configures the platform
 * rather than handling orders.
 */
export const PERMISSIONS: Readonly<Record<CommandType, readonly Role[]>> = {
  answer: ['operator', 'dispatcher'],
  // Officers dispatch down what reached their level; only the dispatcher dispatches from the queue.
  dispatch: ['dispatcher', 'street_officer', 'district_officer', 'system'],
  markInvalid: ['operator', 'dispatcher'],
  merge: ['operator', 'dispatcher'],
  // Undoing a merge is a dispatching judgement; the system un-merges when the survivor ends unresolved.
  unmerge: ['dispatcher', 'system'],
  resolveMerged: ['system'],
  linkDuplicate: ['system'],
  unlinkDuplicate: ['system'],
  accept: ['unit_handler'],
  opinion: ['unit_handler'],
  // The system resolves only orders bundled into a project, when the project completes.
  resolve: ['unit_handler', 'system'],
  return: ['unit_handler'],
  // A unit that cannot solve a need hands it up itself; the ladder "climbs by hand".
  // (Not a district officer: nothing is above the district.)
  escalate: ['unit_handler', 'street_officer', 'dispatcher', 'supervisor', 'system'],
  urge: ['resident', 'dispatcher', 'street_officer', 'district_officer', 'supervisor', 'system'],
  rate: ['resident'],
  // Residents often withdraw by calling the hotline, where the operator acts for them.
  withdraw: ['resident', 'operator'],
  // Only a project's workflow bundles an order: a supervisor turns a bundle into a project.
  bundle: ['system'],
  deadlinePassed: ['system'],
};

/** Status × command: which commands an order at rest in a status can take. */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly CommandType[]>> = {
  placed: ['answer', 'dispatch', 'markInvalid', 'merge', 'linkDuplicate', 'urge', 'withdraw', 'bundle', 'deadlinePassed'],
  answered: [],
  // `dispatch` here is an officer's dispatch down (重新派单) before the work has started.
  dispatched: ['dispatch', 'accept', 'return', 'escalate', 'merge', 'linkDuplicate', 'urge', 'withdraw', 'bundle', 'deadlinePassed'],
  accepted: ['dispatch', 'opinion', 'return', 'escalate', 'linkDuplicate', 'urge', 'withdraw', 'bundle', 'deadlinePassed'],
  in_progress: ['resolve', 'escalate', 'linkDuplicate', 'urge', 'withdraw', 'bundle', 'deadlinePassed'],
  bundled: ['resolve', 'linkDuplicate', 'urge', 'withdraw'],
  resolved: [],
  awaiting_rating: ['rate', 'deadlinePassed'],
  closed: [],
  invalid: [],
  merged: ['unmerge', 'resolveMerged'],
  withdrawn: [],
};

export const isAllowed = (role: Role, command: CommandType): boolean => PERMISSIONS[command].includes(role);

/**
 * Whether an order is the actor's to act on: a unit handler's while it is at the unit, an
 * officer's while it is at the officer's level within the officer's branch (without the tree, at
 * the officer's own unit only). Other roles are not limited by unit.
 */
export function isInScope(order: OrderSnapshot, actor: Actor, units?: UnitTree): boolean {
  if (actor.role === 'unit_handler') return order.unitId !== null && order.unitId === actor.unitId;
  const level = officerLevel(actor.role);
  if (level === null) return true;
  if (!actor.unitId || order.unitId === null || order.level !== level) return false;
  return units ? isWithin(units, order.unitId, actor.unitId) : order.unitId === actor.unitId;
}

/** Dispatch after the queue is an officer's dispatch down; from the queue it is the dispatcher's. */
export const dispatchFits = (order: OrderSnapshot, actor: Actor): boolean =>
  order.status === 'placed' ? officerLevel(actor.role) === null : officerLevel(actor.role) !== null;

/** Commands this actor could issue on this order now — for showing only the buttons that work. */
export function availableCommands(order: OrderSnapshot, actor: Actor, units?: UnitTree): CommandType[] {
  if (!isInScope(order, actor, units)) return [];
  return TRANSITIONS[order.status].filter((command) => isAllowed(actor.role, command) && (command !== 'dispatch' || dispatchFits(order, actor)));
}


/**
 * Which deadline runs while an order rests in a status; `null` where no clock runs. The resolve
 * clock starts with the preliminary opinion, so "resolve in 5 working days" means from the moment
 * the unit has said what it will do.
 */
export function stageForStatus(status: OrderStatus): Stage | null {
  switch (status) {
    case 'placed':
      return 'triage';
    case 'dispatched':
      return 'accept';
    case 'accepted':
      return 'opinion';
    case 'in_progress':
      return 'resolve';
    case 'awaiting_rating':
      return 'rating';
    default:
      return null;
  }
}
