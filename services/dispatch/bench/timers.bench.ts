// Benchmark (not a test): load that grows with time. N open orders (default 10,000) whose triage
// deadlines fall due within a few minutes of each other, on the real Temporal server, Kafka and
// PostgreSQL, with the real serviceOrder workflow and activities in a worker in this process.
// Measures, from each order's own deadline to its event on orders.lifecycle:
//   warnAt → order.urged (催办)   and   dueAt → the deadline event (overdue/escalation),
// p50/p99, and the worker process's RSS while all of them are open. docs/performance.md.
//
//   (ROOT=$PWD; source infra/local/env.sh; npx tsx services/dispatch/bench/timers.bench.ts [orders=10000] [deadlineMinutes=10])
//   eval "$(bash infra/local/diandan env --cluster)" first for the cluster profile.
//
// A bench category `bench-timers-<run>` with a deadline of `deadlineMinutes` calendar minutes for
// triage is added for the run and removed after; the workflows (own task queue) are terminated.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { generateTrackingCode, lifecycleEventSchema } from '@diandan/domain';
import { createKafka, createLogger, createPrisma, createProducer, ensureTopics, topicNames } from '@diandan/platform';
import { createActivities, SERVICE_ORDER_WORKFLOW, type ServiceOrderInput } from '@diandan/workflows';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const need = (name: string) => process.env[name] ?? (console.error(`${name} is not set: source infra/local/env.sh first`), process.exit(2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const orders = Number(process.argv[2] ?? 10_000);
  const deadlineMinutes = Number(process.argv[3] ?? 10);
  const logger = createLogger('bench', 'warn');
  const run = Date.now().toString(36);
  const prefix = `bench-timers-${run}-`;
  const topics = topicNames(prefix);
  const category = `bench-timers-${run}`;
  const kafka = createKafka({ brokers: need('KAFKA_BROKERS').split(','), clientId: 'bench-timers' }, logger);
  await ensureTopics(kafka, Object.values(topics), 6, {
    replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
    minInsyncReplicas: Number(process.env.KAFKA_MIN_INSYNC_REPLICAS ?? 1),
  });
  const prisma = createPrisma(need('DATABASE_URL'), { maxConnections: 10 });
  // Triage (an order nobody dispatches) due after `deadlineMinutes` calendar minutes: urged at 80 %.
  await prisma.category.create({
    data: {
      code: category,
      name: `benchmark ${run}`,
      deadlines: { normal: { triage: { amount: deadlineMinutes / 1440, unit: 'calendar_day' } } },
    },
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const connection = await Connection.connect({ address: need('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const nativeConnection = await NativeConnection.connect({ address: need('TEMPORAL_ADDRESS') });
  const taskQueue = `${prefix}orders`;
  console.log(`timer benchmark: ${orders} open orders, triage deadline ${deadlineMinutes} min (Temporal ${need('TEMPORAL_ADDRESS')})`);

  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '../../../workflows/src/workflows.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
    activities: createActivities({ prisma, producer, lifecycleTopic: topics.lifecycle }),
    maxConcurrentWorkflowTaskExecutions: 100,
  });
  const workerRun = worker.run();
  let rssMax = 0;
  const sampling = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 1000);

  // Deadlines as the workflow computed them (from its events), and when their events arrived.
  const warnAt = new Map<string, number>();
  const dueAt = new Map<string, number>();
  const urgedLag: number[] = [];
  const dueLag: number[] = [];
  const watcher = kafka.consumer({ groupId: `${prefix}watcher` });
  await watcher.connect();
  await watcher.subscribe({ topic: topics.lifecycle, fromBeginning: true });
  await watcher.run({
    eachMessage: async ({ message }) => {
      const arrived = Date.now();
      const parsed = lifecycleEventSchema.safeParse(JSON.parse(String(message.value)));
      if (!parsed.success) return;
      const event = parsed.data;
      const deadline = (event.data as { deadline?: { warnAt: string; dueAt: string; overdue: boolean } } | undefined)?.deadline;
      if (deadline && !deadline.overdue && !dueAt.has(event.orderId)) {
        warnAt.set(event.orderId, Date.parse(deadline.warnAt));
        dueAt.set(event.orderId, Date.parse(deadline.dueAt));
      }
      if (event.type === 'order.urged' && warnAt.has(event.orderId)) urgedLag.push(arrived - warnAt.get(event.orderId)!);
      else if (
        event.type !== 'order.placed' &&
        event.type !== 'order.urged' &&
        dueAt.has(event.orderId) &&
        arrived >= dueAt.get(event.orderId)!
      ) {
        dueLag.push(arrived - dueAt.get(event.orderId)!);
        dueAt.set(event.orderId, Number.POSITIVE_INFINITY); // count the first deadline event only
      }
    },
  });

  const ids: string[] = [];
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < orders) {
        next++;
        const orderId = randomUUID();
        ids.push(orderId);
        const input: ServiceOrderInput = {
          orderId,
          trackingCode: generateTrackingCode((n) => randomBytes(n)),
          channel: 'api',
          content: '压测：定时器负载',
          categoryCode: category,
          priority: 'normal',
          placedAt: new Date().toISOString(),
        };
        await client.workflow.start(SERVICE_ORDER_WORKFLOW, { taskQueue, workflowId: `order-${orderId}`, args: [input] });
      }
    }),
  );
  const startSeconds = (Date.now() - started) / 1000;
  console.log(
    `  started ${orders} workflows in ${startSeconds.toFixed(0)} s (${(orders / startSeconds).toFixed(0)}/s); RSS ${mb(process.memoryUsage().rss)}`,
  );
  if (startSeconds > deadlineMinutes * 60 * 0.8) console.log('  ! starting took longer than the warn time: raise deadlineMinutes');

  // Until every order was urged and passed its deadline (or 3 minutes after the last deadline).
  const waitUntil = () => Math.max(...[...dueAt.values()].filter(Number.isFinite), Date.now()) + 180_000;
  while ((urgedLag.length < orders || dueLag.length < orders) && Date.now() < waitUntil()) await sleep(1000);

  clearInterval(sampling);
  console.log(
    `  deadline → order.urged:      p50 ${percentile(urgedLag, 50).toFixed(0)} ms  p99 ${percentile(urgedLag, 99).toFixed(0)} ms  (${urgedLag.length}/${orders})`,
  );
  console.log(
    `  deadline → deadline event:   p50 ${percentile(dueLag, 50).toFixed(0)} ms  p99 ${percentile(dueLag, 99).toFixed(0)} ms  (${dueLag.length}/${orders})  (aim p99 < 2 s)`,
  );
  console.log(`  process RSS (worker + client + watcher) max ${mb(rssMax)}  (aim < 500 MB)`);

  await watcher.disconnect();
  // Leave nothing behind: the bench's workflows, its category.
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map((id) =>
        client.workflow
          .getHandle(`order-${id}`)
          .terminate('benchmark done')
          .catch(() => undefined),
      ),
    );
  }
  await prisma.category.delete({ where: { code: category } }).catch(() => undefined);
  worker.shutdown();
  await workerRun;
  await producer.disconnect();
  await prisma.$disconnect();
  await connection.close();
  await nativeConnection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
