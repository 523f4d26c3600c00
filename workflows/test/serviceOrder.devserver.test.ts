// The serviceOrder workflow on the dev server (the one `npm run up` starts) with the real
// activities: update validation, the Kafka events of a full happy path, and supervision through
// search attributes. The happy path's history is what the replay test guards
// (DIANDAN_RECORD_HISTORIES=1 rewrites the fixture).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { lifecycleEventSchema, type LifecycleEvent } from '@diandan/domain';
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
}, 120_000);

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

  it('accept.closedCheck: accepting a closed order is rejected; so is a handler of another unit, and garbage', async () => {
    const handle = await start();
    await resolveOrder(handle);
    await act(handle, { command: { type: 'rate', rating: 'satisfied', comment: '很及时' }, actor: RESIDENT });
    const before = await acceptedUpdates(handle);
    expect(await rejection(act(handle, { command: { type: 'accept' }, actor: handlerOf('wf-community') }))).toEqual({
      type: 'illegal_transition',
      message: 'cannot accept: order is closed',
    });
    expect(await acceptedUpdates(handle)).toBe(before);

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
  it('escalate and urge: a unit hands the order up itself; a resident’s 催办 is recorded without moving it', async () => {
    const handle = await start();
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    const urged = await act(handle, { command: { type: 'urge', note: '三天了还没人联系我' }, actor: RESIDENT });
    expect(urged.order.status).toBe('dispatched');
    const up = await act(handle, { command: { type: 'escalate', reason: '涉及企业欠薪，社区无执法权' }, actor: handlerOf('wf-community') });
    expect(up.order).toMatchObject({ status: 'dispatched', level: 'street', unitId: 'wf-street' });
    expect(types(up).slice(-2)).toEqual(['order.urged', 'order.escalated']);
    expect(up.timeline.at(-1)?.data).toMatchObject({ trigger: 'manual', fromUnitId: 'wf-community' });
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
  });

  it('withdraw: the resident withdraws before resolution; later actions are refused with the reason', async () => {
    const handle = await start();
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    const withdrawn = await act(handle, { command: { type: 'withdraw', reason: '问题已自行解决' }, actor: RESIDENT });
    expect(withdrawn.order.status).toBe('withdrawn');
    expect(await rejection(act(handle, { command: { type: 'accept' }, actor: handlerOf('wf-community') }))).toEqual({
      type: 'illegal_transition',
      message: 'cannot accept: order is withdrawn',
    });
  });
});

describe('serviceOrder lifecycle events on Kafka (dev server)', () => {
  it('happyPath.messageQueueCheck: every change reaches orders.lifecycle in order, with stable ids, keyed by order id', async () => {
    const input = placedInput({ channel: 'web', secretHash: 'a'.repeat(64) });
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
    expect(received[0]!.event.data).toMatchObject({ trackingCode: input.trackingCode, channel: 'web', secretHash: 'a'.repeat(64) });
    expect(received.find((r) => r.event.type === 'order.dispatched')!.event.data).toHaveProperty('deadline.stage', 'accept');

    if (process.env.DIANDAN_RECORD_HISTORIES === '1') {
      const history = await handle.fetchHistory();
      writeFileSync(path.join(__dirname, 'fixtures/histories/happy-path.pb'), temporal.api.history.v1.History.encode(history).finish());
    }
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
