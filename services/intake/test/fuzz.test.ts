// Property-based fuzzing of every public endpoint with JSON, form, XML and MIME bodies: whatever
// arrives, the answer is never a 5xx and the process keeps serving.
import fc from 'fast-check';
import type { Kafka } from 'kafkajs';
import nodemailer from 'nodemailer';
import { emailChannel, type EmailIntake } from '../src/channels/email';
import { wechatSignature } from '../src/channels/wechatCrypto';
import { OPEN311_KEY, OPERATOR_TOKEN, PNG, WECHAT, createPlacedTopic, kafkaFor, logger, startIntake, type RunningIntake } from '@diandan/testkit/intake';

const RUNS = 120;
const MAIL = 'fuzz@intake.example.cn';

describe('fuzzing every public endpoint: never a 5xx', () => {
  let kafka: Kafka;
  let intake: RunningIntake;
  let email: EmailIntake;
  let smtpPort: number;

  beforeAll(async () => {
    kafka = kafkaFor();
    intake = await startIntake({ topic: await createPlacedTopic(kafka) });
    email = emailChannel({
      placer: intake.placer,
      attachments: intake.attachments,
      logger,
      address: MAIL,
      maxBytes: 64 * 1024,
      attachmentMaxBytes: 32 * 1024,
      // The fuzzer sends every mail from a few senders; email.limits.test.ts checks the limit.
      messagesPerSenderPerHour: 1_000_000,
    });
    smtpPort = await email.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await email.close();
    await intake.stop();
  });

  /** Statuses seen per path: proves the fuzzing reached both the happy and the refusing paths. */
  const seen = new Map<string, Set<number>>();
  async function expectNo5xx(path: string, init: RequestInit): Promise<void> {
    const res = await fetch(`${intake.url}${path}`, init);
    await res.arrayBuffer();
    const key = path.split('?')[0]!;
    seen.set(key, (seen.get(key) ?? new Set()).add(res.status));
    if (res.status >= 500) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}`);
  }

  afterEach(async () => {
    // Still alive and serving.
    expect((await fetch(`${intake.url}/healthz`)).status).toBe(200);
  });

  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('', ' ', '13800138000', 'DD-2222-2222', '<x>', '&amp;', '查询 DD-7K3M-Q9TX', 'a'.repeat(5000)),
  );
  const loose = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }));
  const orderLike = fc.record(
    {
      content: loose,
      categoryCode: loose,
      channel: fc.oneof(fc.constantFrom('api', 'web', 'wechat'), loose),
      priority: fc.oneof(fc.constantFrom('normal', 'urgent'), loose),
      location: fc.oneof(loose, fc.record({ address: loose, lat: loose, lng: loose }, { requiredKeys: [] })),
      contact: fc.oneof(loose, fc.record({ name: loose, phone: loose, email: loose, wechatOpenId: loose }, { requiredKeys: [] })),
      callId: loose,
      callerNumber: loose,
      agentId: loose,
      notes: loose,
    },
    { requiredKeys: [] },
  );
  // Mostly valid orders too, so that fuzzing reaches the publishing path and not only refusals.
  const validish = fc.record(
    {
      content: fc.string({ minLength: 1, maxLength: 300 }).filter((s) => s.trim() !== ''),
      channel: fc.constantFrom('api', 'web'),
      priority: fc.constantFrom('normal', 'urgent'),
      location: fc.record(
        {
          address: fc.string({ maxLength: 50 }),
          lat: fc.double({ min: -90, max: 90, noNaN: true }),
          lng: fc.double({ min: -180, max: 180, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
      contact: fc.record(
        {
          name: fc.string({ maxLength: 20 }),
          phone: fc.constantFrom('13800138000', '+86 139 1234 5678', '1234'),
          email: fc.emailAddress(),
        },
        { requiredKeys: [] },
      ),
      callId: fc.string({ minLength: 1, maxLength: 20 }),
      callerNumber: fc.constantFrom('13800138000', '023-63851234', 'x'),
      agentId: fc.string({ minLength: 1, maxLength: 10 }),
      notes: fc.string({ minLength: 1, maxLength: 100 }),
    },
    { requiredKeys: ['content', 'callId', 'agentId', 'notes'] },
  );
  const jsonBody = fc.oneof(validish, orderLike, fc.jsonValue({ maxDepth: 4 }));
  const formBody = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'content',
        'channel',
        'contact[phone]',
        'location[lat]',
        'api_key',
        'service_code',
        'lat',
        'long',
        'address_string',
        'description',
        'phone',
        'email',
        'a[b][c][d]',
        'content[]',
      ),
      fc.string(),
    ),
    fc.oneof(text, fc.constant(OPEN311_KEY)),
    { maxKeys: 8 },
  );

  it('postOrders.fuzzCheck: JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (body) => {
        await expectNo5xx('/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      }),
      { numRuns: RUNS },
    );
    expect([...(seen.get('/v1/orders') ?? [])]).toEqual(expect.arrayContaining([202, 400]));
  });

  it('postOrders.fuzzCheck: form-encoded and raw bodies under any content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        formBody,
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom(
          'application/json',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=xyz',
          'multipart/form-data',
          'text/xml',
          'application/octet-stream',
        ),
        async (form, raw, contentType) => {
          await expectNo5xx('/v1/orders', { method: 'POST', body: new URLSearchParams(form) });
          await expectNo5xx('/v1/orders', { method: 'POST', headers: { 'content-type': contentType }, body: raw });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('postOrdersAndLetters.fuzzCheck: multipart (MIME) bodies with random fields and files', async () => {
    const file = fc.record({
      name: fc.string(),
      bytes: fc.oneof(fc.uint8Array({ maxLength: 256 }), fc.constant(new Uint8Array(PNG))),
      field: fc.constantFrom('files', 'scans', 'other'),
    });
    await fc.assert(
      fc.asyncProperty(formBody, fc.array(file, { maxLength: 4 }), fc.string(), async (fields, files, idempotencyKey) => {
        const build = () => {
          const form = new FormData();
          for (const [k, v] of Object.entries(fields)) form.append(k, v);
          for (const f of files) form.append(f.field, new Blob([f.bytes]), f.name);
          return form;
        };
        const key = /^[\x21-\x7e]*$/.test(idempotencyKey) ? { 'Idempotency-Key': idempotencyKey } : undefined;
        await expectNo5xx('/v1/orders', { method: 'POST', body: build(), headers: key });
        await expectNo5xx('/v1/letters', { method: 'POST', body: build(), headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } });
      }),
      { numRuns: RUNS },
    );
  });

  it('hotlineAndTracking.fuzzCheck: operator JSON and tracking lookups', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, text, text, async (body, code, secret) => {
        await expectNo5xx('/v1/hotline/calls', {
          method: 'POST',
          headers: { 'content-type': 'application/json', Authorization: `Bearer ${OPERATOR_TOKEN}` },
          body: JSON.stringify(body),
        });
        await expectNo5xx(`/v1/orders/track/${encodeURIComponent(code || 'x')}?secret=${encodeURIComponent(secret)}`, {});
      }),
      { numRuns: RUNS },
    );
  });

  it('wechat.fuzzCheck: signed XML (well-formed, random and hostile) and random queries', async () => {
    const element = fc.record({
      tag: fc.constantFrom('ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'Event', 'Encrypt', 'x'),
      value: fc.oneof(text, fc.constantFrom('text', 'event', 'subscribe', 'image')),
    });
    const xmlBody = fc.oneof(
      fc
        .array(element, { maxLength: 8 })
        .map((els) => `<xml>${els.map((e) => `<${e.tag}><![CDATA[${e.value.replaceAll(']]>', '')}]]></${e.tag}>`).join('')}</xml>`),
      fc.array(element, { maxLength: 8 }).map((els) => `<xml>${els.map((e) => `<${e.tag}>${e.value}</${e.tag}>`).join('')}</xml>`),
      fc.string(),
      fc.constantFrom('<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>', '<xml>' + '<a>'.repeat(2000) + '</xml>', '<?xml version="1.0"?>', ''),
    );
    const timestamp = String(Math.floor(Date.now() / 1000)); // within the accepted clock skew
    const nonce = 'fuzz';
    const signed = new URLSearchParams({ signature: wechatSignature(WECHAT.token, timestamp, nonce), timestamp, nonce });
    await fc.assert(
      fc.asyncProperty(xmlBody, fc.boolean(), fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }), async (body, aes, query) => {
        const q = new URLSearchParams(signed);
        if (aes) {
          q.set('encrypt_type', 'aes');
          q.set('msg_signature', 'x');
        }
        await expectNo5xx(`/v1/wechat?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
        await expectNo5xx(`/v1/wechat?${new URLSearchParams(query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
        await expectNo5xx(`/v1/wechat?${new URLSearchParams(query)}`, {});
      }),
      { numRuns: RUNS },
    );
    expect([...(seen.get('/v1/wechat') ?? [])]).toEqual(expect.arrayContaining([200, 400, 401]));
  });

  it('open311.fuzzCheck: form POSTs, GET filters and resource names, JSON and XML', async () => {
    await fc.assert(
      fc.asyncProperty(
        formBody,
        fc.dictionary(fc.constantFrom('service_request_id', 'service_code', 'start_date', 'end_date', 'status', 'x'), text, { maxKeys: 5 }),
        text,
        fc.constantFrom('json', 'xml', 'csv', ''),
        async (form, query, name, format) => {
          await expectNo5xx(`/open311/v2/requests.${format}`, { method: 'POST', body: new URLSearchParams(form) });
          await expectNo5xx(`/open311/v2/requests.${format}?${new URLSearchParams(query)}`, {});
          await expectNo5xx(`/open311/v2/requests/${encodeURIComponent(name || 'x')}.${format}`, {});
          await expectNo5xx(`/open311/v2/services/${encodeURIComponent(name || 'x')}.${format}`, {});
          await expectNo5xx(`/open311/v2/tokens/${encodeURIComponent(name || 'x')}.${format}`, {});
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('smtp.fuzzCheck: random mails are answered with 250 or a 5xx SMTP refusal, never a crash', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: false });
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 2 }),
        async (subject, body, messageId, files) => {
          try {
            await transport.sendMail({
              from: 'fuzz@example.cn',
              to: MAIL,
              subject,
              text: body,
              messageId: messageId ? `<${messageId}>` : undefined,
              attachments: files.map((f, i) => ({ filename: `f${i}`, content: Buffer.from(f) })),
            });
          } catch (error) {
            // Only refusals we mean: empty message (550) or too large (552).
            expect(String(error)).toMatch(/55[02]/);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
