// WeChat "评价 <code> 满意|基本满意|不满意 [意见]": parsed in intake, passed to services/feedback's
// `POST /v1/wechat/rating` under the service token. Feedback is an in-process stand-in here that
// records each call and answers as the real one does (services/feedback/test/wechatRating.e2e.test.ts
// holds the real side of this contract); we check the request, the replies, retries of one MsgId,
// the format help, and a feedback that is down or hangs.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { XMLParser } from 'fast-xml-parser';
import type { Kafka } from 'kafkajs';
import { generateTrackingCode } from '@diandan/domain';
import { listen } from '@diandan/platform';
import { RATING_FORMAT, RATING_REPLIES, parseRatingText } from '../src/channels/wechat';
import { WechatCrypto, wechatSignature } from '../src/channels/wechatCrypto';
import { FEEDBACK_TOKEN, PlacedEvents, WECHAT, createPlacedTopic, kafkaFor, startIntake, unique, type RunningIntake } from '@diandan/testkit/intake';

const parser = new XMLParser({ parseTagValue: false });
const timestamp = String(Math.floor(Date.now() / 1000)); // within the accepted clock skew
const nonce = 'nonce456';
const signedQuery = (extra: Record<string, string> = {}) =>
  new URLSearchParams({ signature: wechatSignature(WECHAT.token, timestamp, nonce), timestamp, nonce, ...extra });
