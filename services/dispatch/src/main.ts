// services/dispatch: see docs/dispatch.md. Three consumers and one HTTP API in one process:
//  - starter:   orders.placed    → one serviceOrder workflow per order
//  - intake:    orders.placed    → the read model's intake facts (text, address, coordinates, attachments)
//  - projector: orders.lifecycle → the read model (PostgreSQL)
//  - project projector: projects.lifecycle → projects in the read model
//  - cycle projector: cycles.lifecycle → annual cycles in the read model; this year's cycles started
//  - feed:      orders.lifecycle → server-sent events for staff (a consumer group per process)
//  - staff API: login, queues, actions (workflow updates), supervision views, admin, OpenAPI.
// A thin, typed edge: rules live in packages/domain and the serviceOrder workflow.
import {
  ActiveStaff, AesGcmPayloadCodec, connectTemporal, createCodecServer, createKafka, createLogger, createPrisma, kafkaReady, keyRingFrom, listen, loadConfig,
  onShutdown, postgresReady, processEnv, registerConsumerLag, registerConsumerRunners, consumersReady, staffOfAccessToken, temporalReady, topicNames, LocalDiskStorage,
  nextYearScheduleWarning, seedHolidaySchedules,
} from '@diandan/platform';
import path from 'node:path';
import { DEFAULT_DUPLICATE_SETTINGS } from '@diandan/domain';
import { createDispatchApp } from './api/app';
import { FeedHub, startFeedConsumer } from './feed';
import { startIntakeProjection } from './intakeProjection';
import { registerOrderGauges } from './metrics';
import { startProjector } from './projector';
import { startProjectProjector } from './projectProjector';
import { startCycleProjector } from './cycleProjector';
import { ensureCurrentCycles } from './api/cycles';
import { startStarter } from './starter';
import { createDeadlineCalculator } from '@diandan/workflows';

