// WeChat official account callback: signatures, plaintext and safe mode, retries of one MsgId,
// subscribe, "查询", and hostile XML (external entities, entity bombs).
import { XMLParser } from 'fast-xml-parser';
import { WELCOME } from '../src/channels/wechat';
import { WechatCrypto, wechatSignature } from '../src/channels/wechatCrypto';
import { contactOf, followIntake, insertOrder, PlacedEvents, type RunningIntake, unique, WECHAT } from '@diandan/testkit/intake';

const parser = new XMLParser({ parseTagValue: false });
const timestamp = String(Math.floor(Date.now() / 1000)); // within the accepted clock skew
const nonce = 'nonce123';

function signedQuery(extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ signature: wechatSignature(WECHAT.token, timestamp, nonce), timestamp, nonce, openid: 'o-test', ...extra });
}

const textMessage = (openId: string, msgId: string, content: string) =>
  `<xml><ToUserName><![CDATA[gh_diandan]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>1732700000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

describe('WeChat official account callback', () => {
  let intake: RunningIntake;
  let placed: PlacedEvents;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ intake, placed, stop } = await followIntake());
  });
  afterAll(async () => {
    await stop();
  });

  const send = (body: string, query = signedQuery()) =>
    fetch(`${intake.url}/v1/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

  it('verification.responseCheck: GET echoes echostr only with a valid signature', async () => {
    const ok = await fetch(`${intake.url}/v1/wechat?${signedQuery({ echostr: 'echo-1234' })}`);
    expect([ok.status, await ok.text()]).toEqual([200, 'echo-1234']);
    const bad = await fetch(
      `${intake.url}/v1/wechat?${new URLSearchParams({ signature: 'x'.repeat(40), timestamp, nonce, echostr: 'e' })}`,
    );
    expect(bad.status).toBe(401);
  });

  it('signature.responseCheck: an unsigned POST is refused before its body is read', async () => {
    const res = await send(textMessage('o1', '1', 'hi'), new URLSearchParams({ timestamp, nonce }));
    expect(res.status).toBe(401);
  });

  it('textMessage.messageQueueCheck: a text becomes an order; the passive reply carries the tracking code, within 5 s', async () => {
    const openId = unique('openid');
    const started = Date.now();
    const res = await send(textMessage(openId, '700000001', '楼道灯不亮'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(200);
    const reply = parser.parse(await res.text()).xml;
    expect(reply).toEqual(
      expect.objectContaining({ ToUserName: openId, FromUserName: 'gh_diandan', MsgType: 'text', CreateTime: '1732700000' }),
    );
    const code = /查询码：(DD-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(reply.Content)?.[1];
    expect(code).toBeDefined();
    const [event] = await placed.waitFor((e) => e.trackingCode === code);
    expect(event).toEqual(expect.objectContaining({ channel: 'wechat', content: '楼道灯不亮' }));
    expect(contactOf(event!)).toEqual({ wechatOpenId: openId });
  });

  it('retries.responseCheck: the same MsgId three times gives one order id and the identical reply', async () => {
    const openId = unique('openid');
    const body = textMessage(openId, '700000002', '噪音扰民');
    const replies = await Promise.all([send(body), send(body), send(body)].map(async (r) => (await r).text()));
    expect(new Set(replies).size).toBe(1);
    const events = await placed.waitFor((e) => contactOf(e)?.wechatOpenId === openId, 3);
    expect(new Set(events.map((e) => e.orderId)).size).toBe(1);
    // Another MsgId from the same resident is another order.
    const other = await (await send(textMessage(openId, '700000003', '噪音扰民'))).text();
    expect(other).not.toBe(replies[0]);
  });

  it('subscribe.responseCheck: a new follower gets the welcome text, other events an empty "success"', async () => {
    const event = (name: string) =>
      `<xml><ToUserName>gh_diandan</ToUserName><FromUserName>o-sub</FromUserName><CreateTime>1732700000</CreateTime><MsgType>event</MsgType><Event>${name}</Event></xml>`;
    const welcome = parser.parse(await (await send(event('subscribe'))).text()).xml;
    expect(welcome.Content).toBe(WELCOME);
    expect(await (await send(event('unsubscribe'))).text()).toBe('success');
  });

  it('query.responseCheck: "查询 <code>" answers the status of a known order and says so for an unknown one', async () => {
    const { orderId, trackingCode } = intake.identities.identify([unique('wechat-query')]);
    await insertOrder(intake.prisma, { id: orderId, trackingCode, status: 'dispatched' });
    const known = parser.parse(await (await send(textMessage('o-q', '700000004', `查询 ${trackingCode.toLowerCase()}`))).text()).xml;
    expect(known.Content).toContain(`查询码 ${trackingCode}：已派单`);
    const unknown = parser.parse(await (await send(textMessage('o-q', '700000005', '查询 DD-2222-2222'))).text()).xml;
    expect(unknown.Content).toContain('没有找到');
  });

  it.each([
    [
      'an external entity (XXE)',
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>',
    ],
    [
      'an entity bomb (billion laughs)',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Content>&lol3;</Content></xml>',
    ],
    ['a lower-case doctype', '<!doctype xml><xml><MsgType>text</MsgType></xml>'],
    ['malformed XML', '<xml><MsgType>text</xml>'],
    ['not XML', '{"MsgType":"text"}'],
  ])('hostileXml.responseCheck: %s is a 400 and places nothing', async (_what, body) => {
    const before = placed.events.length;
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('root:');
    expect(placed.events.length).toBe(before);
  });

  describe('safe mode (AES)', () => {
    const crypto = new WechatCrypto(WECHAT.aesKey, WECHAT.appId);

    function encrypted(message: string): { body: string; query: URLSearchParams } {
      const encrypt = crypto.encrypt(message, Buffer.alloc(16, 7));
      const query = signedQuery({ encrypt_type: 'aes', msg_signature: wechatSignature(WECHAT.token, timestamp, nonce, encrypt) });
      return { body: `<xml><ToUserName><![CDATA[gh_diandan]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`, query };
    }

    it('safeMode.responseCheck: an encrypted text becomes an order; the reply is encrypted, signed and identical on retry', async () => {
      const openId = unique('openid-aes');
      const { body, query } = encrypted(textMessage(openId, '800000001', '加密消息：求职咨询'));
      const first = await (await send(body, query)).text();
      const second = await (await send(body, query)).text();
      expect(second).toBe(first);
      const envelope = parser.parse(first).xml;
      expect(envelope.MsgSignature).toBe(wechatSignature(WECHAT.token, envelope.TimeStamp, envelope.Nonce, envelope.Encrypt));
      const reply = parser.parse(crypto.decrypt(envelope.Encrypt)).xml;
      expect(reply.ToUserName).toBe(openId);
      const code = /查询码：(DD-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(reply.Content)?.[1];
      const [event] = await placed.waitFor((e) => e.trackingCode === code);
      expect(event!.content).toBe('加密消息：求职咨询');
    });

    it('safeMode.signatureCheck: a tampered Encrypt fails msg_signature; another app id fails decryption', async () => {
      const { body, query } = encrypted(textMessage('o', '800000002', 'x'));
      const tampered = await send(body.replace(/<Encrypt><!\[CDATA\[(.)/, '<Encrypt><![CDATA[A'), query);
      expect(tampered.status).toBe(401);
      const foreign = new WechatCrypto(WECHAT.aesKey, 'wxanotherapp').encrypt(textMessage('o', '800000003', 'x'), Buffer.alloc(16));
      const foreignQuery = signedQuery({ encrypt_type: 'aes', msg_signature: wechatSignature(WECHAT.token, timestamp, nonce, foreign) });
      expect((await send(`<xml><Encrypt>${foreign}</Encrypt></xml>`, foreignQuery)).status).toBe(400);
    });
  });
});
