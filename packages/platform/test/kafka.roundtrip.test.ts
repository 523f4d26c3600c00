// Kafka on the real broker: the idempotent producer, the consumer runner's commit-after-handler
// rule, and dead-lettering of poison messages. Topics and groups are unique to this run.
import { BatchingPublisher, createKafka, createLogger, createProducer, jsonParser, publish, runConsumer, type ConsumerRunner } from '../src';
import type { Kafka, Producer } from 'kafkajs';
import { z } from 'zod';
import { env, eventually, unique as uniqueName } from '@diandan/testkit';

const logger = createLogger('kafka-test', 'silent');
const Message = z.object({ orderId: z.string(), n: z.number() });

describe('Kafka on the real broker', () => {
  let kafka: Kafka;
  let producer: Producer;
  const runners: ConsumerRunner[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: 'diandan-test' }, logger);
    producer = createProducer(kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await producer.disconnect();
  });

  async function createTopics(...topics: string[]) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 2 })) });
    await admin.disconnect();
  }

  async function committedOffsets(groupId: string, topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  it('produceConsume.messageQueueCheck: events published with acks -1 reach a consumer group, which commits after handling', async () => {
    const topic = uniqueName('orders.placed');
    const groupId = uniqueName('group');
    await createTopics(topic, `${topic}.dlq`);
    await publish(producer, topic, [
      { key: 'order-a', value: { orderId: 'a', n: 1 } },
      { key: 'order-b', value: { orderId: 'b', n: 2 } },
      { key: 'order-a', value: { orderId: 'a', n: 3 } },
    ]);
    const seen: z.infer<typeof Message>[] = [];
    runners.push(
      await runConsumer<z.infer<typeof Message>>({ kafka, groupId, topic, deadLetterTopic: `${topic}.dlq`, parse: jsonParser(Message), logger, handle: async (m) => void seen.push(m) }),
    );
    await eventually('three messages handled', () => seen.length === 3);
    // Per key (= order id) the order of events is kept.
    expect(seen.filter((m) => m.orderId === 'a').map((m) => m.n)).toEqual([1, 3]);
    expect(await eventually('offset 3 committed', async () => ((await committedOffsets(groupId, topic)) === 3 ? 3 : undefined))).toBe(3);
  });

  it('consumerRunner.deadLetterCheck: poison and always-failing messages are parked, the rest still flows', async () => {
    const topic = uniqueName('orders.lifecycle');
    const dlq = `${topic}.dlq`;
    const groupId = uniqueName('group');
    await createTopics(topic, dlq);
    await producer.send({ topic, acks: -1, messages: [{ key: 'x', value: 'not json {' }] });
    await publish(producer, topic, [
      { key: 'x', value: { orderId: 'boom', n: 1 } },
      { key: 'x', value: { orderId: 'fine', n: 2 } },
    ]);
    const handled: string[] = [];
    let boomAttempts = 0;
    runners.push(
      await runConsumer<z.infer<typeof Message>>({
        kafka, groupId, topic, deadLetterTopic: dlq, parse: jsonParser(Message), logger, maxAttempts: 3, backoffMs: 10,
        handle: async (m) => {
          if (m.orderId === 'boom') {
            boomAttempts++;
            throw new Error('handler cannot cope');
          }
          handled.push(m.orderId);
        },
      }),
    );
    const parked: { reason: string; attempts: string }[] = [];
    const dlqConsumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: dlq, fromBeginning: true });
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        parked.push({ reason: String(message.headers?.['x-dead-letter-reason']), attempts: String(message.headers?.['x-attempts']) });
      },
    });
    await eventually('two parked and one handled', () => parked.length === 2 && handled.length === 1);
    await dlqConsumer.disconnect();
    expect(handled).toEqual(['fine']);
    expect(boomAttempts).toBe(3);
    expect(parked[0]?.reason).toMatch(/not valid JSON/);
    expect(parked[1]).toEqual({ reason: 'Error: handler cannot cope', attempts: '3' });
    expect(await eventually('offset 3 committed', async () => ((await committedOffsets(groupId, topic)) === 3 ? 3 : undefined))).toBe(3);
  });

  it('consumerRunner.batchCheck: a batch goes to handleBatch at once; a poison message in it reaches the dead-letter topic and the rest of the batch is still handled', async () => {
    const topic = uniqueName('orders.lifecycle');
    const dlq = `${topic}.dlq`;
    const groupId = uniqueName('group');
    await createTopics(topic, dlq);
    // All on one key (one partition), published before the consumer starts: one fetch brings them.
    await publish(producer, topic, [
      { key: 'x', value: { orderId: 'a', n: 1 } },
      { key: 'x', value: { orderId: 'boom', n: 2 } },
      { key: 'x', value: { orderId: 'b', n: 3 } },
    ]);
    await producer.send({ topic, acks: -1, messages: [{ key: 'x', value: 'not json {' }] });
    await publish(producer, topic, [{ key: 'x', value: { orderId: 'c', n: 4 } }]);
    const batches: string[][] = [];
    const oneByOne: string[] = [];
    runners.push(
      await runConsumer<z.infer<typeof Message>>({
        kafka, groupId, topic, deadLetterTopic: dlq, parse: jsonParser(Message), logger, maxAttempts: 2, backoffMs: 10,
        // A transaction that one bad message aborts as a whole: nothing of the batch counts.
        handleBatch: async (messages) => {
          batches.push(messages.map((m) => m.message.orderId));
          if (messages.some((m) => m.message.orderId === 'boom')) throw new Error('batch aborted by boom');
          oneByOne.push(...messages.map((m) => m.message.orderId));
        },
        handle: async (m) => {
          if (m.orderId === 'boom') throw new Error('handler cannot cope');
          oneByOne.push(m.orderId);
        },
      }),
    );
    const parked: string[] = [];
    const dlqConsumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: dlq, fromBeginning: true });
    await dlqConsumer.run({ eachMessage: async ({ message }) => void parked.push(String(message.headers?.['x-dead-letter-reason'])) });
    await eventually('two parked and three handled', () => parked.length === 2 && oneByOne.length === 3);
    await dlqConsumer.disconnect();
    // The unparseable message never reaches a handler; the others went to handleBatch first.
    expect(batches.flat()).toEqual(expect.arrayContaining(['a', 'boom', 'b', 'c']));
    expect(batches.flat()).not.toContain(undefined);
    expect(oneByOne).toEqual(['a', 'b', 'c']);
    expect(parked).toEqual(expect.arrayContaining([expect.stringMatching(/not valid JSON/), 'Error: handler cannot cope']));
    expect(await eventually('offset 5 committed', async () => ((await committedOffsets(groupId, topic)) === 5 ? 5 : undefined))).toBe(5);
  });

  it('batchingPublisher.messageQueueCheck: concurrent callers share produce requests, each resolves once Kafka has its events, in order per key', async () => {
    const topic = uniqueName('orders.lifecycle');
    await createTopics(topic);
    const publisher = new BatchingPublisher(producer, { maxInFlight: 1 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => publisher.publish(topic, [1, 2].map((n) => ({ key: `order-${i % 5}`, value: { orderId: `order-${i % 5}`, n: i * 2 + n } })))),
    );
    expect(publisher.stats.events).toBe(100);
    expect(publisher.stats.requests).toBeLessThan(50);
    const seen: z.infer<typeof Message>[] = [];
    runners.push(
      await runConsumer<z.infer<typeof Message>>({
        kafka, groupId: uniqueName('group'), topic, deadLetterTopic: `${topic}.dlq`, parse: jsonParser(Message), logger, handle: async (m) => void seen.push(m),
      }),
    );
    await eventually('all 100 events consumed', () => seen.length === 100);
    for (let k = 0; k < 5; k++) {
      const ns = seen.filter((m) => m.orderId === `order-${k}`).map((m) => m.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
  });
});
