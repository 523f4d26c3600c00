// Shared set-up of dispatch's tests: the real servers from the environment global setup gave us,
// names unique to this run (topics, groups, task queues), the demo district in this run's database,
// and a Worker running the stand-in serviceOrder workflow.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createKafka, createLogger, createPrisma, ensureTopics, topicNames, type PrismaClient } from '@diandan/platform';
import { seedDemoDistrict, seedDemoUsers } from '../../../infra/seed/apply';

export const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through npx jest (global setup)`);
  return value;
};

export const runId = (): string => env('DIANDAN_TEST_RUN_ID');
export const unique = (what: string): string => `${runId()}-dispatch-${what}-${randomUUID().slice(0, 8)}`;
export const logger = createLogger('dispatch-test', process.env.TEST_LOG_LEVEL ?? 'silent');

export const kafkaFor = (what: string) => createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique(what) });

/** Fresh topics (and their dead-letter topics) for one test file. */
export async function freshTopics(what: string) {
  const topics = topicNames(`${unique(what)}-`);
  await ensureTopics(kafkaFor(what), Object.values(topics), 3);
  return topics;
}

export const testPrisma = (): PrismaClient => createPrisma(env('DATABASE_URL'), { maxConnections: 5 });

let seeded: Promise<void> | undefined;
/** The demo district and staff, once per test file (idempotent upserts, so files may race). */
export function seedOnce(prisma: PrismaClient): Promise<void> {
  seeded ??= (async () => {
    // Test files run in parallel on one database: two first upserts of a row can collide; the
    // second try finds the row and updates it.
    for (let attempt = 1; ; attempt++) {
      try {
        await seedDemoDistrict(prisma);
        await seedDemoUsers(prisma);
        return;
      } catch (error) {
        if (attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  })();
  return seeded;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export interface TemporalFixture {
  client: Client;
  taskQueue: string;
  close: () => Promise<void>;
}

/** A worker with the stand-in serviceOrder on a unique task queue, and a client. */
export async function startFixtureWorker(): Promise<TemporalFixture> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle ??= bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures/service-order-workflow.ts'), logger: new DefaultLogger('WARN') });
  const taskQueue = unique('tq');
  const address = env('TEMPORAL_ADDRESS');
  const namespace = env('TEMPORAL_NAMESPACE');
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, namespace, taskQueue, workflowBundle: await bundle });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    client,
    taskQueue,
    close: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}
