// The whole platform in this process, on the real servers: intake → orders.placed → the starter →
// the serviceOrder workflow (real worker) → orders.lifecycle → the projector → the read model,
// with the staff API (dispatch) and feedback on ports of their own. Topics and the task queue are
// this rig's own; the demo district and staff are seeded.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createKafka, createLogger, createPrisma, createProducer, ensureTopics, listen, LocalDiskStorage, sealingKeysSchema, topicNames, type ConsumerRunner, type PrismaClient } from '@diandan/platform';
import { createActivities, createCycleActivities, createProjectActivities } from '@diandan/workflows';
import type { Express } from 'express';
import { seedDemoDistrict, seedDemoUsers } from '../../infra/seed/apply';
import { DEMO_PASSWORD } from '../../infra/seed/users';
import { createIntakeApp } from '../../services/intake/src/app';
import { createRequestPathProducer } from '../../services/intake/src/producer';
import { createDispatchApp } from '../../services/dispatch/src/api/app';
import type { CodeSender } from '../../services/intake/src/channels/proposals';
import type { SupportLimits } from '@diandan/domain';
import { FeedHub } from '../../services/dispatch/src/feed';
import { startIntakeProjection } from '../../services/dispatch/src/intakeProjection';
import { startProjector } from '../../services/dispatch/src/projector';
import { startProjectProjector } from '../../services/dispatch/src/projectProjector';
import { startCycleProjector } from '../../services/dispatch/src/cycleProjector';
import { startKpiConsumer } from '../../services/feedback/src/kpis/rollupConsumer';
import { startStarter } from '../../services/dispatch/src/starter';
import { createFeedbackApp } from '../../services/feedback/src/app';
import { ContactCipher } from '../../services/feedback/src/notify/contacts';

