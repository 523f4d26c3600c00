// Every notice of an order's whole life, end to end on the real servers (test/e2e/platform.ts):
// residents place orders through intake, staff act through the staff API, the resident rates
// through feedback, the real serviceOrder workflow decides, and feedback's own consumers (contacts
// from orders.placed, the outbox from orders.lifecycle) and sender deliver — e-mail to a real SMTP
// server that keeps what it receives, WeChat and SMS to the providers' stand-ins. The rating
// reminder needs the rating window's 80 % (5.6 days) to pass: services/feedback/test/notify.test.ts
// covers it with the workflow's own event.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { NoticeKind } from '@diandan/domain';
import { Sealer, sealingKeysSchema, type ConsumerRunner } from '@diandan/platform';
import { ContactCipher, startContactConsumer } from '../../services/feedback/src/notify/contacts';
import { WechatNotifier } from '../../services/feedback/src/notify/http';
import { NoticeSender, startNoticeConsumer } from '../../services/feedback/src/notify/outbox';
import { AliyunSmsNotifier } from '../../services/feedback/src/notify/sms';
import { SmtpNotifier } from '../../services/feedback/src/notify/smtp';
import { createStandIns } from '../../services/feedback/src/standins';
import { startPlatform, type Platform } from './platform';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Parameters<typeof startContactConsumer>[0]['logger'];
const mails: Array<{ to: string; subject: string; text: string }> = [];
let smtp: SMTPServer;
let standIn: Server;
const standIns = createStandIns({ wechatAppId: 'wx-e2e', wechatAppSecret: 'wx-e2e-secret', smsAccessKeyId: 'sms-e2e' });
let p: Platform;
const consumers: ConsumerRunner[] = [];
let sender: { stop: () => Promise<void> } | undefined;
let email: SmtpNotifier | undefined;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: mail.subject ?? '', text: mail.text ?? '' }))
        .then(() => callback(), callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  standIn = await new Promise<Server>((resolve) => {
    const server = standIns.app.listen(0, '127.0.0.1', () => resolve(server));
  });
  const standInPort = (standIn.address() as AddressInfo).port;

  p = await startPlatform('notices');
  const cipher = new ContactCipher('e2e-notices-contact-key-0123456789abcdef');
  const common = { kafka: p.kafka, prisma: p.prisma, logger };
  consumers.push(
    await startContactConsumer({ ...common, cipher, sealer: new Sealer(sealingKeysSchema.parse(p.contactSealKeys)), topic: p.topics.placed, deadLetterTopic: p.topics.placedDlq, groupId: `${p.topics.placed}-contacts` }),
    await startNoticeConsumer({ ...common, topic: p.topics.lifecycle, deadLetterTopic: p.topics.lifecycleDlq, groupId: `${p.topics.lifecycle}-notices` }),
  );
  email = new SmtpNotifier({ host: '127.0.0.1', port: (smtp.server.address() as AddressInfo).port, from: 'notices@diandan.test' });
  sender = new NoticeSender(p.prisma, cipher, {
    email,
    wechat: new WechatNotifier({ apiBase: `http://127.0.0.1:${standInPort}`, appId: 'wx-e2e', appSecret: 'wx-e2e-secret', templateId: 'tpl-e2e' }),
    sms: new AliyunSmsNotifier({ endpoint: `127.0.0.1:${standInPort}`, protocol: 'http', accessKeyId: 'sms-e2e', accessKeySecret: 'sms-e2e-secret-0123456789', signName: '点单', templateCode: 'SMS_E2E' }),
  }, logger).start(100);
}, 180_000);

afterAll(async () => {
  await sender?.stop();
  email?.close();
  await Promise.all(consumers.map((c) => c.stop()));
  await p?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => standIn.close(() => resolve()));
});

