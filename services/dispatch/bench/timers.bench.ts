// Benchmark (not a test): load that grows with time. N open orders (default 10,000) carrying live
// deadlines on the real Temporal server, Kafka and PostgreSQL, with the real serviceOrder workflow
// and activities in a worker of their own (a child process, so its RSS is the worker's alone).
//
// Two phases, because the aim is about time, not rate (issue 14: "with 10,000 open orders carrying
// live timers, the time from a deadline to its urge/escalation event stays p99 < 2 s"):
//   1. open N orders whose clocks run for a day (a category of its own): all N stay open, their
//      timers live, none fires during the run;
//   2. with all N open, start M measured orders at R per second (a second category, deadlines of
//      `deadlineMinutes`), so their deadlines fall at R per second too — as a district's do, spread
//      over time, not all at the rate the bench can start them.
// A share of the orders of both phases (default half) is dispatched to a community unit at once,
// so both kinds of deadline run:
//   triage (nobody dispatches):  warnAt → order.urged   dueAt → order.supervisor_alerted
//   accept (nobody accepts):     warnAt → order.urged   dueAt → order.escalated (community → street)
// Measured for the M orders, from each one's own deadline to the event's arrival on orders.lifecycle
// (p50, p95, p99, max), and the worker's RSS (idle, after opening N, max during phase 2, end), with
// the ratios to the aims (p99 < 2 s, RSS < 500 MB). docs/performance.md, "Load that grows with time".
//
//   (ROOT=$PWD; source infra/local/env.sh; npx tsx services/dispatch/bench/timers.bench.ts [open=10000] [measured=300] [perSecond=1] [deadlineMinutes=5] [dispatchedShare=0.5])
//   (The domain urges at 80 % of a stage rounded to whole minutes: below 3 minutes warnAt = dueAt
//   and no urge is measured — a 2-minute run of 2026-11-30 got 0/300 urges for that reason.)
//   eval "$(bash infra/local/diandan env --cluster)" first for the cluster profile.
//   BENCH_MAX_CACHED_WORKFLOWS=n caps the worker's sticky cache (default: the worker's own
//   WORKER_MAX_CACHED_WORKFLOWS default, workflows/src/config.ts; 0 = the SDK's, from the heap size).
//   BENCH_WORKER_HEAP_MB=n sets the worker's V8 old-space limit (--max-old-space-size).
//   BENCH_DISPATCH_AFTER_FIRST_TASK=1 dispatches after the order's first task (default: at once).
//
// Two bench categories `bench-timers-<run>` and `…-open` are added for the run and removed after; the
// workflows (own task queue, own topic) are terminated, so nothing is left behind.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  Client,
  Connection,
  NamespaceNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { generateTrackingCode, lifecycleEventSchema, workflowIdFor } from '@diandan/domain';
import { createKafka, createLogger, createPrisma, createProducer, ensureTopics, topicNames, workerCacheEnv } from '@diandan/platform';
import {
  actUpdate,
  createActivities,
  createDeadlineCalculator,
  searchAttributesAtStart,
  SERVICE_ORDER_WORKFLOW,
  stateQuery,
  type ServiceOrderInput,
} from '@diandan/workflows';

