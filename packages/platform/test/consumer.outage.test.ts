// A PostgreSQL outage longer than the consumer group's session timeout: the runner keeps
// retrying the message that failed (the error is transient), heartbeats while it does, and so
// stays the group's member — no rebalance, no crash — and once the database is back every event
// is projected exactly once. The database is a throwaway cluster of this test's own.
import { createKafka, createLogger, createPrisma, ensureTopics, jsonParser, publish, createProducer, runConsumer, type ConsumerRunner, type PrismaClient } from '../src';
import type { Kafka, Producer } from 'kafkajs';
import { z } from 'zod';
import { env, eventually, startThrowawayPostgres, unique, type ThrowawayPostgres } from '@diandan/testkit';

const SESSION_TIMEOUT_MS = 8_000;
const Event = z.object({ eventId: z.string(), orderId: z.string() });
const logger = createLogger('outage-test', process.env.TEST_LOG_LEVEL ?? 'silent');

describe('consumer runner through a database outage', () => {
  let pg: ThrowawayPostgres;
  let prisma: PrismaClient;
  let kafka: Kafka;
  let producer: Producer;
  let runner: ConsumerRunner | undefined;

  beforeAll(async () => {
    pg = await startThrowawayPostgres({ portOffset: 50 });
    prisma = createPrisma(pg.url, { maxConnections: 2 });
    await prisma.$executeRawUnsafe('create table projection (event_id text primary key, order_id text not null, at timestamptz not null default now())');
    kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique('outage') }, logger);
    producer = createProducer(kafka);
    await producer.connect();
  }, 120_000);
  afterAll(async () => {
    await runner?.stop();
    await producer?.disconnect();
    await prisma?.$disconnect();
    pg?.destroy();
  });

  it('outage.stateCheck: no rebalance, nothing parked, every event projected exactly once', async () => {
    const topic = unique('orders.lifecycle');
    await ensureTopics(kafka, [topic, `${topic}.dlq`], 3);
    const deliveries = new Map<string, number>();
    let duplicates = 0;
    const events = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({ eventId: `e-${from + i}`, orderId: `order-${(from + i) % 7}` }));

    runner = await runConsumer<z.infer<typeof Event>>({
      kafka,
      groupId: unique('outage-projector'),
      topic,
      deadLetterTopic: `${topic}.dlq`,
      parse: jsonParser(Event),
      logger,
      backoffMs: 100,
      maxBackoffMs: 1_000,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: 1_000,
      // the default classification (platform's isTransient) decides that a database outage is transient
      handle: async (event) => {
        const inserted = await prisma.$executeRaw`insert into projection (event_id, order_id) values (${event.eventId}, ${event.orderId}) on conflict do nothing`;
        if (inserted === 0) duplicates++;
        deliveries.set(event.eventId, (deliveries.get(event.eventId) ?? 0) + 1);
      },
    });
    const counters = runner.counters;
    const projected = async () => Number((await prisma.$queryRaw<{ n: bigint }[]>`select count(*) as n from projection`)[0]?.n ?? 0);

    await publish(producer, topic, events(0, 30).map((e) => ({ key: e.orderId, value: e })));
    await eventually('the first 30 events projected', async () => (await projected()) === 30);
    expect(counters.groupJoins).toBe(1);

    pg.stop();
    await publish(producer, topic, events(30, 60).map((e) => ({ key: e.orderId, value: e })));
    // The outage lasts until the runner has been retrying for longer than the session timeout.
    await eventually(
      'a message retried for longer than the session timeout',
      () => counters.retryingSince !== null && Date.now() - counters.retryingSince > SESSION_TIMEOUT_MS + 2_000,
      { timeoutMs: 60_000, lastSeen: () => JSON.stringify(counters) },
    );
    expect(counters.transientRetries).toBeGreaterThan(0);
    expect(counters.retryHeartbeats).toBeGreaterThan(0);
    pg.start();

    await eventually('all 60 events projected', async () => (await projected()) === 60, { timeoutMs: 60_000, lastSeen: () => JSON.stringify(counters) });
    expect(counters).toMatchObject({ groupJoins: 1, crashes: 0, parked: 0, retrying: 0, retryingSince: null });
    expect(duplicates).toBe(0);
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
    expect(deliveries.size).toBe(60);
  }, 180_000);
});
