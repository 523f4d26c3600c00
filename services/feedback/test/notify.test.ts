// Notices to residents on real servers: orders.placed and orders.lifecycle on topics of our own,
// the consumers stopped and restarted mid-stream and fed duplicates, two senders at once, and the
// real protocols against local stand-ins — an SMTP sink, a WeChat API and an SMS gateway over HTTP.
// Every notice arrives exactly once.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import type { Kafka, Producer } from 'kafkajs';
import { generateTrackingCode, noticeMessage, type Contact, type LifecycleEvent, type OrderPlaced } from '@diandan/domain';
import { createKafka, createProducer, ensureTopics, publish, Sealer, sealingKeysSchema, topicNames, type ConsumerRunner, type PrismaClient } from '@diandan/platform';
import { ContactCipher, startContactConsumer } from '../src/notify/contacts';
import { WechatNotifier } from '../src/notify/http';
import { AliyunSmsNotifier } from '../src/notify/sms';
import { createStandIns } from '../src/standins';
import { enqueueNotices, NOTICE_MAX_AGE_MS, NoticeSender, providerErrorText, startNoticeConsumer, startProjectNoticeConsumer } from '../src/notify/outbox';
import { SmtpNotifier } from '../src/notify/smtp';
import { PermanentNoticeError } from '../src/notify/notifier';
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
let wechatFailuresLeft = 1;
const standIns = createStandIns({
  wechatAppId: 'wx-app',
  wechatAppSecret: 'wx-secret',
  smsAccessKeyId: 'sms-key-id',
  // One "system busy" first: the sender retries it.
  wechatAnswer: () => (wechatFailuresLeft-- > 0 ? -1 : undefined),
});
const received = standIns.received;

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
  standIn = await new Promise<Server>((resolve) => {
    const server = standIns.app.listen(0, '127.0.0.1', () => resolve(server));
  });
  standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
}

// Contact details travel sealed on orders.placed, as intake seals them.
const sealer = new Sealer(sealingKeysSchema.parse(`test:${Buffer.alloc(32, 3).toString('base64')}`));

