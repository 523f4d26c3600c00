// Temporal on the real servers: the dev server (the one `npm run up` starts) runs a workflow to
// completion, and the time-skipping test server lets a workflow sleep 30 days in seconds.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '@diandan/domain';
import { assertSearchAttributes } from '@diandan/platform';
import { greet, sleepThirtyDays } from './fixtures/infra-workflows';

Runtime.install({ logger: new DefaultLogger('WARN') });

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through npm test`);
  return v;
};

let workflowBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, 'fixtures/infra-workflows.ts'),
    logger: new DefaultLogger('WARN'),
  });
});

describe('Temporal dev server', () => {
  it('workflow.completionCheck: a workflow started through the client completes on a worker', async () => {
    const taskQueue = `${process.env.DIANDAN_TEST_RUN_ID}-infra-${randomUUID().slice(0, 8)}`;
    const address = env('TEMPORAL_ADDRESS');
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle, namespace: env('TEMPORAL_NAMESPACE') });
    const connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') });
    try {
      const result = await worker.runUntil(
        client.workflow.execute(greet, { taskQueue, workflowId: `infra-greet-${randomUUID()}`, args: ['点单'] }),
      );
      expect(result).toBe('你好, 点单');
      // `npm run up` registered the serviceOrder search attributes: the worker's start-up check passes.
      await expect(assertSearchAttributes(connection, env('TEMPORAL_NAMESPACE'), Object.keys(SEARCH_ATTRIBUTES))).resolves.toBeUndefined();
      // …and a missing one is refused by its name.
      await expect(assertSearchAttributes(connection, env('TEMPORAL_NAMESPACE'), ['OrderStatus', 'OrderMood'])).rejects.toThrow(
        /lacks search attributes: OrderMood \(/,
      );
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});

describe('Temporal time-skipping server', () => {
  let testEnv: TestWorkflowEnvironment;
  beforeAll(async () => {
    testEnv = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: env('TEMPORAL_TEST_SERVER') } },
    });
  });
  afterAll(() => testEnv?.teardown());

  it('sleep.timeSkipCheck: a workflow that sleeps 30 days finishes in seconds', async () => {
    const taskQueue = `infra-sleep-${randomUUID().slice(0, 8)}`;
    const worker = await Worker.create({ connection: testEnv.nativeConnection, taskQueue, workflowBundle });
    // Within jest's per-test timeout (60 s of wall time), 30 days of workflow time pass.
    const daysPassed = await worker.runUntil(
      testEnv.client.workflow.execute(sleepThirtyDays, { taskQueue, workflowId: `infra-sleep-${randomUUID()}` }),
    );
    expect(daysPassed).toBeGreaterThanOrEqual(30);
  });
});
