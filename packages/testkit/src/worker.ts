// The worker rig (moved from workflows/test/harness.ts): the serviceOrder workflow on real servers: the time-skipping test server (or
// the dev server), the real activities against this run's PostgreSQL database and real Kafka
// topics under a unique prefix, and a small unit tree seeded for the ladder.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  Client as TemporalClient,
  Connection as ClientConnection,
  type Client,
  type Connection,
  type WorkflowHandle,
} from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '@diandan/domain';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  AesGcmPayloadCodec, createKafka, createLogger, createPrisma, createProducer, encryptingDataConverter, ensureTopics, topicNames, type PrismaClient,
} from '@diandan/platform';
import type { Kafka, Producer } from 'kafkajs';
import { actUpdate, createActivities, createCycleActivities, createDeadlineCalculator, createProjectActivities, searchAttributesAtStart, stateQuery, SERVICE_ORDER_WORKFLOW, type ActRequest, type OrderView, type ServiceOrderInput } from '@diandan/workflows';
import { env, runId as currentRunId } from './env';
import { installTestRuntime } from './runtime';

installTestRuntime();

/**
 * A district with one street and two communities; the wage-arrears category routes to HRSS at
 * district level. Named apart from the demo district (seeded into the same run database by the
 * end-to-end suites), so that routing by the names in an address never finds these units.
 */
export const UNITS = [
  { id: 'wf-fed', name: '流程测试区群团联合会', kind: 'district_federation', level: 'district', parentId: null },
  { id: 'wf-hrss', name: '流程测试区人社局', kind: 'district_department', level: 'district', parentId: 'wf-fed' },
  { id: 'wf-street', name: '流程测试观音桥街道', kind: 'street', level: 'street', parentId: 'wf-fed' },
  { id: 'wf-community', name: '流程测试建新北路社区', kind: 'community', level: 'community', parentId: 'wf-street' },
  { id: 'wf-community-2', name: '流程测试西南村社区', kind: 'community', level: 'community', parentId: 'wf-street' },
] as const;
export const CATEGORY = 'wf-wage-arrears';

export async function seedReferenceData(prisma: PrismaClient): Promise<void> {
  // INSERT … ON CONFLICT DO NOTHING: suites seed the run's database at the same moment, and
  // Prisma's upsert (select, then insert) lost that race with a unique-constraint error.
  await prisma.unit.createMany({ data: UNITS.map((unit) => ({ ...unit })), skipDuplicates: true });
  await prisma.category.createMany({
    data: [{ code: CATEGORY, name: '流程测试欠薪求助', responsible: { district: 'wf-hrss' } }],
    skipDuplicates: true,
  });
}

const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

/** The time-skipping server starts empty: register the workflow's search attributes on it. */
export async function registerSearchAttributes(connection: Connection, namespace = 'default'): Promise<void> {
  const searchAttributes = Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED[type]!]));
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export const workflowBundle = (): Promise<WorkflowBundleWithSourceMap> =>
  (bundle ??= bundleWorkflowCode({ workflowsPath: path.join(__dirname, '../../../workflows/src/workflows.ts'), logger: new DefaultLogger('WARN') }));

/** The payload codec of the test rigs: a test key, so that tests run encrypted as production does. */
export const testCodec = new AesGcmPayloadCodec([{ id: 'test-1', key: Buffer.alloc(32, 7) }]);

export interface Harness {
  prisma: PrismaClient;
  kafka: Kafka;
  producer: Producer;
  topics: ReturnType<typeof topicNames>;
  taskQueue: string;
  /**
   * A worker of this harness's task queue; `namespace` is the time-skipping server's 'default' unless given.
   * With `client` (the one the test talks through) it runs the project and bundling activities too.
   */
  createWorker(connection: NativeConnection, namespace?: string, options?: { encrypted?: boolean; referenceCacheMs?: number; client?: Client }): Promise<Worker>;
  close(): Promise<void>;
}

export async function createHarness(name: string): Promise<Harness> {
  const runId = currentRunId();
  const prisma = createPrisma(env('DATABASE_URL'), { maxConnections: 4 });
  await seedReferenceData(prisma);
  const kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: `test-${name}` }, createLogger('test', 'silent'));
  const topics = topicNames(`${runId}-${name}-${randomUUID().slice(0, 6)}-`);
  await ensureTopics(kafka, Object.values(topics), 1);
  const producer = createProducer(kafka);
  await producer.connect();
  const taskQueue = `${runId}-${name}-${randomUUID().slice(0, 8)}`;
  return {
    prisma,
    kafka,
    producer,
    topics,
    taskQueue,
    createWorker: async (connection, namespace = 'default', options = {}) =>
      Worker.create({
        connection,
        namespace,
        ...(options.encrypted ? { dataConverter: encryptingDataConverter(testCodec) } : {}),
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: {
          ...createActivities({ prisma, producer, lifecycleTopic: topics.lifecycle, ...(options.referenceCacheMs === undefined ? {} : { cacheTtlMs: options.referenceCacheMs }) }),
          ...createCycleActivities({ producer, cyclesTopic: topics.cycles }),
          ...(options.client ? createProjectActivities({ prisma, producer, projectsTopic: topics.projects, temporal: options.client }) : {}),
        },
      }),
    close: async () => {
      await producer.disconnect();
      await prisma.$disconnect();
    },
  };
}