const env = (name: string): string => process.env[name] ?? (() => { throw new Error(`${name} is not set: run through npm test`); })();
const logger = createLogger('e2e', process.env.TEST_LOG_LEVEL ?? 'silent');
const CONTACT_SEAL_KEYS = `e2e:${Buffer.alloc(32, 2).toString('base64')}`;
const JWT = { keys: { current: { kid: 'test', secret: 'e2e-tests-jwt-secret-0123456789abcdef' }, previous: [] }, accessTtlSeconds: 300, refreshTtlSeconds: 3600 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect answers ad hoc
export type Answer = { status: number; body: any };

export interface Platform {
  prisma: PrismaClient;
  /** The rig's Temporal client (the run's namespace): for what the Web UI shows, e.g. search attributes. */
  temporal: Client;
  /** The rig's own Kafka topics (for consumers a test adds, e.g. feedback's notices). */
  kafka: ReturnType<typeof createKafka>;
  topics: ReturnType<typeof topicNames>;
  /** CONTACT_SEAL_KEYS of the rig's intake (feedback opens residents' contacts with them). */
  contactSealKeys: string;
  intake: string;
  dispatch: string;
  feedback: string;
  call(url: string, method: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** `Authorization` header of a demo staff member. */
  login(username: string): Promise<Record<string, string>>;
  /** Places an order through intake (as the H5 form does); waits for it in the read model. */
  place(order: Record<string, unknown>): Promise<{ orderId: string; trackingCode: string; secret: string }>;
  eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

async function serve(app: Express): Promise<{ url: string; server: Server }> {
  const server = await listen(app, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PlatformOptions {
  /** Open311 API keys intake accepts (none by default: Open311 POST refused). */
  open311ApiKeys?: string[];
  /** Bearer tokens of hotline/letter operators intake accepts. */
  operatorTokens?: string[];
  /** Delivers intake's one-time codes for supporting a proposal (the test reads them as a resident would). */
  codeSender?: CodeSender;
  supportLimits?: SupportLimits;
  /** The organisation whose cycle takes proposals that name none (WeChat's 提议); default the federation. */
  proposalOrganisationId?: string;
  /**
   * INTAKE_SECRET_KEY of the rig's intake. The test files of a run share one database and all call
   * from 127.0.0.1: a file that counts the per-address limits needs its own key, so the addresses
   * (and identities) it counts are its own.
   */
  intakeSecretKey?: string;
}

export async function startPlatform(name: string, options: PlatformOptions = {}): Promise<Platform> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const runId = env('DIANDAN_TEST_RUN_ID');
  const topics = topicNames(`${runId}-${name}-${randomUUID().slice(0, 6)}-`);
  const kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: `${runId}-${name}` }, logger);
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
  const producer = createProducer(kafka);
  await producer.connect();
  const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') });
  const nativeConnection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const taskQueue = `${runId}-${name}-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    // The test run's own namespace: without it the worker polls 'default' and no workflow of the
    // rig ever runs (urge and withdraw then answer 503 after the update times out).
    namespace: env('TEMPORAL_NAMESPACE'),
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows/src/workflows'), logger: new DefaultLogger('WARN') }),
    activities: {
      ...createActivities({ prisma, producer, lifecycleTopic: topics.lifecycle, cacheTtlMs: 0 }),
      ...createProjectActivities({ prisma, producer, projectsTopic: topics.projects, temporal: client }),
      ...createCycleActivities({ producer, cyclesTopic: topics.cycles }),
    },
  });
  const workerRun = worker.run();
  const consumers: ConsumerRunner[] = [
    await startStarter({ kafka, client, taskQueue, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId: `${taskQueue}-starter` }),
    await startIntakeProjection({ kafka, prisma, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId: `${taskQueue}-intake` }),
    await startProjector({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId: `${taskQueue}-projector` }),
    await startProjectProjector({ kafka, prisma, logger, topic: topics.projects, deadLetterTopic: topics.projectsDlq, groupId: `${taskQueue}-projects` }),
    await startCycleProjector({ kafka, prisma, logger, topic: topics.cycles, deadLetterTopic: topics.cyclesDlq, groupId: `${taskQueue}-cycles` }),
    await startKpiConsumer({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId: `${taskQueue}-kpis` }),
  ];
  const intakeProducer = createRequestPathProducer(kafka);
  await intakeProducer.connect();
  const intakeApp = createIntakeApp({
    settings: {
      secretKey: options.intakeSecretKey ?? 'e2e-intake-secret-key-0123456789abcdef',
      placedTopic: topics.placed,
      h5Origin: 'http://127.0.0.1',
      contactSealKeys: sealingKeysSchema.parse(CONTACT_SEAL_KEYS),
      open311ApiKeys: options.open311ApiKeys ?? [],
      operatorTokens: options.operatorTokens ?? [],
      rateLimitPerMinute: 1000,
      wechat: { token: 'e2e-token', appId: '', aesKey: '' },
      feedback: { url: 'http://127.0.0.1:9', serviceToken: 'e2e-feedback-service-token-0123456789' },
      attachmentsDir: path.join(os.tmpdir(), `${taskQueue}-attachments`),
      attachmentMaxBytes: 1024 * 1024,
      publishTimeoutMs: 4000,
      ...(options.proposalOrganisationId ? { proposalOrganisationId: options.proposalOrganisationId } : {}),
    },
    logger,
    producer: intakeProducer,
    prisma,
    ...(options.codeSender ? { codeSender: options.codeSender } : {}),
    ...(options.supportLimits ? { supportLimits: options.supportLimits } : {}),
  });
  const started = await Promise.all([
    serve(intakeApp.app),
    serve(createDispatchApp({ prisma, temporal: client, taskQueue, logger, feed: new FeedHub(), attachments: new LocalDiskStorage(path.join(os.tmpdir(), `${taskQueue}-attachments`)), tokens: JWT })),
    serve(
      createFeedbackApp({
        prisma,
        temporal: client,
        logger,
        staffKeys: JWT.keys,
        serviceToken: 'e2e-feedback-service-token-0123456789',
        contactCipher: new ContactCipher('e2e-feedback-contact-key-0123456789abcdef'),
      }),
    ),
  ]);
  const [intake, dispatch, feedback] = started.map((s) => s.url) as [string, string, string];
  const tokens = new Map<string, Record<string, string>>();
  return {
    prisma,
    temporal: client,
    kafka,
    topics,
    contactSealKeys: CONTACT_SEAL_KEYS,
    intake,
    dispatch,
    feedback,
    call,
    eventually,
    login: async (username) => {
      const cached = tokens.get(username);
      if (cached) return cached;
      const { status, body } = await call(`${dispatch}/v1/auth/login`, 'POST', { username, password: DEMO_PASSWORD });
      if (status !== 200) throw new Error(`login ${username}: ${status} ${JSON.stringify(body)}`);
      const header = { authorization: `Bearer ${body.accessToken as string}` };
      tokens.set(username, header);
      return header;
    },
    place: async (order) => {
      // As the API asks of every client: a 503 (Kafka did not acknowledge in time, which a loaded CI
      // machine sees) is retried with the same Idempotency-Key, so a retry never places twice.
      const key = randomUUID();
      let placed = await call(`${intake}/v1/orders`, 'POST', { channel: 'web', ...order }, { 'idempotency-key': key });
      for (let attempt = 1; placed.status === 503 && attempt < 5; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
        placed = await call(`${intake}/v1/orders`, 'POST', { channel: 'web', ...order }, { 'idempotency-key': key });
      }
      if (placed.status !== 202) throw new Error(`placing failed: ${placed.status} ${JSON.stringify(placed.body)}`);
      const { orderId, trackingCode, secret } = placed.body as { orderId: string; trackingCode: string; secret: string };
      await eventually(async () => ((await prisma.order.findUnique({ where: { id: orderId } }))?.trackingCode === trackingCode ? true : undefined), 'the placed order in the read model');
      return { orderId, trackingCode, secret };
    },
    close: async () => {
      await Promise.all(started.map((s) => new Promise((resolve) => s.server.close(resolve))));
      await Promise.all(consumers.map((c) => c.stop()));
      worker.shutdown();
      await workerRun;
      await Promise.allSettled([producer.disconnect(), intakeProducer.disconnect(), prisma.$disconnect(), connection.close(), nativeConnection.close()]);
    },
  };
}
