// Benchmark (not a test): orders pushed into orders.placed → serviceOrder workflows running →
// read-model rows, on the real Kafka, Temporal dev server and PostgreSQL, with the real starter,
// worker and projector in the processes production gives them: the worker in a process of its own,
// the starter and both projections in another (the dispatch service's consumers), and the placer,
// the watcher and the read-model polling in this one (BENCH_ONE_PROCESS=1 puts everything in this
// process, as before 2026-11-30 evening: on 2 cores its event loop, not the pipeline, was the limit).
// In the same run: the start rate of an empty workflow on the same Temporal server. Prints
// orders/s, p50/p99 latencies and the ratio.
//
//   source infra/local/env.sh   (or ROOT=$PWD; source infra/local/env.sh)
//   npx tsx services/dispatch/bench/dispatch.bench.ts [orders=1000] [ratePerSecond=100]
// Payloads are encrypted with TEMPORAL_CODEC_KEYS as in production; BENCH_CODEC=off measures without.
// BENCH_JSON=file also writes the figures as JSON (profiles.bench.ts runs this on both profiles).
// Before/after switches (ab.bench.ts runs both in one run): BENCH_ATTRIBUTES_AT_START=0 (the
// workflow upserts its search attributes), BENCH_PUBLISHING=direct (one produce request per
// publishEvents), BENCH_PROJECTOR_BATCH=0 (one transaction per event), BENCH_CONCURRENT_STARTS=0
// (the starter starts a partition's orders one after another).
// An order counts as projected when the lifecycle projector wrote its order.placed (lastSeq ≥ 1):
// the intake projection creates the row from orders.placed on its own, without any workflow.
// Topics get KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS replicas (3 / 2 in the cluster profile).
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { generateTrackingCode, lifecycleEventSchema, type OrderPlaced } from '@diandan/domain';
import {
  AesGcmPayloadCodec,
  createKafka,
  createLogger,
  createPrisma,
  createProducer,
  encryptingDataConverter,
  ensureTopics,
  publish,
  topicNames,
} from '@diandan/platform';

const attributesAtStart = process.env.BENCH_ATTRIBUTES_AT_START !== '0';
const publishMode = process.env.BENCH_PUBLISHING === 'direct' ? 'direct' : 'batched';
const projectorBatch = process.env.BENCH_PROJECTOR_BATCH !== '0';
const concurrentStarts = process.env.BENCH_CONCURRENT_STARTS !== '0';

