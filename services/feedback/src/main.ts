// services/feedback: see docs/architecture.md for what it owns. A thin, typed edge: rules live in
// packages/domain and the serviceOrder workflow.
import {
  connectTemporal, createHttpApp, createKafka, createLogger, createPrisma, finishHttpApp, kafkaReady, listen, loadConfig,
  onShutdown, postgresReady, processEnv, temporalReady,
} from '@diandan/platform';

async function main(): Promise<void> {
  const config = loadConfig(processEnv.feedback);
  const logger = createLogger('feedback', config.LOG_LEVEL);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-feedback` }, logger);
  const admin = kafka.admin();
  await admin.connect();
  const prisma = createPrisma(config.DATABASE_URL);
  const temporal = await connectTemporal({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });

  const app = createHttpApp({
    name: 'feedback',
    logger,
    readiness: { kafka: kafkaReady(admin), postgres: postgresReady(prisma), temporal: temporalReady(temporal.connection) },
  });
  finishHttpApp(app, logger);
  const server = await listen(app, config.FEEDBACK_PORT);
  logger.info({ port: config.FEEDBACK_PORT }, 'feedback listening');

  onShutdown(logger, [
    { name: 'http', close: () => new Promise((resolve) => server.close(resolve)) },
    { name: 'kafka admin', close: () => admin.disconnect() },
    { name: 'postgres', close: () => prisma.$disconnect() },
    { name: 'temporal', close: () => temporal.connection.close() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
