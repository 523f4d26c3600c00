// The serviceOrder workflow on the dev server (the one `npm run up` starts) with the real
// activities: update validation, the Kafka events of a full happy path, and supervision through
// search attributes. The happy path's history is what the replay test guards
// (DIANDAN_RECORD_HISTORIES=1 rewrites the fixture).
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { lifecycleEventSchema, type LifecycleEvent } from '@diandan/domain';
import { temporal } from '@temporalio/proto';
import { recordPath } from './corpus';
import { PATCHES, type OrderView } from '../src/contract';
import {
  act,
  eventually,
  startOnDevServer,
  type DevServerRig,
  DISPATCHER,
  handlerOf,
  placedInput,
  RESIDENT,
  resolveOrder,
  startOrder,
  state,
  types,
  waitForState,
  type Harness,
} from '@diandan/testkit';

let rig: DevServerRig;
let harness: Harness;
let client: Client;

beforeAll(async () => {
  rig = await startOnDevServer('devserver');
  ({ harness, client } = rig);
}, 300_000);

afterAll(async () => {
  await rig?.close();
});

const start = async (overrides = {}) => {
  const handle = await startOrder(client, harness.taskQueue, placedInput(overrides));
  await waitForState(handle, (v) => v.deadline !== null);
  return handle;
};

async function rejection(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
    return { type: cause.type, message: cause.message };
  }
  throw new Error('the update was accepted');
}

/** Whether the run recorded the marker of a patch (its id is in the marker, as in the replay test). */
const hasPatchMarker = async (handle: WorkflowHandle, patch: string) =>
  Buffer.from(temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish()).includes(Buffer.from(patch));

/** Accepted updates in the history: a rejected one must add none. */
const acceptedUpdates = async (handle: WorkflowHandle) =>
  (await handle.fetchHistory()).events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length ?? 0;

