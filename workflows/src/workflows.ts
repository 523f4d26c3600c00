// The serviceOrder workflow: the one writer of an order (点单 → 派单 → 办单 → 评单).
// It holds the order's snapshot, asks packages/domain `decide` whether a change is allowed, runs
// the stage deadlines in working time (warning at 80 %, escalation at 100 %), and publishes every
// change as a lifecycle event. Deterministic: time is workflow time, I/O happens in activities.
import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  allHandlersFinished,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { orderAttributes as searchAttributes } from './searchAttributes';
import {
  buildUnitTree,
  decide,
  isFinalStatus,
  placeOrder,
  stageForStatus,
  stampEvents,
  survivorOutcome,
  workflowIdFor,
  type Actor,
  type Command,
  type DecisionContext,
  type EventDeadline,
  type LifecycleEvent,
  type LifecycleEventDraft,
  type OrderSnapshot,
} from '@diandan/domain/rules';
import type { Activities } from './activities';
import {
  actUpdate,
  duplicateUnlinkedSignal,
  PATCHES,
  stateQuery,
  survivorOutcomeSignal,
  type OrderView,
  type RunningDeadline,
  type ServiceOrderInput,
  type SurvivorOutcome,
  type TriageClock,
} from './contract';
import type { DeadlineAnswer } from './activities';

// Local activities: they run in the worker inside the workflow task, so placing an order costs
// one workflow task instead of a round trip through the server per step (the dev server's SQLite
// store is the bottleneck of the whole pipeline). Each is idempotent; retries back off to a minute.
const { loadDecisionContext, computeDeadline, publishEvents } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Kafka or PostgreSQL may be down for a while; events wait in the outbox, in order, until they are back.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Linking a duplicate asks another order's workflow. A regular activity, not a local one: a local
// activity holds this order's workflow task open, and two orders merging into each other would each
// wait for the other's next task. A refusal is final; an outage is retried a few times and then
// reported to the dispatcher rather than holding the order for minutes.
const { linkDuplicate } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

const SYSTEM: Actor = { role: 'system' };
const LINGER_AFTER_FINISH = '7 days';

/** Identifies "the same stage at the same place": a change of it starts fresh deadlines. */
function stageKey(order: OrderSnapshot): string {
  return `${order.status}|${order.unitId ?? '-'}|${order.level ?? '-'}|${order.assignments.length}`;
}