function placedEvent(channel: OrderPlaced['channel'], contact: Contact | undefined): OrderPlaced {
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
    ...(contact ? { sealedContact: sealer.seal(JSON.stringify(contact)) } : {}),
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
  const [placed] = events;
  if (placed?.type === 'order.placed') placed.data.trackingCode = order.trackingCode;
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
        sealer,
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
    await waitFor('20 notices in the outbox', async () => (await outboxRows()) === 20);
    await waitFor('3 contacts', async () => (await prisma.noticeRecipient.count({ where: { orderId: { in: orderIds } } })) === 3);

    const notifiers = {
      email: new SmtpNotifier({ host: '127.0.0.1', port: smtpPort, from: 'diandan@example.org' }),
      wechat: new WechatNotifier({ apiBase: standInUrl, appId: 'wx-app', appSecret: 'wx-secret' }),
      sms: new AliyunSmsNotifier({
        endpoint: standInUrl.replace('http://', ''),
        protocol: 'http',
        accessKeyId: 'sms-key-id',
        accessKeySecret: 'sms-key-secret-0123456789',
        signName: '点单',
        templateCode: 'SMS_000001',
      }),
    };
    const senders = [0, 1].map(() =>
      new NoticeSender(prisma, cipher, notifiers, logger, { batchSize: 3, recipientWaitMs: 500 }).start(100),
    );
    const settled = async () => (await prisma.noticeOutbox.count({ where: { orderId: { in: orderIds }, status: 'pending' } })) === 0;
    await waitFor('every notice settled', settled, 30_000);
    await Promise.all(senders.map((s) => s.stop()));
    notifiers.email.close();

    const rows = await prisma.noticeOutbox.findMany({ where: { orderId: { in: orderIds } } });
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(15);
    expect(rows.filter((r) => r.orderId === silent.orderId).map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);

    const mine = mails.filter((m) => m.to === 'resident@example.org');
    expect(mine).toHaveLength(5);
    expect(new Set(mine.map((m) => /Message-ID:\s*(<[^>]+>)/i.exec(m.raw)?.[1])).size).toBe(5);
    // Placed by message a moment ago: inside WeChat's 48-hour window, customer-service messages.
    const wechat = received.filter((m) => m.to === 'oWx-openid-123');
    expect(wechat.map((m) => m.api)).toEqual(['custom', 'custom', 'custom', 'custom', 'custom']);
    expect(wechat.some((m) => m.text.includes(byWechat.trackingCode) && m.text.includes('评价'))).toBe(true);
    // SMS through the Alibaba Cloud SDK: the approved template, its variables, the notice id as OutId.
    const sms = received.filter((m) => m.to === '13812345678');
    expect(sms).toHaveLength(5);
    expect(new Set(sms.map((m) => m.outId)).size).toBe(5);
    expect(sms[0]?.body).toMatchObject({ signName: '点单', templateCode: 'SMS_000001', params: { code: byHotline.trackingCode } });
    expect(sms.map((m) => m.text).join()).toContain('已派单');
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

describe('project progress', () => {
  it('notify.projectCheck: a project event on projects.lifecycle gives each linked order one progress notice, redeliveries none', async () => {
    const projectTopic = `${unique('projects')}-projects.lifecycle`;
    await ensureTopics(kafka, [projectTopic, `${projectTopic}.dlq`], 1);
    const event = { eventId: `project-${randomUUID()}#4`, type: 'project.progress', at: new Date().toISOString(), projectId: randomUUID(), data: { name: '返乡购票服务点', progress: '已设点，开始代购', orderIds: [byMail.orderId, byHotline.orderId] } };
    await publish(producer, projectTopic, [event, event].map((value) => ({ key: value.projectId, value })));
    const consumer = await startProjectNoticeConsumer({ kafka, prisma, logger, topic: projectTopic, deadLetterTopic: `${projectTopic}.dlq`, groupId: unique('project-notices') });
    consumers.push(consumer);
    const rows = () => prisma.noticeOutbox.findMany({ where: { kind: 'project_progress', orderId: { in: [byMail.orderId, byHotline.orderId] } } });
    await waitFor('two progress notices', async () => (await rows()).length === 2);
    expect((await rows()).map((r) => r.data)).toEqual([
      { projectName: '返乡购票服务点', progress: '已设点，开始代购' },
      { projectName: '返乡购票服务点', progress: '已设点，开始代购' },
    ]);
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

describe('providers', () => {
  const notice = (to: string, lastInboundAt?: Date) => ({
    id: `${randomUUID()}/resolved`,
    kind: 'resolved' as const,
    channel: 'wechat' as const,
    to,
    trackingCode: 'DD-7K3M-Q9TB',
    message: noticeMessage('resolved', { trackingCode: 'DD-7K3M-Q9TB' }),
    ...(lastInboundAt ? { lastInboundAt } : {}),
  });
  const template = { templateId: 'tpl-progress', templateFields: ['character_string1', 'thing2', 'thing3'] as const };

  it('notify.orderCheck: an order’s notices reach its resident in the order they were written, one after the other', async () => {
    const orderId = randomUUID();
    await prisma.noticeRecipient.create({ data: { orderId, channel: 'sms', address: cipher.encrypt('13900002222'), trackingCode: generateTrackingCode(randomBytes) } });
    // Older than any other test's row, so that a pass of one row (the sender is the table's, not
    // this order's) takes only these, oldest first; written in this order, all due.
    const t0 = Date.parse('2000-01-01T00:00:00Z');
    for (const [i, kind] of (['placed', 'withdrawn', 'rating_reminder'] as const).entries())
      await prisma.noticeOutbox.create({ data: { id: `${orderId}/${i}-${kind}`, orderId, kind, createdAt: new Date(t0 + i) } });
    const delivered: string[] = [];
    const sms = { send: async (n: { kind: string }) => { delivered.push(n.kind); await new Promise((r) => setTimeout(r, 20 * (3 - delivered.length))); } };
    const sender = new NoticeSender(prisma, cipher, { sms } as never, logger, { batchSize: 1 });
    for (let pass = 0; pass < 3; pass++) await sender.sendDue();
    expect(delivered).toEqual(['placed', 'withdrawn', 'rating_reminder']);
  });

  it('wechat.windowCheck: inside 48 hours a customer-service message, outside it the approved template', async () => {
    const wechat = new WechatNotifier({ apiBase: standInUrl, appId: 'wx-app', appSecret: 'wx-secret', ...template, trackingUrl: (code) => `https://h5.example/track/${code}` });
    wechatFailuresLeft = 0;
    await wechat.send(notice('o-inside', new Date(Date.now() - 3600_000)));
    await wechat.send(notice('o-outside', new Date(Date.now() - 50 * 3600_000)));
    await wechat.send(notice('o-never'));
    expect(received.filter((m) => m.to === 'o-inside').map((m) => m.api)).toEqual(['custom']);
    const outside = received.find((m) => m.to === 'o-outside');
    expect(outside?.api).toBe('template');
    expect(outside?.body).toMatchObject({
      template_id: 'tpl-progress',
      url: 'https://h5.example/track/DD-7K3M-Q9TB',
      data: { character_string1: { value: 'DD-7K3M-Q9TB' }, thing2: { value: '已办结' }, thing3: { value: '请评价' } },
    });
    expect(received.find((m) => m.to === 'o-never')?.api).toBe('template');
  });

  it('wechat.fallbackCheck: a customer-service message refused as out of the window (45015) goes as the template', async () => {
    const refusing = createStandIns({ wechatAppId: 'a', wechatAppSecret: 's', smsAccessKeyId: 'k', wechatAnswer: (api) => (api === 'custom' ? 45015 : undefined) });
    const server = await new Promise<Server>((resolve) => {
      const s = refusing.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await new WechatNotifier({ apiBase: base, appId: 'a', appSecret: 's', ...template }).send(notice('o-late', new Date()));
      expect(refusing.received.map((m) => m.api)).toEqual(['template']);
      // Without a template configured the refusal is final: the notice is failed, not retried forever.
      await expect(new WechatNotifier({ apiBase: base, appId: 'a', appSecret: 's' }).send(notice('o-late', new Date()))).rejects.toBeInstanceOf(PermanentNoticeError);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('sms.errorCheck: flow control is retried, an illegal number or an unknown key is refused for good', async () => {
    const answering = createStandIns({
      wechatAppId: 'a',
      wechatAppSecret: 's',
      smsAccessKeyId: 'k',
      smsAnswer: (phone) => ({ '13800000001': 'isv.BUSINESS_LIMIT_CONTROL', '13800000002': 'isv.MOBILE_NUMBER_ILLEGAL' })[phone],
    });
    const server = await new Promise<Server>((resolve) => {
      const s = answering.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sms = (accessKeyId: string) =>
      new AliyunSmsNotifier({ endpoint, protocol: 'http', accessKeyId, accessKeySecret: 'secret-0123456789abcdef', signName: '点单', templateCode: 'SMS_1' });
    const to = (phone: string) => ({ ...notice(phone), channel: 'sms' as const });
    try {
      const limited = await sms('k').send(to('13800000001')).catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(Error);
      expect(limited).not.toBeInstanceOf(PermanentNoticeError);
      await expect(sms('k').send(to('13800000002'))).rejects.toBeInstanceOf(PermanentNoticeError);
      await expect(sms('other').send(to('13800000003'))).rejects.toBeInstanceOf(PermanentNoticeError);
      await sms('k').send(to('13800000003'));
      expect(answering.received.map((m) => m.to)).toEqual(['13800000003']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