const need = (name: string) => process.env[name] ?? (console.error(`${name} is not set: source infra/local/env.sh first`), process.exit(2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface WorkerSettings {
  taskQueue: string;
  lifecycleTopic: string;
}

/** The worker process: the real workflow bundle and activities; reports its RSS every second. */
async function runWorker(settings: WorkerSettings): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const logger = createLogger('bench-worker', 'warn');
  const kafka = createKafka({ brokers: need('KAFKA_BROKERS').split(','), clientId: 'bench-timers-worker' }, logger);
  const prisma = createPrisma(need('DATABASE_URL'), { maxConnections: 10 });
  const producer = createProducer(kafka);
  await producer.connect();
  // The production worker's cap unless the bench is told another (0 = the SDK's default).
  const cached = Number(
    process.env.BENCH_MAX_CACHED_WORKFLOWS ?? workerCacheEnv.WORKER_MAX_CACHED_WORKFLOWS.parse(process.env.WORKER_MAX_CACHED_WORKFLOWS),
  );
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: need('TEMPORAL_ADDRESS') }),
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: settings.taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '../../../workflows/src/workflows.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
    activities: createActivities({ prisma, producer, lifecycleTopic: settings.lifecycleTopic }),
    maxConcurrentWorkflowTaskExecutions: 100,
    ...(cached > 0 ? { maxCachedWorkflows: cached } : {}),
  });
  const report = setInterval(() => process.send?.({ rss: process.memoryUsage().rss }), 1000);
  process.on('message', (message: { stop?: boolean }) => {
    if (message.stop) worker.shutdown();
  });
  process.on('disconnect', () => process.exit(1)); // the bench died: no worker left behind
  process.send?.({ ready: true, rss: process.memoryUsage().rss, cached });
  await worker.run();
  clearInterval(report);
  await producer.disconnect();
  await prisma.$disconnect();
}

/**
 * Starts the order; the dev server under a flood of starts has answered "namespace not found" for
 * its own default namespace for a moment (2026-11-30, 10,000 starts): asked again, as the starter's
 * retries would. A start that did go through the first time is found by its id.
 */
async function startRetrying(
  client: Client,
  options: {
    taskQueue: string;
    workflowId: string;
    args: [ServiceOrderInput];
    typedSearchAttributes: ReturnType<typeof searchAttributesAtStart>;
  },
): Promise<WorkflowHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.workflow.start(SERVICE_ORDER_WORKFLOW, options);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle(options.workflowId);
      if (!(error instanceof NamespaceNotFoundError) || attempt === 10) throw error;
      startRetries++;
      await sleep(1000);
    }
  }
}
let startRetries = 0;

/** Waits until the run's first task is done (its view shows the placed event and the triage clock). */
async function firstTask(handle: WorkflowHandle): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const view = await handle.query(stateQuery).catch(() => null);
    if (view && view.deadline !== null) return;
    await sleep(100);
  }
  throw new Error(`${handle.workflowId}: no first workflow task within a minute`);
}

interface Clock {
  kind: 'triage' | 'accept';
  warnAt: number;
  dueAt: number;
  /** Its urge arrived: a later one belongs to the next clock (escalated, or alerted again after a full span). */
  urged?: boolean;
}