export async function serviceOrder(input: ServiceOrderInput): Promise<OrderView> {
  let order: OrderSnapshot = placeOrder({
    orderId: input.orderId,
    priority: input.priority,
    ...(input.categoryCode === undefined ? {} : { categoryCode: input.categoryCode }),
  });
  const timeline: LifecycleEvent[] = [];
  const outbox: LifecycleEvent[] = [];
  // Held in an object: TypeScript does not track a `let` reassigned inside closures.
  const clock: { deadline: RunningDeadline | null; key: string } = { deadline: null, key: '' };
  // Unit tree and routing, loaded by an activity at the start and again whenever a stage change
  // finds that an administrator changed them (computeDeadline reports the version); commands
  // wait until the first load is there.
  const reference: { context?: DecisionContext; version?: string } = {};
  const loadReference = async (): Promise<void> => {
    const loaded = await loadDecisionContext();
    reference.context = { units: buildUnitTree(loaded.units), routing: loaded.routing };
    reference.version = loaded.version;
  };

  // Right after a change the new stage's clock is not computed yet: show none rather than the old one.
  const view = (): OrderView => ({
    order,
    trackingCode: input.trackingCode,
    deadline: clock.key === stageKey(order) ? clock.deadline : null,
    timeline: [...timeline],
  });

  const record = (drafts: readonly LifecycleEventDraft[], actor: Actor): void => {
    const events = stampEvents(drafts, { orderId: input.orderId, nextSeq: timeline.length + 1, at: new Date(), actor });
    timeline.push(...events);
    outbox.push(...events);
  };

  /** decide() for a command that may come from outside: malformed input is a rejection, not a crash. */
  const decideSafely = (command: Command, actor: Actor, context: DecisionContext) => {
    let decision: ReturnType<typeof decide>;
    try {
      decision = decide(order, command, actor, context);
    } catch {
      throw ApplicationFailure.create({ type: 'invalid_input', message: 'malformed command or actor', nonRetryable: true });
    }
    if (!decision.ok) {
      // The detail travels as the failure's details: clients read it, never the English reason.
      const { code, reason, detail } = decision.error;
      throw ApplicationFailure.create({ type: code, message: reason, nonRetryable: true, ...(detail ? { details: [detail] } : {}) });
    }
    return decision.value;
  };

  // Merge (docs/merge.md): `busy` while this order asks its survivor to take it on — every other
  // change of this order waits, so nothing slips between the survivor's yes and the merge;
  // `linked` once merged that way (runs merged before the patch finished at once and cannot un-merge).
  const links = { busy: false, linked: false, finished: false };

  const apply = (command: Command, actor: Actor, context: DecisionContext): void => {
    const before = order;
    const decision = decideSafely(command, actor, context);
    order = decision.order;
    record(decision.events, actor);
    const outcome = survivorOutcome(before, decision);
    if (outcome) tellDuplicates(outcome.kind === 'resolved' ? { kind: 'resolved', result: outcome.result } : { kind: 'ended' });
    if (before.status === 'merged' && order.status !== 'merged' && before.mergedInto && decision.events.some((e) => e.type === 'order.unmerged')) {
      signalSafely(before.mergedInto, () => getExternalWorkflowHandle(workflowIdFor(before.mergedInto!)).signal(duplicateUnlinkedSignal, { orderId: input.orderId }));
    }
  };

  /**
   * Signals are durable once sent; one to an order that has gone is logged, never fatal. Counted
   * while in flight: Temporal drops a signal whose sender completed before the signal went out, so
   * an order that ends when final waits for its own signals first.
   */
  const signals = { inFlight: 0 };
  const firstPass = { done: false };
  const signalSafely = (to: string, send: () => Promise<void>): void => {
    signals.inFlight++;
    send()
      .catch((error: unknown) => log.warn('signal to a linked order failed', { orderId: input.orderId, to, error: String(error) }))
      .finally(() => signals.inFlight--);
  };

  const tellDuplicates = (outcome: Pick<SurvivorOutcome, 'kind' | 'result'>): void => {
    for (const duplicate of order.duplicates ?? []) {
      const message: SurvivorOutcome = { survivorOrderId: input.orderId, survivorTrackingCode: input.trackingCode, ...outcome };
      signalSafely(duplicate, () => getExternalWorkflowHandle(workflowIdFor(duplicate)).signal(survivorOutcomeSignal, message));
    }
  };

  /** Merge into another order: the survivor says yes first (its `act` update), then this order rests merged. */
  const mergeInto = async (command: Extract<Command, { type: 'merge' }>, actor: Actor): Promise<void> => {
    if (links.busy) await condition(() => !links.busy);
    if (order.status === 'merged' && order.mergedInto === command.intoOrderId) return;
    decideSafely(command, actor, context());
    links.busy = true;
    try {
      const survivor = await linkDuplicate({ survivorOrderId: command.intoOrderId, duplicateOrderId: input.orderId, duplicateTrackingCode: input.trackingCode }).catch(
        (error: unknown) => {
          const cause = (error as { cause?: unknown }).cause;
          if (cause instanceof ApplicationFailure) throw ApplicationFailure.create({ type: cause.type ?? 'illegal_transition', message: cause.message, nonRetryable: true });
          throw ApplicationFailure.create({ type: 'unavailable', message: 'the order to merge into did not answer; try again', nonRetryable: true });
        },
      );
      apply({ ...command, intoTrackingCode: survivor.trackingCode }, actor, context());
      links.linked = true;
    } finally {
      links.busy = false;
    }
  };

  /** Starts the clock of the stage the order is in now (none in final or transient states). */
  const computeClock = async (from: Date): Promise<void> => {
    const key = stageKey(order);
    const stage = stageForStatus(order.status);
    if (stage === null) {
      clock.key = key;
      clock.deadline = null;
      return;
    }
    const due = await computeDeadline({
      ...(order.categoryCode === undefined ? {} : { categoryCode: order.categoryCode }),
      priority: order.priority,
      level: order.level,
      stage,
      from: from.toISOString(),
    });
    await startClock(key, stage, due);
  };

  const startClock = async (key: string, stage: NonNullable<ReturnType<typeof stageForStatus>>, due: DeadlineAnswer | TriageClock): Promise<void> => {
    // Histories recorded before reference versions existed have none: they keep their first load.
    if (due.referenceVersion !== undefined && due.referenceVersion !== reference.version) await loadReference();
    clock.key = key;
    // Counted into a year without a holiday schedule: flagged, so the order shows it (no new command:
    // the flag is data of the local activity's recorded result, old results simply lack it).
    const unscheduled = (due.unscheduledYears?.length ?? 0) > 0;
    clock.deadline = { stage, dueAt: due.dueAt, warnAt: due.warnAt, warned: false, overdue: false, ...(unscheduled ? { unscheduled } : {}) };
  };

  // The update handler and the main loop may both find the clock stale after an action: they
  // share one computation (one local activity per stage change, not two).
  const pending: { key?: string; done?: Promise<void> } = {};
  const refreshDeadline = (from: Date): Promise<void> => {
    const key = stageKey(order);
    if (pending.key === key && pending.done) return pending.done;
    const done = computeClock(from).finally(() => {
      if (pending.done === done) pending.done = undefined;
    });
    pending.key = key;
    pending.done = done;
    return done;
  };

  const context = (): DecisionContext => reference.context!;
  setHandler(stateQuery, view);
  setHandler(survivorOutcomeSignal, async (outcome) => {
    await condition(() => reference.context !== undefined && !links.busy);
    if (order.status !== 'merged' || order.mergedInto !== outcome.survivorOrderId) {
      // Un-merged a moment earlier (or never merged into it): the survivor's news is not ours.
      log.info('survivor outcome ignored', { orderId: input.orderId, survivor: outcome.survivorOrderId, status: order.status });
      return;
    }
    const command: Command =
      outcome.kind === 'resolved' && outcome.result
        ? { type: 'resolveMerged', survivorOrderId: outcome.survivorOrderId, survivorTrackingCode: outcome.survivorTrackingCode, result: outcome.result }
        : { type: 'unmerge', reason: '合并的工单未办结即终止，本单重新派单' };
    try {
      apply(command, SYSTEM, context());
    } catch (error) {
      log.warn('survivor outcome refused', { orderId: input.orderId, error: String(error) });
    }
  });
  setHandler(duplicateUnlinkedSignal, async ({ orderId }) => {
    await condition(() => reference.context !== undefined);
    // A finished order publishes nothing more: whom it carried no longer matters.
    if (links.finished) return;
    try {
      apply({ type: 'unlinkDuplicate', orderId }, SYSTEM, context());
    } catch (error) {
      log.warn('unlink refused', { orderId: input.orderId, duplicate: orderId, error: String(error) });
    }
  });
  setHandler(
    actUpdate,
    async ({ command, actor }) => {
      // An update that arrives with the first task waits for the main loop's first pass. Only such
      // an update asks for the patch: its marker is recorded then, and every later update (the
      // normal case) adds no command (docs/lifecycle.md, "An update in the first task").
      if (!firstPass.done && patched(PATCHES.updateAfterFirstPass)) await condition(() => firstPass.done);
      // An update that arrives while the order is still loading its reference data waits for it.
      await condition(() => reference.context !== undefined);
      if (command.type === 'merge' && patched(PATCHES.mergeLinks)) {
        await mergeInto(command, actor);
      } else {
        if (links.busy) await condition(() => !links.busy);
        apply(command, actor, reference.context!);
      }
      // The answer shows the new stage's clock. Histories recorded before this patch computed it
      // only in the main loop, after the answer (whose deadline was then null).
      if (patched(PATCHES.deadlineInUpdate) && stageKey(order) !== clock.key) await refreshDeadline(new Date());
      return view();
    },
    {
      // Rejected updates never enter the history: the validator runs decide() without applying it.
      validator: ({ command, actor }) => {
        if (command?.type === 'deadlinePassed') throw ApplicationFailure.create({ type: 'forbidden', message: 'deadlines are the system’s own', nonRetryable: true });
        // Two orders merging into each other at once: each refuses the other, neither waits.
        if (command?.type === 'linkDuplicate' && links.busy) {
          throw ApplicationFailure.create({ type: 'illegal_transition', message: 'cannot take a duplicate on: this order is being merged into another one', nonRetryable: true });
        }
        if (command?.type === 'unmerge' && order.status === 'merged' && !links.linked) {
          throw ApplicationFailure.create({ type: 'illegal_transition', message: 'cannot un-merge: this order was merged before un-merging existed', nonRetryable: true });
        }
        if (reference.context) decideSafely(command, actor, reference.context);
      },
    },
  );

  // 点单: the placed event carries what the workflow decided on; the resident's own words reach
  // the read model from orders.placed (services/dispatch intake projection).
  record(
    [
      {
        type: 'order.placed',
        status: 'placed',
        data: {
          trackingCode: input.trackingCode,
          channel: input.channel,
          priority: input.priority,
          placedAt: input.placedAt,
          ...(input.categoryCode === undefined ? {} : { categoryCode: input.categoryCode }),
        },
      },
    ],
    { role: 'resident' },
  );
  await loadReference();


  const upsertAttributes = (): void => {
    upsertSearchAttributes([
      { key: searchAttributes.status, value: order.status },
      { key: searchAttributes.level, value: order.level ?? 'none' },
      { key: searchAttributes.unit, value: order.unitId ?? 'none' },
      { key: searchAttributes.category, value: order.categoryCode ?? 'none' },
      { key: searchAttributes.overdue, value: clock.deadline?.overdue ?? false },
      { key: searchAttributes.bounces, value: order.bounces },
      ...(clock.deadline ? [{ key: searchAttributes.deadline, value: new Date(clock.deadline.dueAt) }] : []),
    ]);
  };

  // The starter sets the search attributes at start and hands over the triage clock it computed:
  // the first task then upserts only what differs from them — normally nothing — and runs no
  // computeDeadline: one visibility write and one local activity less per order. Keyed on what the
  // run recorded when it started (its input and start attributes), not on patched(): a patch would
  // upsert TemporalChangeVersion in this very task and cancel the gain. Runs started without them
  // (every run before this change) take the old way; the deploy order (workers before the starter)
  // keeps a run with them from meeting old workflow code (docs/lifecycle.md).
  if (input.triage && stageForStatus(order.status) === 'triage' && clock.key === '') await startClock(stageKey(order), 'triage', input.triage);
  let publishedAttributes = attributesSetAtStart(order.categoryCode);
  for (;;) {
    if (stageKey(order) !== clock.key) await refreshDeadline(new Date());
    const attributes = JSON.stringify([order.status, order.level, order.unitId, order.bounces, clock.deadline?.dueAt, clock.deadline?.overdue]);
    if (attributes !== publishedAttributes) {
      upsertAttributes();
      publishedAttributes = attributes;
    }
    if (outbox.length > 0) {
      // An update may have moved the order while the clock was being computed: compute again first.
      if (stageKey(order) !== clock.key) continue;
      const batch = outbox.splice(0, outbox.length);
      // The newest event of the batch states the clock that runs after it (null: none runs).
      const newest = batch.length - 1;
      batch[newest] = { ...batch[newest]!, deadline: eventDeadline(clock.deadline) };
      await publishEvents(batch);
      continue;
    }
    // A merged order (linked since the merge-links patch) waits for its survivor or an un-merge.
    if (isFinalStatus(order.status) && !(order.status === 'merged' && links.linked)) {
      links.finished = true;
      break;
    }

    // Everything the order's first task has to do is done (or waits on a timer): updates may act.
    firstPass.done = true;
    const running = clock.deadline;
    const next = running === null ? null : running.warned ? running.dueAt : running.warnAt;
    const key = clock.key;
    const changed = () => outbox.length > 0 || stageKey(order) !== key;
    if (running === null || next === null) {
      await condition(changed);
      continue;
    }
    const wait = Date.parse(next) - Date.now();
    if (wait > 0 && (await condition(changed, wait))) continue;

    if (!running.warned) {
      // 催办 at 80 %: the unit hears it before the deadline bites.
      running.warned = true;
      if (Date.now() < Date.parse(running.dueAt)) {
        record([{ type: 'order.urged', status: order.status, ...at(order), data: { stage: running.stage, automatic: true, dueAt: running.dueAt } }], SYSTEM);
        continue;
      }
    }
    log.info('deadline passed', { orderId: input.orderId, stage: running.stage });
    apply({ type: 'deadlinePassed', stage: running.stage }, SYSTEM, context());
    if (stageKey(order) === key) {
      // The order could not move (triage, district level): it stays overdue, and the supervisor
      // is alerted again after another full span rather than every second.
      const overdueSince = running.dueAt;
      await refreshDeadline(new Date());
      if (clock.deadline) clock.deadline.overdue = true;
      log.info('order overdue and could not escalate', { orderId: input.orderId, overdueSince });
    }
  }

  if (patched(PATCHES.endWhenFinal)) {
    // Final: the run completes (docs/scaling.md, "Lingering workflows"). Late actions get the
    // domain's reason from the edges, which run decide() on the read model's final state
    // (lateRefusal in packages/domain). Only the signals to linked orders must be out first.
    await condition(() => signals.inFlight === 0);
  } else {
    // Runs that reached their final state before the patch linger a week, as they always did, so
    // that late actions (a rating after closing, an accept on a withdrawn order) got the domain's
    // reason from the workflow instead of "workflow not found".
    await condition(() => false, LINGER_AFTER_FINISH);
  }
  await condition(allHandlersFinished);
  return view();
}

