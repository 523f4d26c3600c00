// A consumer that kafkajs will not restart: an error marked non-retriable escapes the message
// handler path (here the runner's own `isTransient` throws one once, standing in for a commit or
// a broker answer refused for good after an outage; kafkajs bails out the same way when no broker
// is reachable for a while). The runner restarts the
// consumer itself on a new kafkajs consumer; meanwhile consumersReady() fails and the running
// gauge says 0; afterwards the message is handled and nothing is lost.
import { consumersReady, createKafka, createLogger, createProducer, ensureTopics, jsonParser, metricsText, publish, registerConsumerRunners, runConsumer, type ConsumerRunner } from '../src';
import type { Producer } from 'kafkajs';
import { z } from 'zod';
import { env, eventually, unique } from '@diandan/testkit';

const Event = z.object({ eventId: z.string() });
const logger = createLogger('restart-test', process.env.TEST_LOG_LEVEL ?? 'silent');

describe('consumer runner after a crash kafkajs does not recover from', () => {
  let producer: Producer;
  let runner: ConsumerRunner | undefined;
  const kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique('restart') }, logger);

  beforeAll(async () => {
    producer = createProducer(kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await runner?.stop();
    await producer?.disconnect();
  });

  it('restart.stateCheck: not ready while down, restarted, every event handled', async () => {
    const topic = unique('restart');
    await ensureTopics(kafka, [topic, `${topic}.dlq`], 1);
    const handled: string[] = [];
    let failFirst = true;
    let explode = true;
    runner = await runConsumer<z.infer<typeof Event>>({
      kafka,
      groupId: unique('restart-group'),
      topic,
      deadLetterTopic: `${topic}.dlq`,
      parse: jsonParser(Event),
      logger,
      backoffMs: 10,
      // Long enough to look at the process while the consumer is down; the test waits for signals.
      restartDelayMs: 2_000,
      isTransient: () => {
        if (explode) {
          explode = false;
          throw Object.assign(new Error('refused for good: kafkajs will not restart after this'), { retriable: false });
        }
        return true;
      },
      handle: async (event) => {
        if (failFirst) {
          failFirst = false;
          throw new Error('first attempt fails');
        }
        handled.push(event.eventId);
      },
    });
    registerConsumerRunners();
    const ready = consumersReady();
    await ready();

    await publish(producer, topic, [{ key: 'a', value: { eventId: 'e-1' } }, { key: 'a', value: { eventId: 'e-2' } }]);
    await eventually('the consumer down after its crash', () => !runner!.counters.running, { timeoutMs: 30_000, lastSeen: () => JSON.stringify(runner!.counters) });
    await expect(ready()).rejects.toThrow(/crashed; restarting/);
    expect((await metricsText()).body).toMatch(/diandan_consumer_running\{group="[^"]+",topic="[^"]+"\} 0/);

    await eventually('both events handled after the restart', () => handled.length >= 2, { timeoutMs: 60_000, lastSeen: () => JSON.stringify(runner!.counters) });
    expect(handled).toEqual(['e-1', 'e-2']);
    expect(runner.counters).toMatchObject({ running: true, restarts: 1, parked: 0 });
    expect(runner.counters.crashes).toBeGreaterThanOrEqual(1);
    await ready();
  }, 120_000);
});
