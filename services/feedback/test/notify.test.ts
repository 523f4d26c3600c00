// Notices to residents on real servers: orders.placed and orders.lifecycle on topics of our own,
// the consumers stopped and restarted mid-stream and fed duplicates, two senders at once, and the
// real protocols against local stand-ins — an SMTP sink, a WeChat API and an SMS gateway over HTTP.
// Every notice arrives exactly once.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { SMTPServer } from 'smtp-server';
import type { Kafka, Producer } from 'kafkajs';
import { generateTrackingCode, type LifecycleEvent, type OrderPlaced } from '@diandan/domain';
import { createKafka, createProducer, ensureTopics, publish, topicNames, type ConsumerRunner, type PrismaClient } from '@diandan/platform';
import { ContactCipher, startContactConsumer } from '../src/notify/contacts';
import { SmsNotifier, WechatNotifier } from '../src/notify/http';
import { enqueueNotices, NOTICE_MAX_AGE_MS, NoticeSender, providerErrorText, startNoticeConsumer } from '../src/notify/outbox';
import { SmtpNotifier } from '../src/notify/smtp';
import { lifecycle, env, logger, testPrisma, unique, waitFor } from '@diandan/testkit/feedback';

interface Mail {
  to: string;
  raw: string;
}
let smtp: SMTPServer;
let smtpPort: number;
const mails: Mail[] = [];
let standIn: Server;
let standInUrl: string;
const wechatMessages: Array<{ touser: string; content: string }> = [];
const smsMessages: Array<{ to: string; text: string; key: string }> = [];
let wechatFailuresLeft = 1;

let prisma: PrismaClient;
let kafka: Kafka;
let producer: Producer;
let topics: ReturnType<typeof topicNames>;
const cipher = new ContactCipher('notify-test-contact-key-at-least-32-chars');

async function startSmtpSink(): Promise<void> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
}

async function startStandIn(): Promise<void> {
  const app = express();
  app.use(express.json());
  app.get('/cgi-bin/token', (req, res) => {
    res.json(
      req.query.appid === 'wx-app' && req.query.secret === 'wx-secret'
        ? { access_token: 'token-1', expires_in: 7200 }
        : { errcode: 40013, errmsg: 'invalid appid' },
    );
  });
  app.post('/cgi-bin/message/custom/send', (req, res) => {
    if (req.query.access_token !== 'token-1') return void res.json({ errcode: 40001, errmsg: 'invalid credential' });
    if (wechatFailuresLeft-- > 0) return void res.json({ errcode: -1, errmsg: 'system busy' });
    wechatMessages.push({ touser: req.body.touser, content: req.body.text.content });
    res.json({ errcode: 0, errmsg: 'ok' });
  });
  app.post('/sms/messages', (req, res) => {
    if (req.get('authorization') !== 'Bearer sms-key') return void res.status(401).json({ error: 'unauthorized' });
    smsMessages.push({ to: req.body.to, text: req.body.text, key: req.get('idempotency-key') ?? '' });
    res.status(202).json({ id: randomUUID() });
  });
  standIn = await new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
}

function placedEvent(channel: OrderPlaced['channel'], contact: OrderPlaced['contact']): OrderPlaced {
  return {
    eventId: randomUUID(),
    type: 'order.placed',
    orderId: randomUUID(),
    trackingCode: generateTrackingCode(randomBytes),
    secretHash: 'x'.repeat(64),
    channel,
    content: '路灯坏了',
    priority: 'normal',
    attachments: [],
    placedAt: new Date().toISOString(),
    ...(contact ? { contact } : {}),
  };
}

function lifecycleOf(order: OrderPlaced): LifecycleEvent[] {
  const placedAt = new Date(order.placedAt);
  const events = lifecycle(order.orderId, placedAt, 'c', [
    { type: 'order.dispatched', after: 10, status: 'dispatched', unitId: 'u', data: { unitName: '建新北路社区' } },
    { type: 'order.accepted', after: 20, status: 'accepted', unitId: 'u' },
    { type: 'order.resolved', after: 30, status: 'awaiting_rating', unitId: 'u', data: { result: '已修好' } },
    {
      type: 'order.urged',
      after: 40,
      status: 'awaiting_rating',
      unitId: 'u',
      data: { stage: 'rating', automatic: true, dueAt: new Date(placedAt.getTime() + 7 * 86_400_000).toISOString() },
    },
  ]);
  events[0]!.data.trackingCode = order.trackingCode;
  return events;
}

const byMail = placedEvent('email', { email: 'resident@example.org', name: '张三' });
const byWechat = placedEvent('wechat', { wechatOpenId: 'oWx-openid-123' });
const byHotline = placedEvent('hotline', { phone: '+86 138-1234-5678' });
const silent = placedEvent('web', undefined);
const orders = [byMail, byWechat, byHotline, silent];
const orderIds = orders.map((o) => o.orderId);
const outboxRows = () => prisma.noticeOutbox.count({ where: { orderId: { in: orderIds } } });

const consumers: ConsumerRunner[] = [];

beforeAll(async () => {
  prisma = testPrisma();
  await Promise.all([startSmtpSink(), startStandIn()]);
  kafka = createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique('notify') });
  topics = topicNames(`${unique('notify')}-`);
  await ensureTopics(kafka, Object.values(topics), 3);
  producer = createProducer(kafka);
  await producer.connect();
}, 60_000);

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop().catch(() => undefined)));
  await producer?.disconnect();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => standIn.close(() => resolve()));
  await prisma?.$disconnect();
});