/**
 * The start's search attributes in the form the main loop compares (status, level, unit, bounces,
 * deadline, overdue), or '' — upsert them all — when any is missing or the category differs.
 */
function attributesSetAtStart(categoryCode: string | undefined): string {
  const given = workflowInfo().typedSearchAttributes;
  const status = given.get(searchAttributes.status);
  const level = given.get(searchAttributes.level);
  const unit = given.get(searchAttributes.unit);
  const category = given.get(searchAttributes.category);
  const overdue = given.get(searchAttributes.overdue);
  const bounces = given.get(searchAttributes.bounces);
  const deadline = given.get(searchAttributes.deadline);
  if (status === undefined || level === undefined || unit === undefined || overdue === undefined || bounces === undefined) return '';
  if (category !== (categoryCode ?? 'none')) return '';
  const none = (value: string) => (value === 'none' ? null : value);
  return JSON.stringify([status, none(level), none(unit), bounces, deadline?.toISOString(), deadline ? overdue : undefined]);
}

function eventDeadline(deadline: RunningDeadline | null): EventDeadline | null {
  return deadline === null
    ? null
    : { stage: deadline.stage, dueAt: deadline.dueAt, warnAt: deadline.warnAt, overdue: deadline.overdue, ...(deadline.unscheduled ? { unscheduled: true } : {}) };
}

function at(order: OrderSnapshot): { level?: OrderSnapshot['level'] & string; unitId?: string } {
  return {
    ...(order.level === null ? {} : { level: order.level }),
    ...(order.unitId === null ? {} : { unitId: order.unitId }),
  };
}

// The other workflows of the same worker (one bundle): projects, the monthly bundling run, the annual cycle.
export { project } from './project';
export { monthlyBundling } from './bundling';
export { annualCycle } from './cycle';
