// The whole platform for the browser suite, in this process and on free ports, against this jest
// run's database, its own topics and task queue: the real workflow worker, starter, projector and
// live feed, the three services' HTTP apps, and the one-origin web server over the built pages.
// (Like test/e2e; the worker's calendar is all office time, so a category with a deadline of a
// few working seconds passes it now and not only during office hours.)
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createWorkingCalendar } from '@diandan/domain';
import {
  createKafka, createLogger, createPrisma, createProducer, ensureTopics, listen, topicNames, type ConsumerRunner, type PrismaClient,
  LocalDiskStorage,
  sealingKeysSchema,
} from '@diandan/platform';
import { createActivities, createCycleActivities, createProjectActivities } from '@diandan/workflows';
import type { Express } from 'express';
import type { Consumer, Producer } from 'kafkajs';
import { seedDemoDistrict, seedDemoUsers } from '../../infra/seed/apply';
import { createDispatchApp } from '../../services/dispatch/src/api/app';
import { FeedHub, startFeedConsumer } from '../../services/dispatch/src/feed';
import { startIntakeProjection } from '../../services/dispatch/src/intakeProjection';
import { startProjector } from '../../services/dispatch/src/projector';
import { startProjectProjector } from '../../services/dispatch/src/projectProjector';
import { startCycleProjector } from '../../services/dispatch/src/cycleProjector';
import { startStarter } from '../../services/dispatch/src/starter';
import { createFeedbackApp } from '../../services/feedback/src/app';
import { startKpiConsumer } from '../../services/feedback/src/kpis/rollupConsumer';
import { ContactCipher } from '../../services/feedback/src/notify/contacts';
import { createIntakeApp } from '../../services/intake/src/app';
import { createRequestPathProducer } from '../../services/intake/src/producer';
import { createWebApp } from '../server/app';

const env = (name: string): string => process.env[name] ?? (() => { throw new Error(`${name} is not set: run through npm test`); })();
const WEB = path.join(__dirname, '..');
const JWT = { keys: { current: { kid: 'web-test', secret: 'web-tests-jwt-secret-0123456789abcdef' }, previous: [] }, accessTtlSeconds: 300, refreshTtlSeconds: 3600 };
const SERVICE_TOKEN = 'web-tests-feedback-service-token-0123456789';

export interface Platform {
  url: string;
  prisma: PrismaClient;
  /** The last one-time code intake sent to each e-mail address or mobile number (supports of proposals). */
  codes: Map<string, string>;
  stop: () => Promise<void>;
}

