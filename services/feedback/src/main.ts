// services/feedback: rating, the public board, the three rates (with their KPI consumer of
// orders.lifecycle), notices to residents (outbox + sender) and the evaluator's exports. Wiring
// only; the app is src/app.ts.
import {
  AesGcmPayloadCodec, connectTemporal, createKafka, createLogger, createPrisma, gauge, kafkaReady, keyRingFrom, listen, loadConfig, onShutdown,
  postgresReady, processEnv, registerConsumerLag, registerConsumerRunners, consumersReady, temporalReady, topicNames, Sealer,
} from '@diandan/platform';
import { createFeedbackApp } from './app';
import { startKpiConsumer } from './kpis/rollupConsumer';
import { DEFAULT_RATE_SETTINGS } from './kpis/report';
import { ContactCipher, startContactConsumer } from './notify/contacts';
import { notifiersFrom } from './notify';
import { NoticeSender, startNoticeConsumer } from './notify/outbox';

async function main(): Promise<void> {
  const config = loadConfig(processEnv.feedback);
  const logger = createLogger('feedback', config.LOG_LEVEL);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-feedback` }, logger);
  const admin = kafka.admin();
  await admin.connect();
  const prisma = createPrisma(config.DATABASE_URL);
  const temporal = await connectTemporal({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    codec: AesGcmPayloadCodec.fromConfig(config.TEMPORAL_CODEC_KEYS),
  });
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  const groups = `${config.KAFKA_TOPIC_PREFIX}feedback`;

  const kpis = await startKpiConsumer({
    kafka,
    prisma,
    logger,
    topic: topics.lifecycle,
    deadLetterTopic: topics.lifecycleDlq,
    groupId: `${groups}-kpis`,
  });

  const cipher = new ContactCipher(config.FEEDBACK_CONTACT_KEY);
  const sealer = new Sealer(config.CONTACT_SEAL_KEYS);
  const contacts = await startContactConsumer({ kafka, prisma, cipher, sealer, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId: `${groups}-contacts` });
  const notices = await startNoticeConsumer({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId: `${groups}-notices` });
  const sender = new NoticeSender(prisma, cipher, notifiersFrom(config), logger).start();

  registerConsumerRunners();
  registerConsumerLag(admin, [
    { group: `${groups}-kpis`, topic: topics.lifecycle },
    { group: `${groups}-contacts`, topic: topics.placed },
    { group: `${groups}-notices`, topic: topics.lifecycle },
  ]);
  gauge({
    name: 'diandan_notices_pending',
    help: 'Notices to residents waiting in the outbox (status pending).',
    async collect() {
      this.set(await prisma.noticeOutbox.count({ where: { status: 'pending' } }).catch(() => Number.NaN));
    },
  });

  const app = createFeedbackApp({
    prisma,
    temporal: temporal.client,
    logger,
    staffKeys: keyRingFrom(config),
    serviceToken: config.FEEDBACK_SERVICE_TOKEN,
    contactCipher: cipher,
    rateSettings: { ...DEFAULT_RATE_SETTINGS, basicallySatisfiedWeight: config.KPI_BASICALLY_SATISFIED_WEIGHT },
    readiness: { kafka: kafkaReady(admin), postgres: postgresReady(prisma), temporal: temporalReady(temporal.connection), consumers: consumersReady() },
  });
  const server = await listen(app, config.FEEDBACK_PORT, config.HOST, { trustProxy: config.TRUST_PROXY, requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000 });
  logger.info({ host: config.HOST, port: config.FEEDBACK_PORT }, 'feedback listening');

  onShutdown(logger, [
    { name: 'http', close: () => new Promise((resolve) => server.close(resolve)) },
    { name: 'kpi consumer', close: () => kpis.stop() },
    { name: 'contact consumer', close: () => contacts.stop() },
    { name: 'notice consumer', close: () => notices.stop() },
    { name: 'notice sender', close: () => sender.stop() },
    { name: 'kafka admin', close: () => admin.disconnect() },
    { name: 'postgres', close: () => prisma.$disconnect() },
    { name: 'temporal', close: () => temporal.connection.close() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
