// Intake's rig (moved from services/intake/test/support.ts): intake started in-process on port 0
/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON answers loosely and assert on their shape */
// against the real Kafka and PostgreSQL, with topics under a prefix unique to the test file, and a
// consumer that collects what intake placed.
import { orderPlacedSchema, type OrderPlaced } from '@diandan/domain';
import { createKafka, createPrisma, ensureTopics, listen, topicNames, type PrismaClient } from '@diandan/platform';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { createIntakeApp, type IntakeApp, type IntakeSettings } from '../../../services/intake/src/app';
import { OrderIdentities } from '../../../services/intake/src/identity';
import { createRequestPathProducer } from '../../../services/intake/src/producer';
import { env, testLogger, unique } from './env';

export { env, runId, unique } from './env';
export { eventually } from './eventually';

export const SECRET_KEY = 'test-intake-secret-key-0123456789abcdef';
export const OPERATOR_TOKEN = 'operator-token-for-tests-0001';
export const OPEN311_KEY = 'open311-key-for-tests';
/** Bearer token intake presents to feedback (the WeChat rating stand-in checks it). */
export const FEEDBACK_TOKEN = 'intake-test-feedback-service-token-0001';
export const WECHAT = {
  token: 'wechat-test-token',
  appId: 'wx1234567890abcdef',
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  // Test files send many messages from a few openids; wechat.test.ts checks the limit on an intake of its own.
  messagesPerOpenIdPerMinute: 100_000,
};

export const logger = testLogger('intake-test');
export const kafkaFor = (brokers = env('KAFKA_BROKERS')): Kafka =>
  createKafka({ brokers: brokers.split(','), clientId: unique('intake-test') }, logger);

export interface RunningIntake extends IntakeApp {
  url: string;
  topic: string;
  prisma: PrismaClient;
  producer: Producer;
  settings: IntakeSettings;
  identities: OrderIdentities;
  stop(): Promise<void>;
}

export function testSettings(topic: string, overrides: Partial<IntakeSettings> = {}): IntakeSettings {
  return {
    secretKey: SECRET_KEY,
    placedTopic: topic,
    h5Origin: 'https://h5.example.cn',
    open311ApiKeys: [OPEN311_KEY],
    operatorTokens: [OPERATOR_TOKEN],
    rateLimitPerMinute: 100_000,
    wechat: WECHAT,
    // Nothing listens on port 9 (discard): tests that rate point this at their stand-in.
    feedback: { url: 'http://127.0.0.1:9', serviceToken: FEEDBACK_TOKEN },
    attachmentsDir: path.join(os.tmpdir(), unique('attachments')),
    attachmentMaxBytes: 256 * 1024,
    publishTimeoutMs: 4000,
    ...overrides,
  };
}

/** A placed-orders topic of this test file's own. */
export async function createPlacedTopic(kafka: Kafka): Promise<string> {
  const topic = topicNames(`${unique('intake')}-`).placed;
  await ensureTopics(kafka, [topic], 2);
  return topic;
}

export async function startIntake(options: {
  topic: string;
  brokers?: string;
  settings?: Partial<IntakeSettings>;
  connect?: boolean;
}): Promise<RunningIntake> {
  const kafka = kafkaFor(options.brokers);
  const producer = createRequestPathProducer(kafka);
  if (options.connect !== false) await producer.connect();
  const prisma = createPrisma(env('DATABASE_URL'), { maxConnections: 4 });
  const settings = testSettings(options.topic, options.settings);
  const intake = createIntakeApp({ settings, logger, producer, prisma });
  const server: Server = await listen(intake.app, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return {
    ...intake,
    url: `http://127.0.0.1:${port}`,
    topic: options.topic,
    prisma,
    producer,
    settings,
    identities: new OrderIdentities(SECRET_KEY),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await producer.disconnect().catch(() => undefined);
      await prisma.$disconnect();
    },
  };
}

/** Collects every order.placed event of a topic, each checked against the Kafka contract. */
export class PlacedEvents {
  readonly events: OrderPlaced[] = [];
  readonly invalid: unknown[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async follow(kafka: Kafka, topic: string): Promise<PlacedEvents> {
    const consumer = kafka.consumer({ groupId: unique('intake-test-group'), allowAutoTopicCreation: false });
    const collector = new PlacedEvents(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const json: unknown = JSON.parse(message.value?.toString('utf8') ?? 'null');
        const parsed = orderPlacedSchema.safeParse(json);
        if (parsed.success && message.key?.toString() === parsed.data.orderId) collector.events.push(parsed.data);
        else collector.invalid.push(json);
      },
    });
    return collector;
  }

  async waitFor(predicate: (e: OrderPlaced) => boolean, count = 1, timeoutMs = 20_000): Promise<OrderPlaced[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.filter(predicate);
      if (found.length >= count) return found;
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${count} event(s); saw ${this.events.length}, invalid ${this.invalid.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** An Order row as dispatch's projector would write it. */
export async function insertOrder(
  prisma: PrismaClient,
  fields: {
    id: string;
    trackingCode: string;
    secretHash?: string;
    content?: string;
    status?: string;
    categoryCode?: string;
    address?: string;
  },
) {
  return prisma.order.create({
    data: {
      id: fields.id,
      trackingCode: fields.trackingCode,
      secretHash: fields.secretHash ?? null,
      channel: 'api',
      status: fields.status ?? 'placed',
      content: fields.content ?? '路灯坏了',
      categoryCode: fields.categoryCode ?? null,
      address: fields.address ?? null,
      placedAt: new Date(),
    },
  });
}

/** The smallest valid PNG (1×1). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** Intake on a placed-orders topic of its own, with a follower collecting what it placed. */
export async function followIntake(
  settings?: Partial<IntakeSettings>,
): Promise<{ kafka: Kafka; intake: RunningIntake; placed: PlacedEvents; stop(): Promise<void> }> {
  const kafka = kafkaFor();
  const topic = await createPlacedTopic(kafka);
  const intake = await startIntake({ topic, ...(settings ? { settings } : {}) });
  const placed = await PlacedEvents.follow(kafka, topic);
  return {
    kafka,
    intake,
    placed,
    stop: async () => {
      await placed.stop();
      await intake.stop();
    },
  };
}