export function placedInput(overrides: Partial<ServiceOrderInput> = {}): ServiceOrderInput {
  const orderId = randomUUID();
  return {
    orderId,
    trackingCode: `DD-${orderId.slice(0, 4).toUpperCase()}-TEST`,
    channel: 'hotline',
    categoryCode: CATEGORY,
    priority: 'normal',
    placedAt: new Date().toISOString(),
    ...overrides,
  };
}

export async function startOrder(client: Client, taskQueue: string, input: ServiceOrderInput): Promise<WorkflowHandle> {
  return client.workflow.start(SERVICE_ORDER_WORKFLOW, { taskQueue, workflowId: `order-${input.orderId}`, args: [input] });
}

/**
 * Starts an order the way services/dispatch's starter does: the triage clock computed before the
 * start (with the worker's own rules and calendar) and every search attribute set at start.
 */
export async function startAsTheStarter(
  client: Client,
  taskQueue: string,
  prisma: PrismaClient,
  overrides: Partial<ServiceOrderInput> = {},
): Promise<{ handle: WorkflowHandle; input: ServiceOrderInput }> {
  const placed = placedInput(overrides);
  const due = await createDeadlineCalculator({ prisma }).computeDeadline({
    ...(placed.categoryCode === undefined ? {} : { categoryCode: placed.categoryCode }),
    priority: placed.priority,
    level: null,
    stage: 'triage',
    from: placed.placedAt,
  });
  const input: ServiceOrderInput = { ...placed, triage: { dueAt: due.dueAt, warnAt: due.warnAt, referenceVersion: due.referenceVersion } };
  const handle = await client.workflow.start(SERVICE_ORDER_WORKFLOW, { taskQueue, workflowId: `order-${input.orderId}`, args: [input], typedSearchAttributes: searchAttributesAtStart(input) });
  return { handle, input };
}

export const act = (handle: WorkflowHandle, request: ActRequest): Promise<OrderView> =>
  handle.executeUpdate(actUpdate, { args: [request] });

export const state = (handle: WorkflowHandle): Promise<OrderView> => handle.query(stateQuery);

/** Polls the workflow's state until `done` holds (the order is placed asynchronously). */
export async function waitForState(handle: WorkflowHandle, done: (view: OrderView) => boolean, timeoutMs = 20_000): Promise<OrderView> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const view = await state(handle);
    if (done(view)) return view;
    if (Date.now() > end)
      throw new Error(`timed out; last state ${view.order.status}, events ${view.timeline.map((e) => e.type).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const DISPATCHER = { role: 'dispatcher', id: 'dispatcher-1' } as const;
export const handlerOf = (unitId: string) => ({ role: 'unit_handler', id: `handler-${unitId}`, unitId }) as const;

/** 派单 → accept → opinion → resolve by the unit's handler: the order then awaits its rating. */
export async function resolveOrder(handle: WorkflowHandle, unitId = 'wf-community', result = '已协调施工方补发工资'): Promise<OrderView> {
  const unit = handlerOf(unitId);
  await act(handle, { command: { type: 'dispatch', unitId }, actor: DISPATCHER });
  await act(handle, { command: { type: 'accept' }, actor: unit });
  await act(handle, { command: { type: 'opinion', opinion: '已受理，三个工作日内答复' }, actor: unit });
  return act(handle, { command: { type: 'resolve', result }, actor: unit });
}
export const RESIDENT = { role: 'resident' } as const;
export const types = (view: OrderView): string[] => view.timeline.map((e) => e.type);

export interface DevServerRig {
  harness: Harness;
  client: Client;
  close(): Promise<void>;
}

/** The real serviceOrder workflow running on the dev server, on a task queue of this test file's own. */
export async function startOnDevServer(name: string, options: { referenceCacheMs?: number } = {}): Promise<DevServerRig> {
  const harness = await createHarness(name);
  const nativeConnection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const connection = await ClientConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  // Encrypted on both sides, as in production (packages/platform/src/codec.ts).
  const client = new TemporalClient({ connection, namespace: env('TEMPORAL_NAMESPACE'), dataConverter: encryptingDataConverter(testCodec) });
  const worker = await harness.createWorker(nativeConnection, env('TEMPORAL_NAMESPACE'), { encrypted: true, client, ...options });
  const running = worker.run();
  return {
    harness,
    client,
    close: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await harness.close();
    },
  };
}