describe('serviceOrder updates are validated (dev server)', () => {
  it('rate.unresolvedCheck: rating an order that is not resolved is rejected with its reason, history untouched', async () => {
    const handle = await start();
    const before = await acceptedUpdates(handle);
    const rejected = await rejection(act(handle, { command: { type: 'rate', rating: 'satisfied' }, actor: RESIDENT }));
    expect(rejected).toEqual({ type: 'illegal_transition', message: 'cannot rate: order is not resolved yet' });
    expect(await acceptedUpdates(handle)).toBe(before);
    expect(types(await state(handle))).toEqual(['order.placed']);
  });

  it('resolve.resultCheck: resolving without a result is rejected, history untouched', async () => {
    const handle = await start();
    const unit = handlerOf('wf-community');
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    await act(handle, { command: { type: 'accept' }, actor: unit });
    await act(handle, { command: { type: 'opinion', opinion: '正在核实' }, actor: unit });
    const before = await acceptedUpdates(handle);
    const rejected = await rejection(act(handle, { command: { type: 'resolve', result: '   ' }, actor: unit }));
    expect(rejected).toEqual({ type: 'invalid_input', message: 'resolve needs a result' });
    expect(await acceptedUpdates(handle)).toBe(before);
  });

  it('refusals on an open order: a handler of another unit, the system’s own deadlines, and garbage', async () => {
    // Late actions on a finished order are answered by the services from the read model since
    // end-when-final (test/e2e/lateActions.test.ts): its workflow has completed by then.
    const open = await start();
    await act(open, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    expect((await rejection(act(open, { command: { type: 'accept' }, actor: handlerOf('wf-community-2') }))).type).toBe('out_of_scope');
    expect((await rejection(act(open, { command: { type: 'deadlinePassed', stage: 'accept' }, actor: { role: 'system' } }))).type).toBe(
      'forbidden',
    );
    const garbage = { command: { type: 'dispatch', unitId: 42 }, actor: null } as unknown as Parameters<typeof act>[1];
    expect((await rejection(act(open, garbage))).type).toBe('invalid_input');
  });
});

describe('serviceOrder by hand (dev server)', () => {
  it('answers: every action answers with the new stage’s clock; a final state answers with none', async () => {
    const handle = await start();
    const dispatched = await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    expect(dispatched.deadline?.stage).toBe('accept');
    const accepted = await act(handle, { command: { type: 'accept' }, actor: { role: 'unit_handler', id: 'h', unitId: 'wf-community' } });
    expect(accepted.deadline?.stage).toBe('opinion');
    const withdrawn = await act(handle, { command: { type: 'withdraw' }, actor: RESIDENT });
    expect(withdrawn.order.status).toBe('withdrawn');
    expect(withdrawn.deadline).toBeNull();
    await recordPath(handle, 'v2-withdraw-after-accept');
  });

  it('merge: a duplicate is merged into the order it repeats and stops there', async () => {
    const original = await start();
    const duplicate = await start();
    const merged = await act(duplicate, { command: { type: 'merge', intoOrderId: original.workflowId.replace(/^order-/, '') }, actor: DISPATCHER });
    expect(merged.order.status).toBe('merged');
    expect(merged.deadline).toBeNull();
    await recordPath(duplicate, 'v2-merge');
  });

  it('answer on the spot: an operator answers, the resident rates, the order closes', async () => {
    const handle = await start();
    const answered = await act(handle, { command: { type: 'answer', answer: '可拨打12333劳动保障热线' }, actor: { role: 'operator', id: 'op-1' } });
    expect(answered.deadline?.stage).toBe('rating');
    const closed = await act(handle, { command: { type: 'rate', rating: 'basically_satisfied' }, actor: RESIDENT });
    expect(closed.order.status).toBe('closed');
    await recordPath(handle, 'v2-answer-and-rate');
  });

  it('escalate and urge: a unit hands the order up itself; a resident’s 催办 is recorded without moving it', async () => {
    const handle = await start();
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    const urged = await act(handle, { command: { type: 'urge', note: '三天了还没人联系我' }, actor: RESIDENT });
    expect(urged.order.status).toBe('dispatched');
    const up = await act(handle, { command: { type: 'escalate', reason: '涉及企业欠薪，社区无执法权' }, actor: handlerOf('wf-community') });
    expect(up.order).toMatchObject({ status: 'dispatched', level: 'street', unitId: 'wf-street' });
    expect(types(up).slice(-2)).toEqual(['order.urged', 'order.escalated']);
    expect(up.timeline.at(-1)?.data).toMatchObject({ trigger: 'manual', fromUnitId: 'wf-community' });
    const top = await act(handle, { command: { type: 'escalate', reason: '需区人社局执法' }, actor: handlerOf('wf-street') });
    expect(top.order).toMatchObject({ level: 'district' });
    await recordPath(handle, 'v2-urge-and-manual-escalation');
  });

  it('return 退单 three times: back to the queue each time, bounces counted, buck-passing (扯皮推诿) flagged once', async () => {
    const handle = await start();
    const units = ['wf-community', 'wf-community-2', 'wf-community'];
    let view = await state(handle);
    for (const unitId of units) {
      await act(handle, { command: { type: 'dispatch', unitId }, actor: DISPATCHER });
      view = await act(handle, { command: { type: 'return', reason: '不属于本社区职责' }, actor: handlerOf(unitId) });
      expect(view.order).toMatchObject({ status: 'placed', unitId: null });
    }
    expect(view.order.bounces).toBe(3);
    expect(types(view).filter((t) => t === 'order.buck_passing_flagged')).toHaveLength(1);
    // Back in the dispatch queue, the triage clock runs again.
    expect((await waitForState(handle, (v) => v.deadline !== null)).deadline?.stage).toBe('triage');
    await recordPath(handle, 'v2-returns-and-buck-passing');
  });

  it('withdraw: the resident withdraws before resolution; the run completes at once (end-when-final)', async () => {
    const handle = await start();
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    const withdrawn = await act(handle, { command: { type: 'withdraw', reason: '问题已自行解决' }, actor: RESIDENT });
    expect(withdrawn.order.status).toBe('withdrawn');
    const result = (await handle.result()) as OrderView;
    expect(result.order.status).toBe('withdrawn');
    expect(types(result).at(-1)).toBe('order.withdrawn');
    expect(await hasPatchMarker(handle, PATCHES.endWhenFinal)).toBe(true);
    await recordPath(handle, 'v5-withdraw-completes');
  });
});

describe('serviceOrder lifecycle events on Kafka (dev server)', () => {
  it('happyPath.messageQueueCheck: every change reaches orders.lifecycle in order, with stable ids, keyed by order id', async () => {
    const input = placedInput({ channel: 'web' });
    const handle = await startOrder(client, harness.taskQueue, input);
    await waitForState(handle, (v) => v.deadline !== null);
    await resolveOrder(handle);
    await act(handle, { command: { type: 'rate', rating: 'satisfied', comment: '很满意' }, actor: RESIDENT });
    const result = await waitForState(handle, (v) => v.order.status === 'closed' && v.timeline.length === 7);
    const expected = [
      'order.placed',
      'order.dispatched',
      'order.accepted',
      'order.opinion_given',
      'order.resolved',
      'order.rated',
      'order.closed',
    ];
    expect(types(result)).toEqual(expected);

    const received: { key: string | undefined; event: LifecycleEvent }[] = [];
    const consumer = harness.kafka.consumer({ groupId: `${harness.taskQueue}-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: harness.topics.lifecycle, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = lifecycleEventSchema.parse(JSON.parse(String(message.value)));
        if (event.orderId === input.orderId) received.push({ key: message.key?.toString(), event });
      },
    });
    await eventually(`${expected.length} lifecycle events`, () => received.length >= expected.length, { lastSeen: () => `saw ${received.length}` });
    await consumer.disconnect();

    expect(received.map((r) => r.event.type)).toEqual(expected);
    expect(received.map((r) => r.event.eventId)).toEqual(expected.map((_, i) => `order-${input.orderId}#${i + 1}`));
    expect(new Set(received.map((r) => r.key))).toEqual(new Set([input.orderId]));
    expect(received[0]!.event.data).toEqual({ trackingCode: input.trackingCode, channel: 'web', priority: 'normal', placedAt: input.placedAt, categoryCode: input.categoryCode });
    expect(received[0]!.event.deadline?.stage).toBe('triage');
    expect(received.find((r) => r.event.type === 'order.dispatched')!.event.deadline?.stage).toBe('accept');
    // A final state stops the clock: the read model must clear its deadline.
    expect(received.at(-1)!.event.deadline).toBeNull();

    // Final: the run has completed, with the closed order as its result.
    expect(((await handle.result()) as OrderView).order).toMatchObject({ status: 'closed', rating: 'satisfied' });
    await recordPath(handle, 'v5-rated-close-completes');
  });
});

describe('supervision through search attributes (dev server)', () => {
  it('list.searchAttributeCheck: orders are found by status, unit and level with client.workflow.list', async () => {
    const atStreet = await start();
    await act(atStreet, { command: { type: 'dispatch', unitId: 'wf-street' }, actor: DISPATCHER });
    const queued = await start();
    const ids = new Set([atStreet.workflowId, queued.workflowId]);
    const find = async (query: string) => {
      const found: string[] = [];
      for await (const info of client.workflow.list({ query: `TaskQueue = '${harness.taskQueue}' AND ${query}` })) {
        if (ids.has(info.workflowId)) found.push(info.workflowId);
      }
      return found;
    };
    // Visibility is eventually consistent: poll briefly.
    const dispatched = await eventually('the dispatched order in visibility', async () => {
      const found = await find(`OrderStatus = 'dispatched' AND OrderUnit = 'wf-street' AND OrderLevel = 'street'`);
      return found.length === 1 ? found : undefined;
    });
    expect(dispatched).toEqual([atStreet.workflowId]);
    expect(await find(`OrderStatus = 'placed' AND OrderBounces = 0 AND OrderOverdue = false`)).toEqual([queued.workflowId]);
    await queued.terminate('test done');
    await atStreet.terminate('test done');
  });
});
