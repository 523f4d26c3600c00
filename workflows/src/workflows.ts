// The serviceOrder workflow: the one writer of an order (点单 → 派单 → 办单 → 评单).
// It holds the order's snapshot, asks packages/domain `decide` whether a change is allowed, runs
// the stage deadlines in working time (warning at 80 %, escalation at 100 %), and publishes every
// change as a lifecycle event. Deterministic: time is workflow time, I/O happens in activities.
import {
  ApplicationFailure,
  condition,
  log,
  proxyLocalActivities,
  setHandler,
  allHandlersFinished,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  buildUnitTree,
  decide,
  isFinalStatus,
  placeOrder,
  stageForStatus,
  stampEvents,
  type Actor,
  type Command,
  type DecisionContext,
  type LifecycleEvent,
  type LifecycleEventDraft,
  type OrderSnapshot,
} from '@diandan/domain/rules';
import type { Activities } from './activities';
import { actUpdate, stateQuery, type OrderView, type RunningDeadline, type ServiceOrderInput } from './contract';

// Local activities: they run in the worker inside the workflow task, so placing an order costs
// one workflow task instead of a round trip through the server per step (the dev server's SQLite
// store is the bottleneck of the whole pipeline). Each is idempotent; retries back off to a minute.
const { loadDecisionContext, computeDeadline, publishEvents } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Kafka or PostgreSQL may be down for a while; events wait in the outbox, in order, until they are back.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const SYSTEM: Actor = { role: 'system' };
const LINGER_AFTER_FINISH = '7 days';

export const searchAttributes = {
  status: defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD),
  level: defineSearchAttributeKey('OrderLevel', SearchAttributeType.KEYWORD),
  unit: defineSearchAttributeKey('OrderUnit', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('OrderCategory', SearchAttributeType.KEYWORD),
  deadline: defineSearchAttributeKey('OrderDeadline', SearchAttributeType.DATETIME),
  overdue: defineSearchAttributeKey('OrderOverdue', SearchAttributeType.BOOL),
  bounces: defineSearchAttributeKey('OrderBounces', SearchAttributeType.INT),
};

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
  // Unit tree and routing, loaded once by an activity; commands wait until it is there.
  const reference: { context?: DecisionContext } = {};

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
  const decideSafely = (command: Command, actor: Actor) => {
    if (!reference.context) throw new Error('unreachable: commands wait for the decision context');
    let decision: ReturnType<typeof decide>;
    try {
      decision = decide(order, command, actor, reference.context);
    } catch {
      throw ApplicationFailure.create({ type: 'invalid_input', message: 'malformed command or actor', nonRetryable: true });
    }
    if (!decision.ok) throw ApplicationFailure.create({ type: decision.error.code, message: decision.error.reason, nonRetryable: true });
    return decision.value;
  };

  const apply = (command: Command, actor: Actor): void => {
    const decision = decideSafely(command, actor);
    order = decision.order;
    record(decision.events, actor);
  };

  /** Starts the clock of the stage the order is in now (none in final or transient states). */
  const refreshDeadline = async (from: Date): Promise<void> => {
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
    clock.key = key;
    clock.deadline = { stage, dueAt: due.dueAt, warnAt: due.warnAt, warned: false, overdue: false };
  };

  setHandler(stateQuery, view);
  setHandler(
    actUpdate,
    async ({ command, actor }) => {
      // An update that arrives while the order is still loading its reference data waits for it.
      await condition(() => reference.context !== undefined);
      apply(command, actor);
      return view();
    },
    {
      // Rejected updates never enter the history: the validator runs decide() without applying it.
      validator: ({ command, actor }) => {
        if (command?.type === 'deadlinePassed') throw ApplicationFailure.create({ type: 'forbidden', message: 'deadlines are the system’s own', nonRetryable: true });
        if (reference.context) decideSafely(command, actor);
      },
    },
  );

  // 点单: the placed event carries what the read model shows (never contact details).
  record(
    [
      {
        type: 'order.placed',
        status: 'placed',
        data: {
          trackingCode: input.trackingCode,
          channel: input.channel,
          content: input.content,
          priority: input.priority,
          placedAt: input.placedAt,
          ...(input.categoryCode === undefined ? {} : { categoryCode: input.categoryCode }),
          ...(input.address === undefined ? {} : { address: input.address }),
          ...(input.secretHash === undefined ? {} : { secretHash: input.secretHash }),
        },
      },
    ],
    { role: 'resident' },
  );
  const loaded = await loadDecisionContext();
  reference.context = { units: buildUnitTree(loaded.units), routing: loaded.routing };


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

  let publishedAttributes = '';
  for (;;) {
    if (stageKey(order) !== clock.key) await refreshDeadline(new Date());
    const attributes = JSON.stringify([order.status, order.level, order.unitId, order.bounces, clock.deadline?.dueAt, clock.deadline?.overdue]);
    if (attributes !== publishedAttributes) {
      upsertAttributes();
      publishedAttributes = attributes;
    }
    if (outbox.length > 0) {
      const batch = outbox.splice(0, outbox.length);
      // The read model learns the running deadline from the newest event of the batch.
      const newest = batch[batch.length - 1];
      if (newest && clock.deadline) newest.data = { ...newest.data, deadline: { stage: clock.deadline.stage, dueAt: clock.deadline.dueAt, warnAt: clock.deadline.warnAt, overdue: clock.deadline.overdue } };
      await publishEvents(batch);
      continue;
    }
    if (isFinalStatus(order.status)) break;

    const running = clock.deadline;
    const next = running === null ? null : running.warned ? running.dueAt : running.warnAt;
    const key = clock.key;
    const changed = () => outbox.length > 0 || stageKey(order) !== key;
    if (next === null) {
      await condition(changed);
      continue;
    }
    const wait = Date.parse(next) - Date.now();
    if (wait > 0 && (await condition(changed, wait))) continue;
    if (!running) continue;

    if (!running.warned) {
      // 催办 at 80 %: the unit hears it before the deadline bites.
      running.warned = true;
      if (Date.now() < Date.parse(running.dueAt)) {
        record([{ type: 'order.urged', status: order.status, ...at(order), data: { stage: running.stage, automatic: true, dueAt: running.dueAt } }], SYSTEM);
        continue;
      }
    }
    log.info('deadline passed', { orderId: input.orderId, stage: running.stage });
    apply({ type: 'deadlinePassed', stage: running.stage }, SYSTEM);
    if (stageKey(order) === key) {
      // The order could not move (triage, district level): it stays overdue, and the supervisor
      // is alerted again after another full span rather than every second.
      const overdueSince = running.dueAt;
      await refreshDeadline(new Date());
      if (clock.deadline) clock.deadline.overdue = true;
      log.info('order overdue and could not escalate', { orderId: input.orderId, overdueSince });
    }
  }

  // A finished order lingers a while so that late actions (a rating after closing, an accept on a
  // withdrawn order) get the domain's reason instead of "workflow not found".
  await condition(() => false, LINGER_AFTER_FINISH);
  await condition(allHandlersFinished);
  return view();
}

function at(order: OrderSnapshot): { level?: OrderSnapshot['level'] & string; unitId?: string } {
  return {
    ...(order.level === null ? {} : { level: order.level }),
    ...(order.unitId === null ? {} : { unitId: order.unitId }),
  };
}
