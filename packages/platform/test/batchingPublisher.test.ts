// The batching publisher's promise to its callers, with a producer that fails on demand (whether
// Kafka took a request is the producer's answer; the real broker is in kafka.roundtrip.test.ts).
import type { Producer, ProducerBatch } from 'kafkajs';
import { BatchingPublisher } from '../src';

function stubProducer() {
  const requests: { batch: ProducerBatch; settle: (error?: Error) => void }[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) =>
      new Promise((resolve, reject) => requests.push({ batch, settle: (error) => (error ? reject(error) : resolve([])) })),
  } as unknown as Producer;
  return { producer, requests };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));
const event = (key: string, n: number) => ({ key, value: { n } });

describe('BatchingPublisher', () => {
  it('coalesce.responseCheck: callers arriving while a request is in flight go together in the next one', async () => {
    const { producer, requests } = stubProducer();
    const publisher = new BatchingPublisher(producer, { maxInFlight: 1 });
    const first = publisher.publish('t', [event('a', 1)]);
    await tick();
    const waiting = [publisher.publish('t', [event('b', 1)]), publisher.publish('t', [event('c', 1), event('c', 2)])];
    await tick();
    expect(requests).toHaveLength(1);
    requests[0]!.settle();
    await first;
    await tick();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.batch.topicMessages![0]!.messages.map((m) => m.key)).toEqual(['b', 'c', 'c']);
    expect(requests[1]!.batch.acks).toBe(-1);
    requests[1]!.settle();
    await Promise.all(waiting);
  });

  it('neverAcknowledgeLost.responseCheck: a request Kafka refused rejects every caller it carried, and only those', async () => {
    const { producer, requests } = stubProducer();
    const publisher = new BatchingPublisher(producer, { maxInFlight: 1 });
    const carried = [publisher.publish('t', [event('a', 1)]), publisher.publish('u', [event('b', 1)])];
    const outcomes = carried.map((p) => p.then(() => 'acknowledged', (e: Error) => e.message));
    await tick();
    const later = publisher.publish('t', [event('c', 1)]);
    expect(requests).toHaveLength(1);
    requests[0]!.settle(new Error('NOT_ENOUGH_REPLICAS'));
    expect(await Promise.all(outcomes)).toEqual(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS']);
    await tick();
    requests[1]!.settle();
    await expect(later).resolves.toBeUndefined();
  });

  it('unserialisable.responseCheck: a value JSON cannot carry fails its own caller, not the others', async () => {
    const { producer, requests } = stubProducer();
    const publisher = new BatchingPublisher(producer);
    const bad = publisher.publish('t', [{ key: 'a', value: { n: 1n } }]);
    const good = publisher.publish('t', [event('b', 1)]);
    await expect(bad).rejects.toThrow(/BigInt/);
    await tick();
    requests[0]!.settle();
    await expect(good).resolves.toBeUndefined();
    expect(requests).toHaveLength(1);
  });
});
