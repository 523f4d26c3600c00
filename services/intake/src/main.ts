// services/intake: channels (JSON API, Open311, WeChat, e-mail, hotline, letters) → orders.placed.
// This process is the thin edge; the order's rules live in packages/domain and its workflow.
import { createHttpApp, createKafka, createLogger, createProducer, finishHttpApp, kafkaReady, listen, loadConfig, onShutdown, processEnv } from '@diandan/platform';

async function main(): Promise<void> {
  const config = loadConfig(processEnv.intake);
  const logger = createLogger('intake', config.LOG_LEVEL);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-intake` }, logger);
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);

  const app = createHttpApp({ name: 'intake', logger, readiness: { kafka: kafkaReady(admin) } });
  finishHttpApp(app, logger);
  const server = await listen(app, config.INTAKE_PORT);
  logger.info({ port: config.INTAKE_PORT }, 'intake listening');

  onShutdown(logger, [
    { name: 'http', close: () => new Promise((resolve) => server.close(resolve)) },
    { name: 'kafka producer', close: () => producer.disconnect() },
    { name: 'kafka admin', close: () => admin.disconnect() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