async function main(): Promise<void> {
  const open = Number(process.argv[2] ?? 10_000);
  const measured = Number(process.argv[3] ?? 300);
  const perSecond = Number(process.argv[4] ?? 1);
  const deadlineMinutes = Number(process.argv[5] ?? 5);
  const dispatchedShare = Number(process.argv[6] ?? 0.5);
  for (const [name, value] of Object.entries({ open, measured, perSecond, deadlineMinutes, dispatchedShare }))
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, got ${value}`);
  const logger = createLogger('bench', 'warn');
  const run = Date.now().toString(36);
  const prefix = `bench-timers-${run}-`;
  const topics = topicNames(prefix);
  const near = `bench-timers-${run}`;
  const far = `bench-timers-${run}-open`;
  const kafka = createKafka({ brokers: need('KAFKA_BROKERS').split(','), clientId: 'bench-timers' }, logger);
  await ensureTopics(kafka, [topics.lifecycle], 6, {
    replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
    minInsyncReplicas: Number(process.env.KAFKA_MIN_INSYNC_REPLICAS ?? 1),
  });
  const prisma = createPrisma(need('DATABASE_URL'), { maxConnections: 10 });
  const nearSpan = { amount: deadlineMinutes / 1440, unit: 'calendar_day' };
  const farSpan = { amount: 1, unit: 'calendar_day' };
  await prisma.category.create({
    data: { code: near, name: `benchmark ${run}`, deadlines: { normal: { triage: nearSpan, accept: nearSpan } } },
  });
  await prisma.category.create({
    data: { code: far, name: `benchmark ${run} (open)`, deadlines: { normal: { triage: farSpan, accept: farSpan } } },
  });
  const unit =
    dispatchedShare > 0
      ? await prisma.unit.findFirst({ where: { level: 'community' }, select: { id: true }, orderBy: { id: 'asc' } })
      : null;
  const connection = await Connection.connect({ address: need('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const taskQueue = `${prefix}orders`;
  const share = unit ? dispatchedShare : 0;
  console.log(
    `timer benchmark: ${open} open orders (clocks of a day), then ${measured} measured orders at ${perSecond}/s with deadlines of ${deadlineMinutes} min; ${(share * 100).toFixed(0)} % dispatched to ${unit?.id ?? '— (no community unit: triage only)'} (Temporal ${need('TEMPORAL_ADDRESS')})`,
  );

  // The worker, alone in its process.
  const rss = { idle: 0, opened: 0, openingPeak: 0, min: Infinity, max: 0, last: 0 };
  let cache = 0;
  const child: ChildProcess = fork(
    __filename,
    ['--worker', JSON.stringify({ taskQueue, lifecycleTopic: topics.lifecycle } satisfies WorkerSettings)],
    // BENCH_WORKER_HEAP_MB: V8's old-space limit for the worker (default: Node's, from the machine).
    { stdio: 'inherit', execArgv: [...process.execArgv, ...(process.env.BENCH_WORKER_HEAP_MB ? [`--max-old-space-size=${process.env.BENCH_WORKER_HEAP_MB}`] : [])] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; rss?: number; cached?: number }) => {
      if (message.cached !== undefined) cache = message.cached;
      if (message.rss) {
        rss.last = message.rss;
        rss.max = Math.max(rss.max, message.rss);
        rss.min = Math.min(rss.min, message.rss);
      }
      if (message.ready) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the worker exited (${code})`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await ready;
  // Idle: bundled and polling, no order yet (the production worker bundles at start too).
  await sleep(3000);
  rss.idle = rss.last;
  rss.max = rss.last;
  console.log(`  worker: sticky cache ${cache > 0 ? `${cache} runs` : "the SDK's default (from the heap size)"}, RSS idle ${mb(rss.idle)}`);

  // The measured orders' clocks, as the starter and the dispatch answer gave them; events as they arrive.
  const clocks = new Map<string, Clock>();
  const urged: number[] = [];
  const due: Record<Clock['kind'], number[]> = { triage: [], accept: [] };
  const seen = new Set<string>();
  const watcher = kafka.consumer({ groupId: `${prefix}watcher` });
  await watcher.connect();
  await watcher.subscribe({ topic: topics.lifecycle, fromBeginning: true });
  await watcher.run({
    eachMessage: async ({ message }) => {
      const arrived = Date.now();
      const parsed = lifecycleEventSchema.safeParse(JSON.parse(String(message.value)));
      if (!parsed.success) return;
      const event = parsed.data;
      const clock = clocks.get(event.orderId);
      if (!clock || seen.has(event.eventId)) return;
      seen.add(event.eventId);
      if (event.type === 'order.urged' && (event.data as { automatic?: boolean }).automatic && !clock.urged) {
        urged.push(arrived - clock.warnAt);
        clock.urged = true;
      }
      const deadlineEvent = clock.kind === 'triage' ? 'order.supervisor_alerted' : 'order.escalated';
      if (event.type === deadlineEvent && Number.isFinite(clock.dueAt)) {
        due[clock.kind].push(arrived - clock.dueAt);
        clock.dueAt = Number.POSITIVE_INFINITY; // the first deadline event only
      }
    },
  });

  const deadlines = createDeadlineCalculator({ prisma, cacheTtlMs: 60_000 });
  const ids: string[] = [];
  let updateRetries = 0;
  /** Starts one order as the starter does and, for every 1/share-th, dispatches it at once. */
  const openOrder = async (category: string, index: number): Promise<{ orderId: string; clock: Clock }> => {
    const orderId = randomUUID();
    const placedAt = new Date().toISOString();
    const triage = await deadlines.computeDeadline({
      categoryCode: category,
      priority: 'normal',
      level: null,
      stage: 'triage',
      from: placedAt,
    });
    const input: ServiceOrderInput = {
      orderId,
      trackingCode: generateTrackingCode((n) => randomBytes(n)),
      channel: 'api',
      categoryCode: category,
      priority: 'normal',
      placedAt,
      triage: { dueAt: triage.dueAt, warnAt: triage.warnAt, referenceVersion: triage.referenceVersion },
    };
    const handle = await startRetrying(client, {
      taskQueue,
      workflowId: workflowIdFor(orderId),
      args: [input],
      typedSearchAttributes: searchAttributesAtStart(input),
    });
    ids.push(orderId);
    let clock: Clock = { kind: 'triage', warnAt: Date.parse(triage.warnAt), dueAt: Date.parse(triage.dueAt) };
    // Every 1/share-th order goes to a unit that will not accept it: its accept clock escalates.
    if (unit && Math.floor((index + 1) * share) > Math.floor(index * share)) {
      // At once, beside the start, as a dispatcher may (the order is in the read model before the
      // worker ran its first task). With BENCH_DISPATCH_AFTER_FIRST_TASK=1, after it instead.
      // (Dispatching at once made evicted runs fail their replay until update-after-first-pass:
      // docs/lifecycle.md, "An update in the first task".)
      if (process.env.BENCH_DISPATCH_AFTER_FIRST_TASK === '1') await firstTask(handle);
      // A worker busy with hundreds of first tasks may take longer than the server holds an
      // update call (dispatch answers 503 then, and the console asks again): the same update
      // id again, so it is applied once.
      const dispatch = () =>
        handle.executeUpdate(actUpdate, {
          updateId: `dispatch-${orderId}`,
          args: [{ command: { type: 'dispatch', unitId: unit.id }, actor: { role: 'dispatcher', id: 'bench' } }],
        });
      let view = await dispatch().catch((e: unknown) => (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError ? null : Promise.reject(e)));
      for (let retry = 0; view === null && retry < 5; retry++) {
        updateRetries++;
        view = await dispatch().catch((e: unknown) => (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError ? null : Promise.reject(e)));
      }
      if (view === null) throw new Error(`${orderId}: dispatch not accepted after 6 tries`);
      if (view.deadline) clock = { kind: 'accept', warnAt: Date.parse(view.deadline.warnAt), dueAt: Date.parse(view.deadline.dueAt) };
    }
    return { orderId, clock };
  };

  // Whatever happens from here, the workflows, categories and topic go (an interrupted 10,000-order
  // run once left its workflows on the dev server, slowing every later run).
  const cleanUp = async () => {
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map((id) =>
          client.workflow
            .getHandle(workflowIdFor(id))
            .terminate('benchmark done')
            .catch(() => undefined),
        ),
      );
    }
    ids.length = 0;
    await prisma.category.deleteMany({ where: { code: { in: [near, far] } } }).catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.lifecycle] }).catch(() => undefined);
    await admin.disconnect();
  };
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    console.log("\n  interrupted: terminating the bench's workflows…");
    void cleanUp().finally(() => process.exit(130));
  });
  try {
    // Phase 1: N open orders, 16 at a time, with a progress line (10,000 take minutes).
    const opening = Date.now();
    let next = 0;
    let done = 0;
    const progress = setInterval(
      () => process.stdout.write(`\r  opening: ${done}/${open} (${(done / ((Date.now() - opening) / 1000)).toFixed(1)}/s)   `),
      2000,
    );
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < open) {
          await openOrder(far, next++);
          done++;
        }
      }),
    );
    clearInterval(progress);
    const openSeconds = (Date.now() - opening) / 1000;
    await sleep(5000); // their first tasks settle
    rss.opened = rss.last;
    // Measuring starts afresh: the opening burst's garbage (N starts at the bench's full rate) is
    // the start rate's cost, printed as the peak while opening; the aim is about N open orders.
    rss.openingPeak = rss.max;
    rss.max = 0;
    rss.min = Infinity;
    console.log(
      `\r  opened ${open} orders in ${openSeconds.toFixed(0)} s (${(open / Math.max(openSeconds, 0.001)).toFixed(1)}/s); worker RSS ${mb(rss.last)}; dispatches asked again after the server timed out: ${updateRetries}; starts asked again: ${startRetries}`,
    );

    // Phase 2: the measured orders, paced, while all N stay open.
    const measuring = Date.now();
    await Promise.all(
      Array.from({ length: measured }, async (_, index) => {
        const at = measuring + (index * 1000) / Math.max(perSecond, 0.001);
        if (at > Date.now()) await sleep(at - Date.now());
        const { orderId, clock } = await openOrder(near, index);
        clocks.set(orderId, clock);
      }),
    );
    console.log(`  started ${measured} measured orders in ${((Date.now() - measuring) / 1000).toFixed(0)} s; ${open + measured} open`);

    // Until every measured clock fired both ways, or 3 minutes after the last deadline.
    const lastDue = Math.max(...[...clocks.values()].map((c) => c.dueAt).filter(Number.isFinite), Date.now());
    const counted = () => urged.length + due.triage.length + due.accept.length;
    while (counted() < 2 * measured && Date.now() < lastDue + 180_000) await sleep(1000);

    const row = (label: string, lags: number[], of: number) =>
      `  ${label.padEnd(34)} p50 ${percentile(lags, 50).toFixed(0).padStart(6)} ms  p95 ${percentile(lags, 95).toFixed(0).padStart(6)} ms  p99 ${percentile(lags, 99).toFixed(0).padStart(6)} ms  max ${percentile(lags, 100).toFixed(0).padStart(6)} ms  (${lags.length}/${of})`;
    const accepts = [...clocks.values()].filter((c) => c.kind === 'accept').length;
    const allDue = [...due.triage, ...due.accept];
    console.log(row('warnAt → order.urged (催办)', urged, measured));
    console.log(row('triage dueAt → supervisor_alerted', due.triage, measured - accepts));
    console.log(row('accept dueAt → order.escalated', due.accept, accepts));
    console.log(row('any deadline → its event', allDue, measured));
    const p99 = Math.max(percentile(urged, 99), percentile(allDue, 99));
    console.log(
      `  worker RSS: ${mb(rss.idle)} idle, peak ${mb(rss.openingPeak)} while opening, ${mb(rss.opened)} once opened; ${mb(rss.min)}–${mb(rss.max)} while measuring with ${open + measured} open, ${mb(rss.last)} at the end`,
    );
    console.log(
      `  ratios to the aims: p99 ${(p99 / 2000).toFixed(2)} × 2 s, worker RSS ${(rss.max / (500 * 1024 * 1024)).toFixed(2)} × 500 MB; growth over idle ${(Math.max(0, rss.max - rss.idle) / Math.max(open + measured, 1) / 1024).toFixed(1)} KB per open order`,
    );
    if (counted() < 2 * measured)
      console.log(`  ! ${2 * measured - counted()} deadline events did not arrive within 3 minutes of the last deadline`);
  } finally {
    await watcher.disconnect();
    if (!interrupted) await cleanUp();
  }
  child.send({ stop: true });
  // A worker's shutdown once hung after a 10,000-order run on the cluster profile (SIGTERM ignored,
  // the figures already printed): a minute, then it goes.
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(killer);
  await prisma.$disconnect();
  await connection.close();
}

if (process.argv[2] === '--worker') {
  runWorker(JSON.parse(process.argv[3]!) as WorkerSettings).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
