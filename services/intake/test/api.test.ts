// POST /v1/orders (JSON, H5 form, multipart), idempotency keys, validation, CORS and headers,
/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON answers loosely and assert on their shape */
// tracking by code and secret — end-to-end into a real topic.
import { createHash } from 'node:crypto';
import { isValidTrackingCode } from '@diandan/domain';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hashSecret } from '../src/identity';
import { contactOf, followIntake, insertOrder, PlacedEvents, PNG, postJson, type RunningIntake } from '@diandan/testkit/intake';

describe('JSON API: POST /v1/orders', () => {
  let intake: RunningIntake;
  let placed: PlacedEvents;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ intake, placed, stop } = await followIntake());
  });
  afterAll(async () => {
    await stop();
  });

  it('placeOrder.responseCheck+messageQueueCheck: 202 with id, code and secret; the event on the topic carries the secret hash only', async () => {
    const res = await postJson(`${intake.url}/v1/orders`, {
      content: '小区路灯坏了三天了',
      location: { address: '江北区观音桥街道建新北路 1 号', lat: 29.57, lng: 106.53 },
      contact: { name: '张三', phone: '+86 138 0013 8000' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual(
      expect.objectContaining({
        orderId: expect.any(String),
        trackingCode: expect.any(String),
        secret: expect.any(String),
        status: 'placed',
      }),
    );
    expect(isValidTrackingCode(res.body.trackingCode)).toBe(true);
    const [event] = await placed.waitFor((e) => e.orderId === res.body.orderId);
    expect(event).toEqual(
      expect.objectContaining({
        type: 'order.placed',
        channel: 'api',
        trackingCode: res.body.trackingCode,
        secretHash: hashSecret(res.body.secret),
        content: '小区路灯坏了三天了',
        priority: 'normal',
        attachments: [],
      }),
    );
    expect(JSON.stringify(event)).not.toContain(res.body.secret);
    // The contact travels sealed: not readable on the topic, opened with the key.
    expect(JSON.stringify(event)).not.toMatch(/张三|13800138000/);
    expect(contactOf(event!)).toEqual({ name: '张三', phone: '13800138000' });
  });

  it('idempotencyKey.responseCheck: the same key gives the same order, code and secret; another key or none gives a new order', async () => {
    const key = randomUUID();
    const body = { content: '申请法律援助' };
    const first = await postJson(`${intake.url}/v1/orders`, body, { 'Idempotency-Key': key });
    const retry = await postJson(`${intake.url}/v1/orders`, body, { 'Idempotency-Key': key });
    const other = await postJson(`${intake.url}/v1/orders`, body, { 'Idempotency-Key': randomUUID() });
    const noKey1 = await postJson(`${intake.url}/v1/orders`, body);
    const noKey2 = await postJson(`${intake.url}/v1/orders`, body);
    expect([first.status, retry.status, other.status, noKey1.status, noKey2.status]).toEqual([202, 202, 202, 202, 202]);
    const pick = (b: any) => [b.orderId, b.trackingCode, b.secret];
    expect(pick(retry.body)).toEqual(pick(first.body));
    expect(other.body.orderId).not.toBe(first.body.orderId);
    expect(noKey1.body.orderId).not.toBe(noKey2.body.orderId);
    // Both publishes of the retried order carry the same order id: downstream dedupes by it.
    const events = await placed.waitFor((e) => e.orderId === first.body.orderId, 2);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(1);
  });

  it('idempotencyKey.validationCheck: a short key is a 400 naming the header', async () => {
    const res = await postJson(`${intake.url}/v1/orders`, { content: 'x' }, { 'Idempotency-Key': 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('Idempotency-Key');
  });

  it.each([
    ['no content', {}, 'content'],
    ['content over 4000 characters', { content: 'a'.repeat(4001) }, 'content'],
    ['not a Chinese mobile', { content: '求助', contact: { phone: '12345678901' } }, 'contact.phone'],
    ['bad e-mail', { content: '求助', contact: { email: 'not-an-email' } }, 'contact.email'],
    ['latitude out of range', { content: '求助', location: { lat: 91 } }, 'location.lat'],
    ['channel not for this endpoint', { content: '求助', channel: 'hotline' }, 'channel'],
  ])('validation.responseCheck: %s → 400 naming the field', async (_what, body, field) => {
    const res = await postJson(`${intake.url}/v1/orders`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('malformedJson.responseCheck: a broken body is a 400 in the platform error shape', async () => {
    const res = await fetch(`${intake.url}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"content":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('bad_request');
  });

  it('h5Form.messageQueueCheck: a form-encoded H5 post becomes a web order', async () => {
    const form = new URLSearchParams({
      content: '想报名妇联的育儿讲座',
      channel: 'web',
      'contact[phone]': '13912345678',
      'location[address]': '',
    });
    const res = await fetch(`${intake.url}/v1/orders`, { method: 'POST', body: form });
    const body = (await res.json()) as any;
    expect(res.status).toBe(202);
    const [event] = await placed.waitFor((e) => e.orderId === body.orderId);
    expect(event).toEqual(expect.objectContaining({ channel: 'web' }));
    expect(contactOf(event!)).toEqual({ phone: '13912345678' });
    expect(event!.location).toBeUndefined();
  });

  it('multipart.stateCheck: an attached photo is sniffed, stored on disk and listed in the event; a disguised file is a 415', async () => {
    const form = new FormData();
    form.set('content', '井盖缺失');
    form.append('files', new Blob([PNG], { type: 'application/octet-stream' }), 'photo.bin');
    const res = await fetch(`${intake.url}/v1/orders`, { method: 'POST', body: form });
    const body = (await res.json()) as any;
    expect(res.status).toBe(202);
    const [event] = await placed.waitFor((e) => e.orderId === body.orderId);
    expect(event!.attachments).toEqual([
      { id: `${body.orderId}-1`, fileName: 'photo.bin', contentType: 'image/png', size: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') },
    ]);
    expect(await readFile(path.join(intake.settings.attachmentsDir, body.orderId, '1'))).toEqual(PNG);

    const bad = new FormData();
    bad.set('content', '井盖缺失');
    bad.append('files', new Blob(['#!/bin/sh\necho hi'], { type: 'image/png' }), 'photo.png');
    const refused = await fetch(`${intake.url}/v1/orders`, { method: 'POST', body: bad });
    expect(refused.status).toBe(415);
  });

  it('multipart.limitCheck: a file over the size limit is a 413', async () => {
    const form = new FormData();
    form.set('content', '大文件');
    form.append('files', new Blob([Buffer.concat([PNG, Buffer.alloc(300 * 1024)])]), 'big.png');
    const res = await fetch(`${intake.url}/v1/orders`, { method: 'POST', body: form });
    expect(res.status).toBe(413);
  });

  it('headers.responseCheck: security headers everywhere, CORS only for the H5 origin', async () => {
    const preflight = await fetch(`${intake.url}/v1/orders`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://h5.example.cn',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,idempotency-key',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://h5.example.cn');
    const res = await postJson(`${intake.url}/v1/orders`, { content: '' }, { Origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('tracking.responseCheck: code + secret show status and timeline; a wrong secret looks like an unknown code', async () => {
    const res = await postJson(`${intake.url}/v1/orders`, { content: '社区老人助餐点' });
    const { orderId, trackingCode, secret } = res.body;
    await insertOrder(intake.prisma, { id: orderId, trackingCode, secretHash: hashSecret(secret), content: '社区老人助餐点' });
    await intake.prisma.orderEvent.create({
      data: {
        id: `order-${orderId}#1`,
        orderId,
        seq: 1,
        type: 'order.placed',
        at: new Date(),
        actor: { role: 'system' },
        data: { note: 'internal' },
      },
    });

    const ok = await fetch(`${intake.url}/v1/orders/track/${trackingCode.toLowerCase().replaceAll('-', ' ')}`, {
      headers: { 'X-Order-Secret': secret },
    });
    const order = (await ok.json()) as any;
    expect(ok.status).toBe(200);
    expect(order).toEqual(expect.objectContaining({ trackingCode, status: 'placed', content: '社区老人助餐点' }));
    expect(order.timeline).toEqual([{ seq: 1, type: 'order.placed', at: expect.any(String), title: '诉求已提交' }]);
    expect(JSON.stringify(order)).not.toContain('internal');
    expect(order).toMatchObject({ statusLabel: '待派单', unit: null, opinion: null, result: null, actions: { rate: false, urge: true, withdraw: true }, urged: false });

    const viaQuery = await fetch(`${intake.url}/v1/orders/track/${trackingCode}?secret=${encodeURIComponent(secret)}`);
    expect([viaQuery.status, ((await viaQuery.json()) as { error: { code: string } }).error.code]).toEqual([400, 'secret_in_query']);
    const wrong = await fetch(`${intake.url}/v1/orders/track/${trackingCode}`, { headers: { 'X-Order-Secret': 'wrong' } });
    const unknown = await fetch(`${intake.url}/v1/orders/track/DD-2222-2222`, { headers: { 'X-Order-Secret': secret } });
    expect([wrong.status, unknown.status]).toEqual([404, 404]);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('tracking.locationCheck: the Location of a placed order, followed without the secret, says the secret is missing', async () => {
    const res = await postJson(`${intake.url}/v1/orders`, { content: '楼道灯不亮' });
    const location = res.headers.get('location');
    expect(location).toBe(`/v1/orders/track/${res.body.trackingCode}`);
    const followed = await fetch(`${intake.url}${location}`);
    expect(followed.status).toBe(401);
    const body = (await followed.json()) as any;
    expect(body.error.code).toBe('secret_required');
    expect(body.error.message).toContain('X-Order-Secret');
    expect(body.error.message).not.toMatch(/minute/);
  });

  it('openapi.responseCheck: the OpenAPI document and the docs page are served', async () => {
    const doc = (await (await fetch(`${intake.url}/v1/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/orders', '/v1/orders/track/{code}', '/v1/wechat', '/v1/hotline/calls', '/v1/letters',
        // The annual cycle's proposals and supports (docs/annual-cycle.md).
        '/v1/cycles/current', '/v1/proposals', '/v1/proposals/{reference}', '/v1/proposals/support-codes', '/v1/proposals/{reference}/supports', '/v1/hotline/proposals/{reference}/supports',
      ]),
    );
    expect(doc.paths['/v1/proposals'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PlacedProposal' });
    expect(doc.components.schemas.PublicProposal.additionalProperties).toBe(false);
    const page = await fetch(`${intake.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/v1/openapi.json');
  });
});
