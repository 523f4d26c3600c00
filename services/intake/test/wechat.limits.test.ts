// WeChat abuse limits: a captured request cannot be replayed later (timestamps outside a few
// minutes are refused, a 2001 one included), and one openid cannot flood the order queue.
import net from 'node:net';
import { SLOW_DOWN } from '../src/channels/wechat';
import { wechatSignature } from '../src/channels/wechatCrypto';
import { createPlacedTopic, kafkaFor, startIntake, unique, WECHAT, type RunningIntake } from '@diandan/testkit/intake';

const nonce = 'nonce-limits';
const signed = (timestamp: string, extra: Record<string, string> = {}) =>
  new URLSearchParams({ signature: wechatSignature(WECHAT.token, timestamp, nonce), timestamp, nonce, ...extra });
const now = () => Math.floor(Date.now() / 1000);
const textMessage = (openId: string, msgId: string, content: string) =>
  `<xml><ToUserName><![CDATA[gh_diandan]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

let intake: RunningIntake;
beforeAll(async () => {
  intake = await startIntake({ topic: await createPlacedTopic(kafkaFor()), settings: { wechat: { ...WECHAT, maxClockSkewSeconds: 300, messagesPerOpenIdPerMinute: 3 } } });
});
afterAll(async () => {
  await intake?.stop();
});

const post = (query: URLSearchParams, body: string) => fetch(`${intake.url}/v1/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

describe('WeChat limits', () => {
  test.each([
    ['2001', '978307200'],
    ['ten minutes ago', String(now() - 600)],
    ['ten minutes ahead', String(now() + 600)],
    ['not a number', 'soon'],
  ])('timestamp.staleCheck(%s): a correctly signed request is refused with 401', async (_, timestamp) => {
    const echo = await fetch(`${intake.url}/v1/wechat?${signed(timestamp, { echostr: 'e1' })}`);
    expect(echo.status).toBe(401);
    const res = await post(signed(timestamp), textMessage(unique('o'), '1', '路灯不亮'));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('stale_timestamp');
  });

  test('timestamp.freshCheck: a timestamp within the skew is answered', async () => {
    const res = await fetch(`${intake.url}/v1/wechat?${signed(String(now() - 60), { echostr: 'e2' })}`);
    expect([res.status, await res.text()]).toEqual([200, 'e2']);
  });

  test('body.streamingLimitCheck: a callback body that keeps coming past 64 kB is refused with 413 before it ends', async () => {
    const { port } = new URL(intake.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /v1/wechat?${signed(String(now()))} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n`);
        const chunk = `<xml><Content>${'x'.repeat(70 * 1024)}`;
        socket.write(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`);
        // No final chunk: only the limit can produce an answer.
      });
      let text = '';
      socket.on('data', (data) => (text += data.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 413/);
  });

  test('openid.rateCheck: past the limit per minute, the reply asks to slow down and no order is placed', async () => {
    const openId = unique('flood');
    const replies: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await post(signed(String(now())), textMessage(openId, `${i}`, '查询 DD-7K3M-Q9TB'));
      expect(res.status).toBe(200);
      replies.push(await res.text());
    }
    expect(replies.slice(0, 3).every((r) => !r.includes(SLOW_DOWN))).toBe(true);
    expect(replies.slice(3).every((r) => r.includes(SLOW_DOWN))).toBe(true);
    // Another resident is not slowed down by this one.
    const other = await post(signed(String(now())), textMessage(unique('calm'), '1', '查询 DD-7K3M-Q9TB'));
    expect(await other.text()).not.toContain(SLOW_DOWN);
  });
});