const textMessage = (openId: string, msgId: string, content: string) =>
  `<xml><ToUserName><![CDATA[gh_diandan]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>1732700000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

interface Call {
  authorization: string | undefined;
  body: Record<string, unknown>;
}
type Answer = { status: number; body: unknown } | 'hang';

/** Feedback's endpoint as a stand-in: records calls, answers with `answer`. */
class FeedbackStandIn {
  readonly calls: Call[] = [];
  answer: (call: Call) => Answer = () => ({ status: 500, body: {} });
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    const app = express();
    app.use(express.json());
    app.post('/v1/wechat/rating', (req, res) => {
      const call = { authorization: req.get('authorization'), body: req.body as Record<string, unknown> };
      this.calls.push(call);
      const answer = this.answer(call);
      if (answer !== 'hang') res.status(answer.status).json(answer.body);
    });
    this.server = await listen(app, 0, '127.0.0.1');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const rated = (code: string, reopened = false): Answer => ({
  status: 200,
  body: {
    trackingCode: code,
    status: reopened ? 'dispatched' : 'closed',
    rating: reopened ? 'dissatisfied' : 'satisfied',
    reopened,
    message: '…',
  },
});
const refused = (reason: 'not_resolved' | 'closed'): Answer => ({
  status: 409,
  body: {
    error: {
      code: 'not_ratable',
      message: reason === 'closed' ? 'cannot rate: order is closed' : 'cannot rate: order is not resolved yet',
      details: { reason },
    },
  },
});
const notFound: Answer = {
  status: 404,
  body: { error: { code: 'not_found', message: 'no order with this tracking code for this sender' } },
};

let msgIds = 910_000_000;
const nextMsgId = () => String(++msgIds);
const newCode = () => generateTrackingCode(randomBytes);

describe('parseRatingText', () => {
  it.each([
    ['评价 DD-7K3M-Q9TB 满意', { code: 'DD-7K3M-Q9TB', rating: 'satisfied' }],
    ['评价 dd-7k3m-q9tb 基本满意', { code: 'DD-7K3M-Q9TB', rating: 'basically_satisfied' }],
    ['评价\u3000DD-7K3M-Q9TB\u3000不满意\u3000一直没人联系我', { code: 'DD-7K3M-Q9TB', rating: 'dissatisfied', comment: '一直没人联系我' }],
    ['评价 DD 7K3M Q9TB 不满意 一直 没人联系我 ', { code: 'DD-7K3M-Q9TB', rating: 'dissatisfied', comment: '一直 没人联系我' }],
    ['评价：7K3MQ9TB 满意 谢谢', { code: 'DD-7K3M-Q9TB', rating: 'satisfied', comment: '谢谢' }],
    ['评价DD-7K3M-Q9TB 满意', { code: 'DD-7K3M-Q9TB', rating: 'satisfied' }],
  ])('%s', (text, expected) => {
    expect(parseRatingText(text)).toEqual(expected);
  });

  it.each([
    '评价',
    '评价 DD-7K3M-Q9TB',
    '评价 DD-7K3M-Q9TB 很好',
    '评价 满意',
    '评价 DD-7K3M 满意',
    '评价 DD-7K3M-Q9TB 非常满意',
    '评价 DD-7K3M-Q9TX 满意',
  ])('malformed: %s', (text) => {
    expect(parseRatingText(text)).toBe('malformed');
  });

  it.each(['评价一下你们的服务', '路灯坏了', '查询 DD-7K3M-Q9TB'])('not a rating: %s', (text) => {
    expect(parseRatingText(text)).toBeNull();
  });

  it('cuts the comment at 1,000 characters', () => {
    expect(parseRatingText(`评价 DD-7K3M-Q9TB 满意 ${'好'.repeat(1500)}`)).toEqual({
      code: 'DD-7K3M-Q9TB',
      rating: 'satisfied',
      comment: '好'.repeat(1000),
    });
  });
});

describe('WeChat "评价" against a feedback stand-in', () => {
  let kafka: Kafka;
  let standIn: FeedbackStandIn;
  let intake: RunningIntake;
  let down: RunningIntake;
  let placed: PlacedEvents;

  beforeAll(async () => {
    kafka = kafkaFor();
    const topic = await createPlacedTopic(kafka);
    standIn = new FeedbackStandIn();
    await standIn.start();
    intake = await startIntake({ topic, settings: { feedback: { url: standIn.url, serviceToken: FEEDBACK_TOKEN } } });
    // A port that was just free: nothing listens there.
    const closed = await listen(express(), 0, '127.0.0.1');
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    down = await startIntake({ topic, settings: { feedback: { url: `http://127.0.0.1:${closedPort}`, serviceToken: FEEDBACK_TOKEN } } });
    placed = await PlacedEvents.follow(kafka, topic);
  });
  afterAll(async () => {
    await placed?.stop();
    await intake?.stop();
    await down?.stop();
    await standIn?.stop();
  });

  const send = (target: RunningIntake, body: string, query = signedQuery()) =>
    fetch(`${target.url}/v1/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  const replyTo = async (target: RunningIntake, body: string) => {
    const res = await send(target, body);
    expect(res.status).toBe(200);
    const xml = await res.text();
    return { xml, content: String(parser.parse(xml).xml.Content) };
  };

  it('wechatRating.requestCheck: the parsed rating goes to feedback with the openid and the service token', async () => {
    const openId = unique('openid');
    const code = newCode();
    standIn.answer = () => rated(code, true);
    const before = standIn.calls.length;
    const { content } = await replyTo(
      intake,
      textMessage(openId, nextMsgId(), `评价\u3000${code.toLowerCase()}\u3000不满意\u3000一直没人联系我`),
    );
    expect(standIn.calls.slice(before)).toEqual([
      { authorization: `Bearer ${FEEDBACK_TOKEN}`, body: { openId, code, rating: 'dissatisfied', comment: '一直没人联系我' } },
    ]);
    expect(content).toBe(RATING_REPLIES.reopened(code));
    expect(content).toContain('感谢评价');
  });

  it.each([
    ['rated (satisfied)', (code: string) => rated(code), (code: string) => RATING_REPLIES.rated(code), '感谢评价'],
    ['not resolved yet', () => refused('not_resolved'), () => RATING_REPLIES.not_resolved, '订单尚未办结，暂不能评价'],
    ['already rated or closed', () => refused('closed'), () => RATING_REPLIES.closed, '已评价或已关闭'],
    ['not the sender’s order', () => notFound, () => RATING_REPLIES.not_found, '未找到您的订单'],
    [
      'a wrong service token (401)',
      () => ({ status: 401, body: { error: { code: 'unauthorized' } } }),
      () => RATING_REPLIES.unavailable,
      '系统繁忙，请稍后再试',
    ],
    [
      'feedback failing (500)',
      () => ({ status: 500, body: { error: { code: 'internal' } } }),
      () => RATING_REPLIES.unavailable,
      '系统繁忙，请稍后再试',
    ],
  ])('wechatRating.replyCheck: %s', async (_what, answer, expected, words) => {
    const code = newCode();
    standIn.answer = () => answer(code);
    const { content } = await replyTo(intake, textMessage(unique('openid'), nextMsgId(), `评价 ${code} 满意`));
    expect(content).toBe(expected(code));
    expect(content).toContain(words);
  });

  it('wechatRating.retryCheck: retries of one MsgId get the identical reply and rate once, even after the order closed', async () => {
    const openId = unique('openid');
    const code = newCode();
    const body = textMessage(openId, nextMsgId(), `评价 ${code} 满意`);
    // Feedback answers like the workflow does: the first rating closes the order, every later one is refused.
    let ratings = 0;
    standIn.answer = (call) => (call.body.code === code && ratings++ === 0 ? rated(code) : refused('closed'));
    const before = standIn.calls.length;
    const first = await replyTo(intake, body);
    const retries = await Promise.all([replyTo(intake, body), replyTo(intake, body)]);
    expect(retries.map((r) => r.xml)).toEqual([first.xml, first.xml]);
    expect(first.content).toBe(RATING_REPLIES.rated(code));
    expect(standIn.calls.length - before).toBe(1);
    // A new message (another MsgId) asks feedback again and hears the truth.
    const again = await replyTo(intake, textMessage(openId, nextMsgId(), `评价 ${code} 满意`));
    expect(again.content).toBe(RATING_REPLIES.closed);
    // The same MsgId from another sender is another message.
    const other = await replyTo(intake, textMessage(unique('openid'), String(msgIds - 1), `评价 ${code} 满意`));
    expect(other.content).toBe(RATING_REPLIES.closed);
  });

  it('wechatRating.concurrentRetryCheck: retries arriving while the first is in flight share its answer', async () => {
    const code = newCode();
    const body = textMessage(unique('openid'), nextMsgId(), `评价 ${code} 基本满意`);
    const before = standIn.calls.length;
    standIn.answer = () => 'hang';
    const pending = [replyTo(intake, body), replyTo(intake, body)];
    while (standIn.calls.length === before) await new Promise((r) => setTimeout(r, 20));
    // The stand-in never answers; intake gives up after 3 s and gives both the one "busy" reply.
    const replies = await Promise.all(pending);
    expect(replies[0]!.xml).toBe(replies[1]!.xml);
    expect(replies[0]!.content).toBe(RATING_REPLIES.unavailable);
    expect(standIn.calls.length - before).toBe(1);
  }, 10_000);

  it('wechatRating.safeModeRetryCheck: in safe mode a retry gets the byte-identical encrypted reply', async () => {
    const crypto = new WechatCrypto(WECHAT.aesKey, WECHAT.appId);
    const code = newCode();
    standIn.answer = () => rated(code);
    const encrypt = crypto.encrypt(textMessage(unique('openid'), nextMsgId(), `评价 ${code} 满意`), Buffer.alloc(16, 3));
    const query = signedQuery({ encrypt_type: 'aes', msg_signature: wechatSignature(WECHAT.token, timestamp, nonce, encrypt) });
    const body = `<xml><ToUserName><![CDATA[gh_diandan]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const first = await (await send(intake, body, query)).text();
    standIn.answer = () => refused('closed');
    const second = await (await send(intake, body, query)).text();
    expect(second).toBe(first);
    expect(parser.parse(crypto.decrypt(parser.parse(first).xml.Encrypt)).xml.Content).toBe(RATING_REPLIES.rated(code));
  });

  it('wechatRating.formatCheck: a malformed 评价 explains the format, asks nobody and places nothing', async () => {
    const before = standIn.calls.length;
    const placedBefore = placed.events.length;
    for (const text of ['评价', `评价 ${newCode()}`, `评价 ${newCode()} 很好`, '评价 DD-1234 满意']) {
      const { content } = await replyTo(intake, textMessage(unique('openid'), nextMsgId(), text));
      expect(content).toBe(RATING_FORMAT);
      expect(content).toContain('评价 查询码 满意/基本满意/不满意');
    }
    expect(standIn.calls.length).toBe(before);
    expect(placed.events.length).toBe(placedBefore);
  });

  it('wechatRating.notARatingCheck: "评价一下…" is an ordinary message and becomes an order', async () => {
    const openId = unique('openid');
    const before = standIn.calls.length;
    const { content } = await replyTo(intake, textMessage(openId, nextMsgId(), '评价一下小区物业，太差了'));
    expect(content).toContain('查询码：');
    const [event] = await placed.waitFor((e) => e.contact?.wechatOpenId === openId);
    expect(event!.content).toBe('评价一下小区物业，太差了');
    expect(standIn.calls.length).toBe(before);
  });

  it('wechatRating.unreachableCheck: feedback down → "系统繁忙" at once', async () => {
    const started = Date.now();
    const { content } = await replyTo(down, textMessage(unique('openid'), nextMsgId(), `评价 ${newCode()} 满意`));
    expect(content).toBe(RATING_REPLIES.unavailable);
    expect(content).toContain('系统繁忙，请稍后再试');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('wechatRating.timeoutCheck: feedback hanging → "系统繁忙" after 3 s, within WeChat’s 5 s', async () => {
    standIn.answer = () => 'hang';
    const started = Date.now();
    const { content } = await replyTo(intake, textMessage(unique('openid'), nextMsgId(), `评价 ${newCode()} 满意`));
    const elapsed = Date.now() - started;
    expect(content).toBe(RATING_REPLIES.unavailable);
    expect(elapsed).toBeGreaterThanOrEqual(2900);
    expect(elapsed).toBeLessThan(5000);
  }, 10_000);
});