/** The notices an order got, in the order of its events, once `count` of them are settled. */
async function noticesOf(orderId: string, count: number): Promise<Array<{ kind: NoticeKind; status: string; channel: string | null }>> {
  return p.eventually(async () => {
    const rows = await p.prisma.noticeOutbox.findMany({ where: { orderId } });
    if (rows.length < count || rows.some((r) => r.status === 'pending')) return undefined;
    const seq = (id: string) => Number(/#(\d+)\//.exec(id)?.[1] ?? 0);
    return rows.sort((a, b) => seq(a.id) - seq(b.id)).map((r) => ({ kind: r.kind as NoticeKind, status: r.status, channel: r.channel }));
  }, `${count} notices settled for ${orderId}`, 60_000);
}

describe('notices: every step a resident should know about', () => {
  it('notices.wholeLifeCheck: placed → returned → redispatched → escalated → resolved → reopened → resolved → closed, each by e-mail once', async () => {
    const staff = async (username: string, orderId: string, action: string, body: Record<string, unknown> = {}) => {
      const answer = await p.call(`${p.dispatch}/v1/orders/${orderId}/${action}`, 'POST', body, await p.login(username));
      if (answer.status !== 200) throw new Error(`${username} ${action}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body as { order: { unitId: string | null; status: string } };
    };
    const rate = (code: string, secret: string, rating: string) => p.call(`${p.feedback}/v1/orders/track/${code}/rating`, 'POST', { secret, rating });
    const { orderId, trackingCode, secret } = await p.place({ content: '希望代购春节返乡火车票（通知测试）', categoryCode: 'train-tickets', contact: { email: 'resident-notices@example.org' } });

    await staff('dispatcher', orderId, 'dispatch', { unitId: 'jianxin-north' });
    await staff('handler-jianxin', orderId, 'return', { reason: '需先核实户籍' });
    await staff('dispatcher', orderId, 'dispatch', { unitId: 'jianxin-north' });
    await staff('handler-jianxin', orderId, 'accept');
    await staff('handler-jianxin', orderId, 'opinion', { opinion: '已联系车站代售点' });
    const escalated = await staff('handler-jianxin', orderId, 'escalate', { reason: '需街道协调购票点' });
    expect(escalated.order.unitId).toBe('guanyinqiao');
    await staff('handler-guanyinqiao', orderId, 'accept');
    await staff('handler-guanyinqiao', orderId, 'opinion', { opinion: '街道统一设点代购' });
    await staff('handler-guanyinqiao', orderId, 'resolve', { result: '已在街道设点代购' });
    const dissatisfied = await rate(trackingCode, secret, 'dissatisfied');
    expect(dissatisfied.body).toMatchObject({ reopened: true });
    const reopenedAt = await p.eventually(async () => {
      const unitId = (await p.prisma.order.findUnique({ where: { id: orderId } }))?.unitId;
      return unitId && unitId !== 'guanyinqiao' ? unitId : undefined;
    }, 'the reopened unit in the read model');
    expect(reopenedAt).toBe('trade-union');
    await staff('handler-union', orderId, 'accept');
    await staff('handler-union', orderId, 'opinion', { opinion: '区总工会协调包车' });
    await staff('handler-union', orderId, 'resolve', { result: '已安排返乡包车' });
    expect((await rate(trackingCode, secret, 'satisfied')).body).toMatchObject({ status: 'closed' });

    const expected: NoticeKind[] = ['placed', 'dispatched', 'returned', 'redispatched', 'accepted', 'opinion', 'escalated', 'accepted', 'opinion', 'resolved', 'reopened', 'accepted', 'opinion', 'resolved', 'closed'];
    const notices = await noticesOf(orderId, expected.length);
    expect(notices.map((n) => n.kind)).toEqual(expected);
    expect(notices.every((n) => n.status === 'sent' && n.channel === 'email')).toBe(true);

    const received = await p.eventually(async () => {
      const mine = mails.filter((m) => m.to === 'resident-notices@example.org');
      return mine.length >= expected.length ? mine : undefined;
    }, 'every mail at the SMTP server');
    expect(received).toHaveLength(expected.length);
    for (const mail of received) {
      expect(mail.subject).toContain(trackingCode);
      expect(mail.text).toContain(trackingCode);
    }
    const texts = received.map((m) => m.text).join('\n');
    expect(texts).toContain('已升级至“观音桥街道”');
    expect(texts).toContain('退回');
    expect(texts).toContain('重新派至“建新北路社区”');
    expect(texts).toContain('已交由“区总工会”重新办理');
    expect(texts).toContain('感谢您的评价');
  }, 240_000);

  it('notices.shortLivesCheck: answered, withdrawn (SMS), invalid, merged (WeChat template) — each tells what happens next', async () => {
    const dispatcher = await p.login('dispatcher');
    const answered = await p.place({ content: '请问工会法律援助电话？', categoryCode: 'train-tickets', contact: { email: 'answered@example.org' } });
    expect((await p.call(`${p.dispatch}/v1/orders/${answered.orderId}/answer`, 'POST', { answer: '法律援助电话 12351' }, dispatcher)).status).toBe(200);

    const withdrawn = await p.place({ content: '想咨询返乡车票（稍后撤回）', categoryCode: 'train-tickets', contact: { phone: '13900001111' } });
    const withdraw = await fetch(`${p.feedback}/v1/orders/track/${withdrawn.trackingCode}/withdraw`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-order-secret': withdrawn.secret },
      body: JSON.stringify({ note: '已自行解决' }),
    });
    expect(withdraw.status).toBe(200);

    const invalid = await p.place({ content: '测试测试', categoryCode: 'train-tickets', contact: { email: 'invalid@example.org' } });
    expect((await p.call(`${p.dispatch}/v1/orders/${invalid.orderId}/invalidate`, 'POST', { reason: '非服务诉求' }, dispatcher)).status).toBe(200);

    // Came by the web form, asked for WeChat: outside any 48-hour window, so the approved template.
    const survivor = await p.place({ content: '工地工人想集中代购返乡火车票', categoryCode: 'train-tickets' });
    const duplicate = await p.place({ content: '也想代购返乡火车票', categoryCode: 'train-tickets', contact: { wechatOpenId: 'o-e2e-merged', email: 'dup@example.org', notifyBy: 'wechat' } });
    const merged = await p.call(`${p.dispatch}/v1/orders/${duplicate.orderId}/merge`, 'POST', { intoOrderId: survivor.orderId }, dispatcher);
    expect(merged.status).toBe(200);

    expect((await noticesOf(answered.orderId, 2)).map((n) => n.kind)).toEqual(['placed', 'answered']);
    expect((await noticesOf(withdrawn.orderId, 2)).map((n) => [n.kind, n.channel])).toEqual([
      ['placed', 'sms'],
      ['withdrawn', 'sms'],
    ]);
    expect((await noticesOf(invalid.orderId, 2)).map((n) => n.kind)).toEqual(['placed', 'invalid']);
    expect((await noticesOf(duplicate.orderId, 2)).map((n) => [n.kind, n.channel])).toEqual([
      ['placed', 'wechat'],
      ['merged', 'wechat'],
    ]);

    const sms = standIns.received.filter((m) => m.to === '13900001111');
    expect(sms.map((m) => (m.body as { params: Record<string, string> }).params)).toEqual([
      { code: withdrawn.trackingCode, status: '已受理', next: '等待派单' },
      { code: withdrawn.trackingCode, status: '已撤回', next: '不再办理' },
    ]);
    const wechat = standIns.received.filter((m) => m.to === 'o-e2e-merged');
    expect(wechat.map((m) => m.api)).toEqual(['template', 'template']);
    expect(wechat[1]?.text).toContain('已合并办理');
    expect((await p.prisma.noticeOutbox.findFirst({ where: { orderId: duplicate.orderId, kind: 'merged' } }))?.data).toEqual({ intoTrackingCode: survivor.trackingCode });
    expect(mails.find((m) => m.to === 'answered@example.org' && m.subject.includes('已当场答复'))?.text).toContain('评价');
  }, 180_000);
});