/** Wraps each activity to record how long it took: where the first workflow task waits. */
function timed(activities: Activities, durations: Map<string, number[]>): Activities {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    durations.set(name, []);
    wrapped[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        durations.get(name)!.push(performance.now() - started);
      }
    };
  }
  return wrapped as unknown as Activities;
}
import { createActivities, createDeadlineCalculator, type Activities } from '@diandan/workflows';
import { startIntakeProjection } from '../src/intakeProjection';
import { startProjector } from '../src/projector';
import { startStarter } from '../src/starter';
import { cpuSnapshot, cpuTable } from './cpu';
import { emptyWorkflow } from './empty-workflow';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const need = (name: string) => process.env[name] ?? (console.error(`${name} is not set: source infra/local/env.sh first`), process.exit(2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function emptyStartRate(client: Client, nativeConnection: NativeConnection, count: number): Promise<number> {
  const taskQueue = `bench-empty-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'empty-workflow.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
  });
  const running = worker.run();
  const started = Date.now();
  let next = 0;
  const handles: WorkflowHandle[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        next++;
        handles.push(await client.workflow.start(emptyWorkflow, { taskQueue, workflowId: `bench-empty-${randomUUID()}` }));
      }
    }),
  );
  const rate = count / ((Date.now() - started) / 1000);
  // Let them finish before the worker goes (a worker shut down at once left hundreds running on
  // the cluster profile, with no worker on their queue ever again); what is not done in a minute
  // is terminated.
  const finished = await Promise.race([Promise.all(handles.map((h) => h.result())).then(() => true, () => false), sleep(60_000).then(() => false)]);
  if (!finished) await Promise.all(handles.map((h) => h.terminate('benchmark done').catch(() => undefined)));
  worker.shutdown();
  await running;
  return rate;
}

interface Roles {
  prefix: string;
  taskQueue: string;
}

/** The pieces of the pipeline that production runs as the worker and the dispatch service. */
async function startPipeline(
  roles: Roles,
  which: 'worker' | 'dispatch' | 'both',
): Promise<{ durations: Map<string, number[]>; stop: () => Promise<void> }> {
  const logger = createLogger('bench', 'warn');
  const topics = topicNames(roles.prefix);
  const kafka = createKafka({ brokers: need('KAFKA_BROKERS').split(','), clientId: `bench-${which}` }, logger);
  const prisma = createPrisma(need('DATABASE_URL'), { maxConnections: 10 });
  const connection = await Connection.connect({ address: need('TEMPORAL_ADDRESS') });
  const dataConverter =
    process.env.BENCH_CODEC === 'off' ? undefined : encryptingDataConverter(AesGcmPayloadCodec.fromConfig(need('TEMPORAL_CODEC_KEYS')));
  const client = new Client({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    ...(dataConverter ? { dataConverter } : {}),
  });
  const durations = new Map<string, number[]>();
  const stops: (() => Promise<void>)[] = [];
  if (which !== 'dispatch') {
    const producer = createProducer(kafka);
    await producer.connect();
    const nativeConnection = await NativeConnection.connect({ address: need('TEMPORAL_ADDRESS') });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: roles.taskQueue,
      ...(dataConverter ? { dataConverter } : {}),
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: path.join(__dirname, '../../../workflows/src/workflows.ts'),
        logger: new DefaultLogger('ERROR'),
      }),
      activities: timed(createActivities({ prisma, producer, lifecycleTopic: topics.lifecycle, publishing: publishMode }), durations),
      maxConcurrentWorkflowTaskExecutions: Number(process.env.BENCH_WORKFLOW_TASK_SLOTS ?? 100),
    });
    const workerRun = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await workerRun;
      await producer.disconnect();
      await nativeConnection.close();
    });
  }
  if (which !== 'worker') {
    const starter = await startStarter({
      kafka,
      client,
      taskQueue: roles.taskQueue,
      logger,
      topic: topics.placed,
      deadLetterTopic: topics.placedDlq,
      groupId: `${roles.prefix}starter`,
      attributesAtStart,
      concurrentStarts,
      deadlines: createDeadlineCalculator({ prisma }),
    });
    // The intake facts (text, address, attachments) reach the read model beside the workflow.
    const intakeProjection = await startIntakeProjection({
      kafka,
      prisma,
      logger,
      topic: topics.placed,
      deadLetterTopic: topics.placedDlq,
      groupId: `${roles.prefix}intake`,
    });
    const projector = await startProjector({
      kafka,
      prisma,
      logger,
      topic: topics.lifecycle,
      deadLetterTopic: topics.lifecycleDlq,
      groupId: `${roles.prefix}projector`,
      batch: projectorBatch,
    });
    stops.unshift(async () => {
      await starter.stop();
      await projector.stop();
      await intakeProjection.stop();
    });
  }
  return {
    durations,
    stop: async () => {
      for (const stop of stops) await stop();
      await prisma.$disconnect();
      await connection.close();
    },
  };
}

/** A child process running part of the pipeline; answers `durations` and `stop` over IPC. */
async function runRole(which: 'worker' | 'dispatch', roles: Roles): Promise<void> {
  const pipeline = await startPipeline(roles, which);
  process.on('message', (message: { durations?: boolean; stop?: boolean }) => {
    if (message.durations) process.send?.({ durations: Object.fromEntries(pipeline.durations) });
    if (message.stop) void pipeline.stop().then(() => process.exit(0));
  });
  // A bench that died leaves no pipeline behind (its children once ran on for an hour).
  process.on('disconnect', () => process.exit(1));
  process.send?.({ ready: true });
}

function forkRole(which: 'worker' | 'dispatch', roles: Roles) {
  const child = fork(__filename, ['--role', which, JSON.stringify(roles)], { stdio: 'inherit' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean }) => message.ready && resolve());
    void exited.then((code) => reject(new Error(`the bench's ${which} process exited (${code})`)));
  });
  return {
    pid: child.pid!,
    ready,
    durations: () =>
      new Promise<Record<string, number[]>>((resolve) => {
        child.on('message', (message: { durations?: Record<string, number[]> }) => message.durations && resolve(message.durations));
        child.send({ durations: true });
      }),
    stop: async () => {
      child.send({ stop: true });
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const orders = Number(process.argv[2] ?? 1000);
  const ratePerSecond = Number(process.argv[3] ?? 100);
  const logger = createLogger('bench', 'warn');
  const prefix = `bench-${Date.now().toString(36)}-`;
  const topics = topicNames(prefix);
  const kafka = createKafka({ brokers: need('KAFKA_BROKERS').split(','), clientId: 'bench' }, logger);
  await ensureTopics(kafka, Object.values(topics), 6, {
    replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
    minInsyncReplicas: Number(process.env.KAFKA_MIN_INSYNC_REPLICAS ?? 1),
  });
  const prisma = createPrisma(need('DATABASE_URL'), { maxConnections: 10 });
  // Orders are placed through a producer of their own, as intake's is not the worker's.
  const placer = createProducer(kafka);
  await placer.connect();
  const connection = await Connection.connect({ address: need('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const nativeConnection = await NativeConnection.connect({ address: need('TEMPORAL_ADDRESS') });
  const taskQueue = `${prefix}orders`;
  const oneProcess = process.env.BENCH_ONE_PROCESS === '1';

  console.log(
    `dispatch benchmark: ${orders} orders at ${ratePerSecond}/s (Kafka ${need('KAFKA_BROKERS')}, Temporal ${need('TEMPORAL_ADDRESS')}; payload codec ${process.env.BENCH_CODEC === 'off' ? 'off' : 'AES-256-GCM'})`,
  );
  console.log(
    `  attributes at start: ${attributesAtStart ? 'yes' : 'no'}; publishing: ${publishMode}; projector: ${projectorBatch ? 'a transaction per batch' : 'a transaction per event'}; starts: ${concurrentStarts ? 'a batch at once' : 'one by one'}; processes: ${oneProcess ? 'one (everything in the bench)' : 'worker | starter + projections | placer'}`,
  );
  const emptyCount = Math.min(orders, 500);
  const emptyCpuBefore = cpuSnapshot(new Map([[process.pid, 'client and worker of the empty workflow']]));
  const emptyRate = await emptyStartRate(client, nativeConnection, emptyCount);
  const emptyCpu = cpuTable(
    emptyCpuBefore,
    cpuSnapshot(new Map([[process.pid, 'client and worker of the empty workflow']])),
    emptyCount,
    emptyCount / emptyRate,
    { what: 'empty workflows started', per: 'start' },
  );
  console.log(`  empty workflow starts: ${emptyRate.toFixed(0)}/s (16 concurrent clients)`);
  for (const line of emptyCpu) console.log(line);

  const roles: Roles = { prefix, taskQueue };
  let collectDurations: () => Promise<Record<string, number[]>>;
  let stopPipeline: () => Promise<void>;
  const benchProcesses = new Map<number, string>([[process.pid, oneProcess ? 'everything (one process)' : 'placer, watcher, polling']]);
  if (oneProcess) {
    const pipeline = await startPipeline(roles, 'both');
    collectDurations = async () => Object.fromEntries(pipeline.durations);
    stopPipeline = pipeline.stop;
  } else {
    const worker = forkRole('worker', roles);
    const dispatch = forkRole('dispatch', roles);
    await Promise.all([worker.ready, dispatch.ready]);
    benchProcesses.set(worker.pid, 'worker (workflows, activities)');
    benchProcesses.set(dispatch.pid, 'starter + projections');
    collectDurations = worker.durations;
    stopPipeline = async () => {
      await dispatch.stop();
      await worker.stop();
    };
  }

  // (a) running: the workflow's first lifecycle event (order.placed) is on orders.lifecycle.
  const placedAt = new Map<string, number>();
  const runningAt = new Map<string, number>();
  const watcher = kafka.consumer({ groupId: `${prefix}watcher` });
  await watcher.connect();
  await watcher.subscribe({ topic: topics.lifecycle, fromBeginning: true });
  await watcher.run({
    eachMessage: async ({ message }) => {
      const event = lifecycleEventSchema.safeParse(JSON.parse(String(message.value)));
      if (event.success && event.data.type === 'order.placed' && !runningAt.has(event.data.orderId))
        runningAt.set(event.data.orderId, Date.now());
    },
  });

  // (b) read model: poll for the rows while the orders are being placed.
  const rowAt = new Map<string, number>();
  let placing = true;
  const polling = (async () => {
    const deadline = Date.now() + 120_000 + (orders * 1000) / ratePerSecond;
    while ((placing || rowAt.size < placedAt.size) && Date.now() < deadline) {
      // Only orders whose workflow already published order.placed can have a projected row: the
      // query stays small (the bench's own polling cost the pipeline CPU when it asked for all).
      const missing = [...runningAt.keys()].filter((id) => !rowAt.has(id));
      for (let i = 0; i < missing.length; i += 5000) {
        const rows = await prisma.order.findMany({
          where: { id: { in: missing.slice(i, i + 5000) }, lastSeq: { gte: 1 } },
          select: { id: true },
        });
        const now = Date.now();
        for (const row of rows) rowAt.set(row.id, now);
      }
      await sleep(50);
    }
  })();

  const started = Date.now();
  const cpuBefore = cpuSnapshot(benchProcesses);
  let notPublished = 0;
  const publishing = (async () => {
    for (let i = 0; i < orders; i++) {
      const orderId = randomUUID();
      const event: OrderPlaced = {
        eventId: `placed-${orderId}`,
        type: 'order.placed',
        orderId,
        trackingCode: generateTrackingCode((n) => randomBytes(n)),
        secretHash: randomBytes(32).toString('hex'),
        channel: 'api',
        content: `压测订单 ${i}：小区门口路灯坏了`,
        priority: 'normal',
        attachments: [],
        placedAt: new Date().toISOString(),
      } as OrderPlaced;
      const due = started + (i * 1000) / ratePerSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      placedAt.set(orderId, Date.now());
      // Not awaited (the offered rate is the point); a send the producer gives up on is counted, not fatal.
      publish(placer, topics.placed, [{ key: orderId, value: event }]).catch(() => {
        placedAt.delete(orderId);
        notPublished++;
      });
    }
    placing = false;
  })();

  await publishing;
  await polling;
  const finished = Date.now();
  const cpuAfter = cpuSnapshot(benchProcesses);

  const ids = [...placedAt.keys()];
  const latency = (seen: Map<string, number>) => ids.filter((id) => seen.has(id)).map((id) => seen.get(id)! - placedAt.get(id)!);
  const running = latency(runningAt);
  const projected = latency(rowAt);
  const throughput = rowAt.size / ((finished - started) / 1000);
  console.log(
    `  orders placed → read-model row: ${rowAt.size}/${orders} in ${((finished - started) / 1000).toFixed(1)} s = ${throughput.toFixed(0)} orders/s`,
  );
  if (notPublished > 0) console.log(`  ${notPublished} orders not published (the producer gave up; left out of the figures)`);
  console.log(
    `  placed → workflow running:  p50 ${fmt(percentile(running, 50))}  p99 ${fmt(percentile(running, 99))}  (${running.length} seen)`,
  );
  console.log(
    `  placed → read-model row:    p50 ${fmt(percentile(projected, 50))}  p99 ${fmt(percentile(projected, 99))}  (${projected.length} seen)`,
  );
  console.log(
    `  ratio orders/s ÷ empty starts/s: ${(throughput / emptyRate).toFixed(2)}  (offered load ${ratePerSecond}/s; at an offered load below capacity, throughput = offered load)`,
  );

  for (const line of cpuTable(cpuBefore, cpuAfter, rowAt.size, (finished - started) / 1000)) console.log(line);
  const activityDurations = new Map(Object.entries(await collectDurations()));
  for (const [name, values] of activityDurations) {
    if (values.length > 0)
      console.log(
        `  activity ${name}: ${values.length} calls, p50 ${fmt(percentile(values, 50))}, p99 ${fmt(percentile(values, 99))}, max ${fmt(Math.max(...values))}`,
      );
  }

  if (process.env.BENCH_JSON) {
    const figures = {
      orders,
      offeredPerSecond: ratePerSecond,
      emptyStartsPerSecond: emptyRate,
      ordersPerSecond: throughput,
      projected: projected.length,
      runningP50: percentile(running, 50),
      runningP99: percentile(running, 99),
      rowP50: percentile(projected, 50),
      rowP99: percentile(projected, 99),
      publishP99: percentile(activityDurations.get('publishEvents') ?? [], 99),
    };
    fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures));
  }
  await watcher.disconnect();
  // The pipeline stops first: its projector would otherwise write events of rows being deleted.
  await stopPipeline();
  // Leave the platform as it was: no benchmark rows in the read model, no lingering workflows.
  for (let i = 0; i < ids.length; i += 5000) {
    const batch = ids.slice(i, i + 5000);
    await prisma.orderEvent.deleteMany({ where: { orderId: { in: batch } } });
    await prisma.order.deleteMany({ where: { id: { in: batch } } });
  }
  // The bench's workflows keep their deadline timers; end them so they do not linger on the dev server.
  for (const id of ids)
    await client.workflow
      .getHandle(`order-${id}`)
      .terminate('benchmark done')
      .catch(() => undefined);
  await placer.disconnect();
  // …and no benchmark topics or consumer groups (dozens of them once cost the local broker a quarter of a core idle).
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups(['starter', 'intake', 'projector', 'watcher'].map((g) => `${prefix}${g}`)).catch(() => undefined);
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.disconnect();
  await prisma.$disconnect();
  await connection.close();
  await nativeConnection.close();
}

if (process.argv[2] === '--role') {
  runRole(process.argv[3] as 'worker' | 'dispatch', JSON.parse(process.argv[4]!) as Roles).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
