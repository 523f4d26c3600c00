// The live feed end to end: lifecycle events on a Kafka topic → the feed consumer → server-sent
// events, filtered per caller (a unit handler sees its unit's events; nobody sees secret hashes).
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { exampleEvent, lifecycleEventId, type LifecycleEvent } from '@diandan/domain';
import { createProducer, publish } from '@diandan/platform';
import { startFeedConsumer } from '../src/feed';
import { startApi, type ApiHarness, freshTopics, kafkaFor, logger, startFixtureWorker, unique, waitFor, type TemporalFixture } from '@diandan/testkit/dispatch';

function event(orderId: string, seq: number, type: LifecycleEvent['type'], unitId: string | undefined, data: Record<string, unknown> = {}): LifecycleEvent {
  return exampleEvent({
    eventId: lifecycleEventId(orderId, seq),
    orderId,
    seq,
    type,
    at: new Date().toISOString(),
    actor: { role: 'dispatcher' },
    status: type === 'order.placed' ? 'placed' : 'dispatched',
    ...(unitId ? { unitId, level: 'community' as const } : {}),
    data,
  });
}

/** Reads a server-sent event stream until `count` lifecycle events arrived (or the timeout). */
async function collect(api: ApiHarness, token: string, count: number, trigger: () => Promise<void>, timeoutMs = 15_000): Promise<LifecycleEvent[]> {
  const controller = new AbortController();
  // As a browser's EventSource does it: a single-use ticket in the URL, never the access token.
  const { body: ticket } = await api.call('POST', '/v1/auth/feed-ticket', { token });
  const response = await fetch(`${api.baseUrl}/v1/feed?ticket=${encodeURIComponent(ticket.ticket)}`, { signal: controller.signal });
  const reader = response.body!.getReader();
  const received: LifecycleEvent[] = [];
  let buffer = '';
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  await reader.read(); // the opening comment: we are subscribed
  await trigger();
  try {
    while (received.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += Buffer.from(value).toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data) received.push(JSON.parse(data.slice(6)) as LifecycleEvent);
      }
    }
  } catch {
    // aborted at the timeout: return what came
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return received;
}

let temporal: TemporalFixture;
let api: ApiHarness;
let consumer: Consumer;
let topic: string;
beforeAll(async () => {
  temporal = await startFixtureWorker();
  api = await startApi(temporal.client);
  topic = (await freshTopics('feed')).lifecycle;
  consumer = await startFeedConsumer({ kafka: kafkaFor('feed'), hub: api.feed, topic, groupPrefix: unique('feed'), logger });
}, 120_000);
afterAll(async () => {
  await consumer?.disconnect();
  await api?.close();
  await temporal?.close();
});

describe('GET /v1/feed', () => {
  it('unitFilter.messageQueueCheck: a unit handler gets only its unit’s events; a dispatcher gets all; no secret hash anywhere', async () => {
    const [mine, theirs] = [randomUUID(), randomUUID()];
    const events = [
      event(mine, 1, 'order.placed', undefined, { secretHash: 'ff'.repeat(32), content: '路灯坏了' }),
      event(theirs, 1, 'order.placed', undefined, { secretHash: 'ee'.repeat(32) }),
      event(theirs, 2, 'order.dispatched', 'xinan'),
      event(mine, 2, 'order.dispatched', 'jianxin-north'),
    ];
    const send = async () => {
      // The feed starts at the newest offset: wait until its consumer has joined before producing.
      await waitFor('feed consumer to be assigned', async () => (await consumer.describeGroup()).state === 'Stable');
      // A stable group has not yet asked for the newest offset; a completed fetch has. Produced
      // before that, the events would land below the offset it starts from (seen on a loaded CI).
      await new Promise<void>((resolve) => {
        const off = consumer.on(consumer.events.FETCH, () => {
          off();
          resolve();
        });
      });
      const producer = createProducer(kafkaFor('feed-producer'));
      await producer.connect();
      await publish(producer, topic, events.map((value) => ({ key: value.orderId, value })));
      await producer.disconnect();
    };
    const handlerToken = await api.login('handler-jianxin');
    const dispatcherToken = await api.login('dispatcher');
    const [forHandler, forDispatcher] = await Promise.all([
      collect(api, handlerToken, 2, async () => undefined, 8_000),
      collect(api, dispatcherToken, 4, send),
    ]);
    expect(forDispatcher.map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(forHandler.map((e) => e.eventId)).toEqual([lifecycleEventId(mine, 2)]);
    expect(JSON.stringify([...forHandler, ...forDispatcher])).not.toMatch(/secretHash|ffff|eeee/);
    // Every event of an order the feed saw placed carries its tracking code (people know codes, not ids).
    const code = (events[0]!.data as { trackingCode: string }).trackingCode;
    expect(forDispatcher.filter((e) => e.orderId === mine).map((e) => (e as { trackingCode?: string }).trackingCode)).toEqual([code, code]);
    expect((forHandler[0] as { trackingCode?: string }).trackingCode).toBe(code);
  }, 60_000);

  it('ticket.authCheck: access tokens are refused in the URL; a ticket opens the feed once and is no access token', async () => {
    const token = await api.login('dispatcher');
    const inUrl = await fetch(`${api.baseUrl}/v1/feed?access_token=${token}`);
    expect(inUrl.status).toBe(401);
    expect(((await inUrl.json()) as { error: { message: string } }).error.message).toMatch(/feed-ticket/);
    const { status, body } = await api.call('POST', '/v1/auth/feed-ticket', { token });
    expect(status).toBe(200);
    expect(body.expiresIn).toBeLessThanOrEqual(60);
    expect((await api.call('GET', '/v1/me', { token: body.ticket })).status).toBe(401);
    const controller = new AbortController();
    const first = await fetch(`${api.baseUrl}/v1/feed?ticket=${encodeURIComponent(body.ticket)}`, { signal: controller.signal });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/text\/event-stream/);
    controller.abort();
    expect((await fetch(`${api.baseUrl}/v1/feed?ticket=${encodeURIComponent(body.ticket)}`)).status).toBe(401);
    // An access token in the Authorization header still opens it (clients that can send headers).
    const viaHeader = new AbortController();
    expect((await fetch(`${api.baseUrl}/v1/feed`, { headers: { authorization: `Bearer ${token}` }, signal: viaHeader.signal })).status).toBe(200);
    viaHeader.abort();
  });
});
