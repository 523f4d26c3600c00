// The starter against the real Kafka and Temporal dev server, with the stand-in serviceOrder on a
// unique task queue: one workflow per order however often the message comes, however many starters.
import { randomBytes, randomUUID } from 'node:crypto';
import { generateTrackingCode, workflowIdFor, type OrderPlaced } from '@diandan/domain';
import { createProducer, publish } from '@diandan/platform';
import { serviceOrderInput, startServiceOrder, startStarter } from '../src/starter';
import { freshTopics, kafkaFor, logger, startFixtureWorker, unique, waitFor, type TemporalFixture } from '@diandan/testkit/dispatch';

function placed(overrides: Partial<OrderPlaced> = {}): OrderPlaced {
  const orderId = randomUUID();
  return {
    eventId: `placed-${orderId}`,
    type: 'order.placed',
    orderId,
    trackingCode: generateTrackingCode((n) => randomBytes(n)),
    secretHash: 'cd'.repeat(32),
    channel: 'web',
    content: '小区老人希望开设老年食堂',
    categoryCode: 'elderly-canteen',
    priority: 'normal',
    location: { address: '五里店街道 8 号' },
    contact: { name: '王大爷', phone: '13800000000' },
    attachments: [],
    placedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Every run of a workflow id on this task queue, from the visibility store. */
async function runsOf(temporal: TemporalFixture, workflowIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const execution of temporal.client.workflow.list({ query: `TaskQueue = '${temporal.taskQueue}'` })) {
    if (workflowIds.includes(execution.workflowId)) counts.set(execution.workflowId, (counts.get(execution.workflowId) ?? 0) + 1);
  }
  return counts;
}

let temporal: TemporalFixture;
beforeAll(async () => {
  temporal = await startFixtureWorker();
});
afterAll(() => temporal?.close());

describe('serviceOrderInput', () => {
  it('contactData.stateCheck: no name, phone or e-mail reaches the workflow', () => {
    const input = serviceOrderInput(placed());
    expect(JSON.stringify(input)).not.toMatch(/王大爷|13800000000|contact/);
    expect(input).toMatchObject({ channel: 'web', categoryCode: 'elderly-canteen', address: '五里店街道 8 号' });
  });
});

describe('startServiceOrder', () => {
  it('duplicate.responseCheck: starting the same order twice runs one workflow, running or finished', async () => {
    const order = placed();
    expect(await startServiceOrder(temporal.client, temporal.taskQueue, order)).toBe('running');
    expect(await startServiceOrder(temporal.client, temporal.taskQueue, order)).toBe('running');
    const description = await temporal.client.workflow.getHandle(workflowIdFor(order.orderId)).describe();
    expect(description.type).toBe('serviceOrder');
    await temporal.client.workflow.getHandle(workflowIdFor(order.orderId)).terminate('test done');
    // Finished: never a second lifecycle for the same order.
    expect(await startServiceOrder(temporal.client, temporal.taskQueue, order)).toBe('already_finished');
    const runs = await waitFor('visibility', async () => {
      const counted = await runsOf(temporal, [workflowIdFor(order.orderId)]);
      return counted.size > 0 ? counted : undefined;
    });
    expect(runs.get(workflowIdFor(order.orderId))).toBe(1);
  });
});

describe('starter consumer', () => {
  it('twoInstances.messageQueueCheck: every order, some delivered twice, is started exactly once', async () => {
    const topics = await freshTopics('starter');
    const kafka = kafkaFor('starter');
    const groupId = unique('starter-group');
    const orders = Array.from({ length: 24 }, () => placed());
    const producer = createProducer(kafka);
    await producer.connect();
    const messages = [...orders, ...orders.slice(0, 6)].map((value) => ({ key: value.orderId, value }));
    await publish(producer, topics.placed, messages);
    await publish(producer, topics.placed, [{ key: 'poison', value: { type: 'order.placed', orderId: 'not-a-uuid' } }]);
    await producer.disconnect();

    const starters = await Promise.all(
      [1, 2].map(() => startStarter({ kafka, client: temporal.client, taskQueue: temporal.taskQueue, logger, topic: topics.placed, deadLetterTopic: topics.placedDlq, groupId })),
    );
    const ids = orders.map((o) => workflowIdFor(o.orderId));
    const dlq = kafka.consumer({ groupId: unique('dlq-reader') });
    try {
      const runs = await waitFor(
        'every order to run',
        async () => {
          const counted = await runsOf(temporal, ids);
          return counted.size === ids.length ? counted : undefined;
        },
        45_000,
      );
      expect([...runs.values()].every((count) => count === 1)).toBe(true);

      // The poison message went to the dead-letter topic, not into a retry loop.
      await dlq.connect();
      await dlq.subscribe({ topic: topics.placedDlq, fromBeginning: true });
      const parked: string[] = [];
      await dlq.run({ eachMessage: async ({ message }) => void parked.push(message.key?.toString() ?? '') });
      await waitFor('dead letter', async () => parked.length > 0, 30_000);
      expect(parked).toEqual(['poison']);
    } finally {
      await dlq.disconnect();
      for (const starter of starters) await starter.stop();
      await Promise.all(ids.map((id) => temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined)));
    }
  }, 90_000);
});