describe('notices', () => {
  it('notify.onceCheck: every notice is delivered once, through restarts, duplicates and two senders', async () => {
    const groupId = unique('notices');
    const contactGroup = unique('contacts');
    await publish(
      producer,
      topics.placed,
      orders.map((o) => ({ key: o.orderId, value: o })),
    );
    const events = orders.flatMap(lifecycleOf);
    await publish(
      producer,
      topics.lifecycle,
      events.map((e) => ({ key: e.orderId, value: e })),
    );

    consumers.push(
      await startContactConsumer({
        kafka,
        prisma,
        cipher,
        logger,
        topic: topics.placed,
        deadLetterTopic: topics.placedDlq,
        groupId: contactGroup,
      }),
    );
    // The first notice consumer stops as soon as it has done some of the work (a restart mid-stream)…
    const first = await startNoticeConsumer({
      kafka,
      prisma,
      logger,
      topic: topics.lifecycle,
      deadLetterTopic: topics.lifecycleDlq,
      groupId,
    });
    await waitFor('the first notices', async () => (await outboxRows()) >= 3);
    await first.stop();
    // …the same events arrive again, and a second consumer of the same group carries on.
    await publish(
      producer,
      topics.lifecycle,
      events.slice(0, 7).map((e) => ({ key: e.orderId, value: e })),
    );
    consumers.push(
      await startNoticeConsumer({ kafka, prisma, logger, topic: topics.lifecycle, deadLetterTopic: topics.lifecycleDlq, groupId }),
    );
    await waitFor('16 notices in the outbox', async () => (await outboxRows()) === 16);
    await waitFor('3 contacts', async () => (await prisma.noticeRecipient.count({ where: { orderId: { in: orderIds } } })) === 3);

    const notifiers = {
      email: new SmtpNotifier({ host: '127.0.0.1', port: smtpPort, from: 'diandan@example.org' }),
      wechat: new WechatNotifier({ apiBase: standInUrl, appId: 'wx-app', appSecret: 'wx-secret' }),
      sms: new SmsNotifier({ apiBase: `${standInUrl}/sms`, apiKey: 'sms-key' }),
    };
    const senders = [0, 1].map(() =>
      new NoticeSender(prisma, cipher, notifiers, logger, { batchSize: 3, recipientWaitMs: 500 }).start(100),
    );
    const settled = async () => (await prisma.noticeOutbox.count({ where: { orderId: { in: orderIds }, status: 'pending' } })) === 0;
    await waitFor('every notice settled', settled, 30_000);
    await Promise.all(senders.map((s) => s.stop()));
    notifiers.email.close();

    const rows = await prisma.noticeOutbox.findMany({ where: { orderId: { in: orderIds } } });
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(12);
    expect(rows.filter((r) => r.orderId === silent.orderId).map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);

    const mine = mails.filter((m) => m.to === 'resident@example.org');
    expect(mine).toHaveLength(4);
    expect(new Set(mine.map((m) => /Message-ID:\s*(<[^>]+>)/i.exec(m.raw)?.[1])).size).toBe(4);
    expect(wechatMessages.filter((m) => m.touser === 'oWx-openid-123')).toHaveLength(4);
    expect(wechatMessages.some((m) => m.content.includes(byWechat.trackingCode) && m.content.includes('评价'))).toBe(true);
    const sms = smsMessages.filter((m) => m.to === '13812345678');
    expect(sms).toHaveLength(4);
    expect(new Set(sms.map((m) => m.key)).size).toBe(4);
    expect(sms.map((m) => m.text).join()).toContain('已派至“建新北路社区”');
  }, 90_000);

  it('notify.staleEventCheck: an event older than a day gives no notice (a new group replays history)', async () => {
    const old = lifecycleOf(placedEvent('email', { email: 'old@example.org' }));
    expect(await enqueueNotices(prisma, old[0]!, new Date(Date.parse(old[0]!.at) + NOTICE_MAX_AGE_MS + 1))).toBe(0);
    expect(await enqueueNotices(prisma, old[0]!, new Date(Date.parse(old[0]!.at) + 1000))).toBe(1);
    expect(await enqueueNotices(prisma, old[0]!, new Date(Date.parse(old[0]!.at) + 1000))).toBe(0);
  });

  it('notify.contactProtectionCheck: contact addresses are stored encrypted and decrypt back', async () => {
    const stored = await prisma.noticeRecipient.findUnique({ where: { orderId: byMail.orderId } });
    expect(stored?.address).not.toContain('resident');
    expect(cipher.decrypt(stored!.address)).toBe('resident@example.org');
  });
});

describe('provider errors', () => {
  it('providerError.privacyCheck: what is stored and logged of a failed notice names no recipient', () => {
    const mail = providerErrorText(new Error('550 5.1.1 <zs@example.cn>: Recipient address rejected; also cc 13812345678'), 'zs@example.cn');
    expect(mail).not.toMatch(/zs@example\.cn|13812345678/);
    expect(mail).toContain('Recipient address rejected');
    const wechat = providerErrorText(new Error('errcode 43004 require subscribe: openid oAbC_123xyz-Q'), 'oAbC_123xyz-Q');
    expect(wechat).toBe('errcode 43004 require subscribe: openid [recipient]');
  });
});
