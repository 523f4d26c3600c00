// Search attributes at start (docs/performance.md, docs/lifecycle.md): an order
// started the way services/dispatch's starter starts it — search attributes and the triage clock
// computed before the start — has a first workflow task without an upsert and without the
// computeDeadline local activity, and is still found by every attribute, deadline included.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { SERVICE_ORDER_WORKFLOW } from '../src/contract';
import { recordPath } from './corpus';
import { act, DISPATCHER, eventually, placedInput, startAsTheStarter, startOnDevServer, waitForState, type DevServerRig, type Harness } from '@diandan/testkit';

let rig: DevServerRig;
let harness: Harness;
let client: Client;

beforeAll(async () => {
  rig = await startOnDevServer('attributes-at-start');
  ({ harness, client } = rig);
}, 300_000);

afterAll(async () => {
  await rig?.close();
});

/** The events of the history by kind, for the first workflow task's commands. */
async function historyKinds(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    upserts: events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length,
    markers: events.filter((e) => e.markerRecordedEventAttributes).map((e) => e.markerRecordedEventAttributes!.markerName),
    // Which local activity each marker recorded (core keeps it as JSON in the marker's `data` detail).
    localActivities: events
      .filter((e) => e.markerRecordedEventAttributes)
      .map((e) => {
        const data = e.markerRecordedEventAttributes!.details?.data?.payloads?.[0]?.data;
        return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type : undefined;
      }),
    timers: events.filter((e) => e.timerStartedEventAttributes).length,
  };
}

describe('search attributes at start (dev server)', () => {
  it('firstTask.historyCheck: no upsert and no computeDeadline in the first task; the triage clock is the starter’s', async () => {
    const { handle, input } = await startAsTheStarter(client, harness.taskQueue, harness.prisma);
    const view = await waitForState(handle, (v) => v.deadline !== null && v.timeline.length === 1);
    expect(view.deadline).toMatchObject({ stage: 'triage', dueAt: input.triage!.dueAt, warnAt: input.triage!.warnAt, overdue: false });
    // The placed event has been published (the outbox is empty) and the triage timer runs.
    await eventually('the first task completed with its timer', async () => ((await historyKinds(handle)).timers >= 1 ? true : undefined));
    const kinds = await historyKinds(handle);
    expect(kinds.upserts).toBe(0);
    // Local activities are markers: loadDecisionContext and publishEvents, no computeDeadline; no patch marker
    // (patched() would upsert TemporalChangeVersion in this very task).
    // Counted by kind, not number: under a full run's load a publishEvents that timed out is asked
    // again (a third marker, seen once), which is the outbox doing its job.
    expect(new Set(kinds.markers)).toEqual(new Set(['core_local_activity']));
    expect(new Set(kinds.localActivities)).toEqual(new Set(['loadDecisionContext', 'publishEvents']));

    // Found by every attribute, the triage deadline included, before any upsert happened.
    const found = await eventually('the placed order in visibility', async () => {
      for await (const info of client.workflow.list({
        query: `TaskQueue = '${harness.taskQueue}' AND OrderStatus = 'placed' AND OrderLevel = 'none' AND OrderUnit = 'none' AND OrderBounces = 0 AND OrderOverdue = false`,
      })) {
        if (info.workflowId === handle.workflowId) return info.workflowId;
      }
      return undefined;
    });
    expect(found).toBe(handle.workflowId);
    expect((await handle.describe()).searchAttributes.OrderDeadline).toEqual([new Date(input.triage!.dueAt)]);

    // The next change upserts as always.
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-street' }, actor: DISPATCHER });
    await waitForState(handle, (v) => v.order.status === 'dispatched' && v.deadline?.stage === 'accept');
    // (with the deadline-in-update patch's TemporalChangeVersion upsert beside it)
    await eventually('the dispatch upserted', async () => ((await historyKinds(handle)).upserts >= 1 ? true : undefined));
    const described = await handle.describe();
    expect(described.searchAttributes.OrderStatus).toEqual(['dispatched']);
    await recordPath(handle, 'v4-attributes-at-start');
    await handle.terminate('test done');
  });

  it('withoutAttributes.historyCheck: started without attributes (an older starter), the first task upserts them all', async () => {
    const input = placedInput();
    const handle = await client.workflow.start(SERVICE_ORDER_WORKFLOW, { taskQueue: harness.taskQueue, workflowId: `order-${input.orderId}`, args: [input] });
    await waitForState(handle, (v) => v.deadline !== null);
    await eventually('the first task upserted', async () => ((await historyKinds(handle)).upserts === 1 ? true : undefined));
    expect((await handle.describe()).searchAttributes.OrderStatus).toEqual(['placed']);
    await handle.terminate('test done');
  });
});