async function main(): Promise<void> {
  const config = loadConfig(processEnv.dispatch);
  const logger = createLogger('dispatch', config.LOG_LEVEL);
  const clientId = `${config.KAFKA_CLIENT_ID}-dispatch`;
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId }, logger);
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  const groups = `${config.KAFKA_TOPIC_PREFIX}dispatch`;
  const admin = kafka.admin();
  await admin.connect();
  const prisma = createPrisma(config.DATABASE_URL);
  const codec = AesGcmPayloadCodec.fromConfig(config.TEMPORAL_CODEC_KEYS);
  const temporal = await connectTemporal({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, codec });
  // The holiday calendar: chinese-days' years the table does not have yet (idempotent), then a
  // daily look at whether next year's schedule is due (docs/lifecycle.md, "The calendar").
  const seeded = await seedHolidaySchedules(prisma);
  if (seeded.length > 0) logger.info({ years: seeded }, 'holiday schedules seeded from chinese-days');
  const checkCalendar = async () => {
    const warning = await nextYearScheduleWarning(prisma).catch(() => null);
    if (warning) logger.warn({ year: warning.year }, warning.message);
  };
  await checkCalendar();
  const calendarCheck = setInterval(() => void checkCalendar(), 24 * 3600_000);
  calendarCheck.unref();

  // The starter computes each order's triage clock with the worker's own rules (reference data and
  // the holiday calendar, cached), so the workflow starts with complete search attributes.
  const starter = await startStarter({
    kafka, client: temporal.client, taskQueue: config.TEMPORAL_TASK_QUEUE, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId: `${groups}-starter`,
    deadlines: createDeadlineCalculator({ prisma }),
  });
  const intake = await startIntakeProjection({ kafka, prisma, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId: `${groups}-intake` });
  const projector = await startProjector({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId: `${groups}-projector` });
  const projectProjector = await startProjectProjector({ kafka, prisma, logger, topic: topics.projects, deadLetterTopic: topics.projectsDlq, groupId: `${groups}-projects` });
  const cycleProjector = await startCycleProjector({ kafka, prisma, logger, topic: topics.cycles, deadLetterTopic: topics.cyclesDlq, groupId: `${groups}-cycles` });
  // This year's cycle of every organisation runs (idempotent: the workflow id is the cycle id).
  await ensureCurrentCycles({ prisma, temporal: temporal.client, taskQueue: config.TEMPORAL_TASK_QUEUE, logger }).catch((error: unknown) => logger.warn({ err: error }, 'annual cycles not started'));
  registerOrderGauges(prisma);
  registerConsumerRunners();
  registerConsumerLag(admin, [
    { group: `${groups}-starter`, topic: topics.placed },
    { group: `${groups}-projector`, topic: topics.lifecycle },
  ]);
  const feed = new FeedHub();
  const feedConsumer = await startFeedConsumer({
    kafka,
    hub: feed,
    topic: topics.lifecycle,
    groupPrefix: `${groups}-feed`,
    logger,
    trackingCodeOf: async (id) => (await prisma.order.findUnique({ where: { id }, select: { trackingCode: true } }))?.trackingCode,
  });

  const app = createDispatchApp(
    {
      prisma,
      temporal: temporal.client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      logger,
      feed,
      attachments: new LocalDiskStorage(path.resolve(config.ATTACHMENTS_DIR), config.ATTACHMENTS_TOTAL_MAX_BYTES),
      attachmentLimits: { maxBytes: config.ATTACHMENT_MAX_BYTES, maxOrderBytes: config.ATTACHMENT_ORDER_MAX_BYTES },
      tokens: { keys: keyRingFrom(config), accessTtlSeconds: config.JWT_ACCESS_TTL_SECONDS, refreshTtlSeconds: config.JWT_REFRESH_TTL_SECONDS },
      duplicates: { ...DEFAULT_DUPLICATE_SETTINGS, windowDays: config.DUPLICATE_WINDOW_DAYS, radiusMeters: config.DUPLICATE_RADIUS_METERS, threshold: config.DUPLICATE_THRESHOLD },
    },
    { kafka: kafkaReady(admin), postgres: postgresReady(prisma), temporal: temporalReady(temporal.connection), consumers: consumersReady() },
  );
  const server = await listen(app, config.DISPATCH_PORT, config.HOST, { trustProxy: config.TRUST_PROXY, requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000 });
  logger.info({ host: config.HOST, port: config.DISPATCH_PORT, taskQueue: config.TEMPORAL_TASK_QUEUE }, 'dispatch listening');
  // The Temporal Web UI's codec server: staff access tokens of this service, verified like every
  // staff request (key ring, live session, active user — packages/platform/src/auth).
  const codecAuth = { keys: keyRingFrom(config), activeStaff: new ActiveStaff(prisma) };
  const codecServer =
    config.CODEC_PORT > 0
      ? await listen(
          createCodecServer({
            codec,
            logger,
            uiOrigins: config.TEMPORAL_UI_ORIGINS,
            verifyToken: async (token) => {
              const { staff } = await staffOfAccessToken(codecAuth, token);
              return { username: staff.username, role: staff.role };
            },
            login: async (username, password) => {
              const response = await fetch(`http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.DISPATCH_PORT}/v1/auth/login`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ username, password }),
              });
              return response.ok ? (((await response.json()) as { accessToken?: string }).accessToken ?? null) : null;
            },
          }),
          config.CODEC_PORT,
          config.HOST,
        )
      : undefined;
  if (codecServer) logger.info({ port: config.CODEC_PORT }, 'codec server listening (Temporal Web UI)');

  onShutdown(logger, [
    // Live feeds are long requests: closeAllConnections lets the server close without waiting for them.
    { name: 'http', close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }) },
    { name: 'codec server', close: () => new Promise((resolve) => (codecServer ? codecServer.close(() => resolve(undefined)) : resolve(undefined))) },
    { name: 'calendar check', close: async () => clearInterval(calendarCheck) },
    { name: 'starter', close: () => starter.stop() },
    { name: 'intake projection', close: () => intake.stop() },
    { name: 'projector', close: () => projector.stop() },
    { name: 'project projector', close: () => projectProjector.stop() },
    { name: 'cycle projector', close: () => cycleProjector.stop() },
    { name: 'feed', close: () => feedConsumer.disconnect() },
    { name: 'kafka admin', close: () => admin.disconnect() },
    { name: 'postgres', close: () => prisma.$disconnect() },
    { name: 'temporal', close: () => temporal.connection.close() },
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
