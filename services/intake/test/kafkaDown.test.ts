// Kafka unreachable: every channel answers quickly with 503 + Retry-After (WeChat with a "busy"
// reply), and nothing reaches the topic.
import type { Kafka } from 'kafkajs';
import net from 'node:net';
import { BUSY } from '../src/channels/wechat';
import { wechatSignature } from '../src/channels/wechatCrypto';
import { OPERATOR_TOKEN, PlacedEvents, WECHAT, createPlacedTopic, kafkaFor, postJson, startIntake, type RunningIntake } from '@diandan/testkit/intake';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Kafka unreachable', () => {
  let kafka: Kafka;
  let topic: string;
  let down: RunningIntake;
  let up: RunningIntake;
  let placed: PlacedEvents;

  beforeAll(async () => {
    kafka = kafkaFor();
    topic = await createPlacedTopic(kafka);
    // The same real topic name, but a producer pointed at a port where nothing listens.
    down = await startIntake({ topic, brokers: `127.0.0.1:${await closedPort()}`, connect: false, settings: { publishTimeoutMs: 1500 } });
    up = await startIntake({ topic });
    placed = await PlacedEvents.follow(kafka, topic);
  });
  afterAll(async () => {
    await placed.stop();
    await down.stop();
    await up.stop();
  });

  it('kafkaDown.responseCheck: the API answers 503 with Retry-After within the publish deadline', async () => {
    const started = Date.now();
    const res = await postJson(`${down.url}/v1/orders`, { content: '停电了' }, { 'Idempotency-Key': 'kafka-down-key-0000001' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body.error.code).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('kafkaDown.responseCheck: hotline and Open311 answer 503 too; WeChat replies that it is busy', async () => {
    const hotline = await postJson(
      `${down.url}/v1/hotline/calls`,
      { callId: 'down-1', callerNumber: '13800138000', agentId: 'a1', notes: '咨询' },
      { Authorization: `Bearer ${OPERATOR_TOKEN}` },
    );
    expect(hotline.status).toBe(503);
    const open311 = await fetch(`${down.url}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: 'x' }) });
    expect(open311.status).toBe(403); // the api_key is checked before anything is placed
    const timestamp = String(Math.floor(Date.now() / 1000)); // within the accepted clock skew
    const q = new URLSearchParams({ timestamp, nonce: 'n1', openid: 'o1' });
    q.set('signature', wechatSignature(WECHAT.token, timestamp, 'n1'));
    const wechat = await fetch(`${down.url}/v1/wechat?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1700000000</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1</MsgId></xml>',
    });
    expect(wechat.status).toBe(200);
    expect(await wechat.text()).toContain(BUSY);
  });

  it('kafkaDown.messageQueueCheck: nothing failed reaches the topic (an order placed afterwards through a live producer is the only event)', async () => {
    const ok = await postJson(`${up.url}/v1/orders`, { content: '对照订单' });
    expect(ok.status).toBe(202);
    // The control order is the explicit signal: the refused requests came before it, through a
    // producer that never reached the broker, so nothing of theirs can follow it.
    await placed.waitFor((e) => e.orderId === ok.body.orderId);
    expect(placed.events.map((e) => e.orderId)).toEqual([ok.body.orderId]);
    expect(placed.invalid).toEqual([]);
  });
});
