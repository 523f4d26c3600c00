// The Temporal worker process: runs serviceOrder workflows and their activities.
// Start-up fails fast when the namespace lacks the search attributes the workflow upserts.
import { NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '@diandan/domain';
import {
  AesGcmPayloadCodec, assertSearchAttributes, connectTemporal, createKafka, createLogger, createPrisma, createProducer, encryptingDataConverter, loadConfig,
  processEnv, serveMetrics, topicNames,
} from '@diandan/platform';
import { createActivities } from './activities';
import { createProjectActivities } from './projectActivities';
import { createCycleActivities } from './cycleActivities';
import { ensureBundlingSchedule } from './schedule';

async function main(): Promise<void> {
  const config = loadConfig(processEnv.worker);
  const logger = createLogger('worker', config.LOG_LEVEL);
  // Metrics (0 = off): the process's own on WORKER_METRICS_PORT, the Temporal SDK's (task latencies,
  // slots, sticky cache, polls) from its Rust core on TEMPORAL_SDK_METRICS_PORT, both on WORKER_METRICS_HOST (loopback by default).
  // Runtime.install must come before the first NativeConnection.
  if (config.TEMPORAL_SDK_METRICS_PORT > 0) {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.WORKER_METRICS_HOST}:${config.TEMPORAL_SDK_METRICS_PORT}`, countersTotalSuffix: true } } } });
  }
  const metricsServer = config.WORKER_METRICS_PORT > 0 ? await serveMetrics(config.WORKER_METRICS_PORT, config.WORKER_METRICS_HOST) : undefined;

  const codec = AesGcmPayloadCodec.fromConfig(config.TEMPORAL_CODEC_KEYS);
  const { connection, client: temporal } = await connectTemporal({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, codec });
  await assertSearchAttributes(connection, config.TEMPORAL_NAMESPACE, Object.keys(SEARCH_ATTRIBUTES));
  // Projects send their orders' workflows updates through this client (same namespace and codec).
  // 两个打包: the monthly Schedule exists once the worker has started (a restart leaves it as it is).
  if (await ensureBundlingSchedule(temporal, config.TEMPORAL_TASK_QUEUE)) logger.info('monthly bundling schedule created');

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-worker` }, logger);
  const producer = createProducer(kafka);
  await producer.connect();
  const prisma = createPrisma(config.DATABASE_URL, { maxConnections: 4 });
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);

  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    // Every payload leaves the worker encrypted (packages/platform/src/codec.ts).
    dataConverter: encryptingDataConverter(codec),
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows') }),
    activities: {
      ...createActivities({ prisma, producer, lifecycleTopic: topics.lifecycle }),
      ...createProjectActivities({ prisma, producer, projectsTopic: topics.projects, temporal }),
      ...createCycleActivities({ producer, cyclesTopic: topics.cycles }),
    },
    ...(config.WORKER_MAX_CACHED_WORKFLOWS > 0 ? { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS } : {}),
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');

  // The SDK drains in-flight tasks on SIGINT/SIGTERM and then run() resolves.
  await worker.run();
  metricsServer?.close();
  await Promise.allSettled([producer.disconnect(), prisma.$disconnect(), nativeConnection.close(), connection.close()]);
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
