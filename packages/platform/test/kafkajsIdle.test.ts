// kafkajs's idle spin (kafkajsIdle.ts): with the fix an idle connection arms no timer, and a
// request that has to wait is still sent — against the real broker.
import { createRequire } from 'node:module';
import { env, unique } from '@diandan/testkit';
import { applyKafkajsIdleFix, createKafka, ensureTopics } from '../src';

const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue') as new (options: Record<string, unknown>) => {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
};
const quiet = { info: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined, namespace: () => quiet };

describe('kafkajs idle fix', () => {
  it('idle.noTimer: a queue with nothing pending schedules no check', () => {
    expect(applyKafkajsIdleFix()).toBe(true);
    const queue = new RequestQueue({
      maxInFlightRequests: 1,
      requestTimeout: 1000,
      enforceRequestTimeout: true,
      clientId: 'test',
      broker: 'b',
      logger: quiet,
    });
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.pending.push({});
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(queue.throttleCheckTimeoutId!);
  });

  it('idle.stillWorks: a producer limited to one request in flight sends ten at once, queued, all acknowledged', async () => {
    const kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique('idle-fix') });
    const topic = unique('idle-fix');
    await ensureTopics(kafka, [topic], 1);
    const admin = kafka.admin();
    await admin.connect();
    // maxInFlightRequests 1: nine of the ten sends wait in the RequestQueue's pending list.
    const producer = kafka.producer({ maxInFlightRequests: 1, idempotent: false });
    await producer.connect();
    const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic, messages: [{ value: `m${i}` }] })));
    expect(sent).toHaveLength(10);
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets[0]!.high).toBe('10');
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
});