async function serve(app: Express): Promise<{ url: string; server: Server }> {
  const server = await listen(app, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The built pages; built here when missing (npm test builds them before jest). */
export function ensureBuilt(): string {
  const dist = path.join(WEB, 'dist');
  if (!fs.existsSync(path.join(dist, 'h5.html'))) execFileSync('npx', ['--no-install', 'vite', 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
  return dist;
}

export async function startPlatform(): Promise<Platform> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // Warnings show: a consumer retrying a handler (or parking a message) is what a stalled click-through needs to say.
  const logger = createLogger('web-test', 'warn');
  const runId = env('DIANDAN_TEST_RUN_ID');
  const tag = `${runId}-web-${randomUUID().slice(0, 6)}`;
  const topics = topicNames(`${tag}-`);
  const kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: tag }, logger);
  await ensureTopics(kafka, Object.values(topics), 3);
  const prisma = createPrisma(env('DATABASE_URL'), { maxConnections: 8 });
  for (let attempt = 1; ; attempt++) {
    // Other test files seed the same rows concurrently; a lost race is retried.
    try {
      await seedDemoDistrict(prisma);
      await seedDemoUsers(prisma);
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const producer: Producer = createProducer(kafka);
  await producer.connect();
  const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') });
  const nativeConnection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const taskQueue = tag;
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: env('TEMPORAL_NAMESPACE'),
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows/src/workflows'), logger: new DefaultLogger('WARN') }),
    activities: {
      ...createActivities({
        prisma,
        producer,
        lifecycleTopic: topics.lifecycle,
        calendar: createWorkingCalendar({ officeHours: [{ start: '00:00', end: '24:00' }], isWorkday: () => true }),
      }),
      ...createProjectActivities({ prisma, producer, projectsTopic: topics.projects, temporal: client }),
      ...createCycleActivities({ producer, cyclesTopic: topics.cycles }),
    },
  });
  const workerRun = worker.run();
  const consumers: ConsumerRunner[] = [];
  consumers.push(await startStarter({ kafka, client, taskQueue, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId: `${tag}-starter` }));
  consumers.push(await startIntakeProjection({ kafka, prisma, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId: `${tag}-intake` }));
  consumers.push(await startProjector({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId: `${tag}-projector` }));
  consumers.push(await startProjectProjector({ kafka, prisma, logger, topic: topics.projects, deadLetterTopic: topics.projectsDlq, groupId: `${tag}-projects` }));
  consumers.push(await startCycleProjector({ kafka, prisma, logger, topic: topics.cycles, deadLetterTopic: topics.cyclesDlq, groupId: `${tag}-cycles` }));
  // The rates behind the dashboards (feedback's rollup of lifecycle events).
  consumers.push(await startKpiConsumer({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId: `${tag}-kpis` }));
  const feed = new FeedHub();
  const feedConsumer: Consumer = await startFeedConsumer({
    kafka,
    hub: feed,
    topic: topics.lifecycle,
    groupPrefix: `${tag}-feed`,
    logger,
    trackingCodeOf: async (id) => (await prisma.order.findUnique({ where: { id }, select: { trackingCode: true } }))?.trackingCode,
  });

  const codes = new Map<string, string>();
  const intakeProducer = createRequestPathProducer(kafka);
  await intakeProducer.connect();
  const intake = createIntakeApp({
    settings: {
      secretKey: 'web-tests-intake-secret-key-0123456789abcdef',
      placedTopic: topics.placed,
      h5Origin: 'http://127.0.0.1',
      open311ApiKeys: [],
      operatorTokens: [],
      rateLimitPerMinute: 1000,
      wechat: { token: 'web-token', appId: '', aesKey: '' },
      feedback: { url: 'http://127.0.0.1:9', serviceToken: SERVICE_TOKEN },
      attachmentsDir: path.join(os.tmpdir(), `${tag}-attachments`),
      attachmentMaxBytes: 1024 * 1024,
      contactSealKeys: sealingKeysSchema.parse(`web:${Buffer.alloc(32, 5).toString('base64')}`),
      publishTimeoutMs: 4000,
    },
    logger,
    producer: intakeProducer,
    prisma,
    // The support codes a resident would get by e-mail or SMS, kept for the test to type in.
    codeSender: { kinds: ['email', 'phone'], send: async (identity, code) => void codes.set(identity.value, code) },
  });
  const services = await Promise.all([
    serve(intake.app),
    serve(createDispatchApp({ prisma, temporal: client, taskQueue, logger, feed, attachments: new LocalDiskStorage(path.join(os.tmpdir(), `${tag}-attachments`)), tokens: JWT })),
    serve(createFeedbackApp({ prisma, temporal: client, logger, staffKeys: JWT.keys, serviceToken: SERVICE_TOKEN, contactCipher: new ContactCipher('web-tests-feedback-contact-key-0123456789abcdef') })),
  ]);
  const [intakeUrl, dispatchUrl, feedbackUrl] = services.map((s) => s.url) as [string, string, string];
  const web = await serve(createWebApp({ distDir: ensureBuilt(), intakeUrl, dispatchUrl, feedbackUrl, temporalUiUrl: 'http://127.0.0.1:8233' }));
  const servers = [...services.map((s) => s.server), web.server];

  return {
    url: web.url,
    prisma,
    codes,
    stop: async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await Promise.all(consumers.map((c) => c.stop()));
      await feedConsumer.disconnect();
      worker.shutdown();
      await workerRun;
      await Promise.allSettled([producer.disconnect(), intakeProducer.disconnect(), prisma.$disconnect(), connection.close(), nativeConnection.close()]);
    },
  };
}
