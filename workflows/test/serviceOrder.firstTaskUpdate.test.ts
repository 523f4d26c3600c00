// An update in the order's very first workflow task (docs/lifecycle.md, "An update in the first
// task"): a dispatcher who sees a new order in the read model can dispatch it before the worker ran
// the order's first task. Such a run must replay — after a cache eviction or a worker restart the
// worker rebuilds it from its history — or it is stuck in workflow-task retries. Before the
// update-after-first-pass patch its replay failed ("UpsertWorkflowSearchAttributesMachine does not
// handle WorkflowExecutionUpdateCompleted"): the handler's and the main loop's commands interleaved
// in an order the replayed activations did not repeat.
import { Client, Connection, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { encryptingDataConverter } from '@diandan/platform';
import { createHarness, DISPATCHER, handlerOf, startAsTheStarter, testCodec, waitForState, workflowBundle, type Harness } from '@diandan/testkit';
import { actUpdate, PATCHES } from '../src/contract';
import { recordPath } from './corpus';

let harness: Harness;
let client: Client;
let connection: Connection;
let native: NativeConnection;

beforeAll(async () => {
  harness = await createHarness('first-task-update');
  native = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE!, dataConverter: encryptingDataConverter(testCodec) });
}, 120_000);

afterAll(async () => {
  await connection?.close();
  await native?.close();
  await harness?.close();
});

/** Started as services/dispatch's starter starts an order: search attributes and triage clock at start. */
const start = async (): Promise<WorkflowHandle> => (await startAsTheStarter(client, harness.taskQueue, harness.prisma)).handle;

const dispatchTo = (unitId: string) => ({ command: { type: 'dispatch' as const, unitId }, actor: DISPATCHER });

/** Replays the run's history on today's code, as a worker does after evicting it; null when it replays. */
async function replayError(handle: WorkflowHandle): Promise<string | null> {
  const history = await handle.fetchHistory();
  return Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [testCodec] } }, history, handle.workflowId).then(
    () => null,
    (error: Error) => error.message,
  );
}

/** Whether the run's history carries the patch's marker (its id is in the marker's payload). */
async function hasPatchMarker(handle: WorkflowHandle): Promise<boolean> {
  return Buffer.from(temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish()).includes(Buffer.from(PATCHES.updateAfterFirstPass));
}

describe('an update in the first workflow task', () => {
  it('firstTask.replayCheck: dispatched before any worker ran the order, and while the worker starts it; every run replays', async () => {
    // Five orders whose dispatch waits with the first task (no worker polls yet), so the task
    // carries both the start and the update.
    const early = await Promise.all([1, 2, 3, 4, 5].map(() => start()));
    const accepted = early.map((handle) => handle.startUpdate(actUpdate, { args: [dispatchTo('wf-street')], waitForStage: WorkflowUpdateStage.ACCEPTED }));
    // Let the updates reach the server before a worker polls the queue.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const worker = await harness.createWorker(native, process.env.TEMPORAL_NAMESPACE!, { encrypted: true, client });
    const running = worker.run();
    let racing: WorkflowHandle[] = [];
    try {
      for (const update of accepted) expect((await (await update).result()).order.status).toBe('dispatched');
      // Five more dispatched the moment they start, racing the worker's first task.
      racing = await Promise.all([1, 2, 3, 4, 5].map(() => start()));
      await Promise.all(racing.map((handle) => handle.executeUpdate(actUpdate, { args: [dispatchTo('wf-street')] })));
      for (const handle of [...early, ...racing]) {
        // The first task's work is all done: the placed and dispatched events published, the accept clock running.
        await waitForState(handle, (v) => v.order.status === 'dispatched' && v.deadline?.stage === 'accept');
      }
      // The early ones took the patched way (its marker is in their histories).
      for (const handle of early) expect(await hasPatchMarker(handle)).toBe(true);
      // The run goes on after it: the unit accepts.
      const onward = await early[0]!.executeUpdate(actUpdate, { args: [{ command: { type: 'accept' }, actor: handlerOf('wf-street') }] });
      expect(onward.order.status).toBe('accepted');
      await waitForState(early[0]!, (v) => v.deadline?.stage === 'opinion');
      await recordPath(early[0]!, 'v6-update-in-first-task');
      const failures: string[] = [];
      for (const handle of [...early, ...racing]) {
        const error = await replayError(handle);
        if (error) failures.push(`${handle.workflowId}: ${error}`);
      }
      expect(failures).toEqual([]);
    } finally {
      worker.shutdown();
      await running;
      for (const handle of [...early, ...racing]) await handle.terminate('test done').catch(() => undefined);
    }
  }, 180_000);
});
