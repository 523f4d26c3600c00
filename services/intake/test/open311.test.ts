// Open311 GeoReport v2 per spec: services, definitions, POST (form, api_key), GET with filters,
/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON answers loosely and assert on their shape */
// one request, tokens; JSON and XML; the spec's errors; no contact data in GET answers.
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { publicReferenceOf } from '@diandan/platform';
import { contactOf, followIntake, insertOrder, OPEN311_KEY, PlacedEvents, type RunningIntake, unique } from '@diandan/testkit/intake';

const xml = new XMLParser({ parseTagValue: false });

describe('Open311 GeoReport v2', () => {
  let intake: RunningIntake;
  let placed: PlacedEvents;
  let stop: () => Promise<void>;
  const serviceCode = unique('311');
  const categoryCode = unique('cat');
  let base: string;

  beforeAll(async () => {
    ({ intake, placed, stop } = await followIntake());
    base = `${intake.url}/open311/v2`;
    await intake.prisma.category.create({
      data: { code: categoryCode, name: '路灯维修', description: '路灯不亮、损坏', open311Code: serviceCode, keywords: ['路灯', '照明'] },
    });
  });
  afterAll(async () => {
    await stop();
  });

  const post = (fields: Record<string, string>, format = 'json') =>
    fetch(`${base}/requests.${format}`, { method: 'POST', body: new URLSearchParams({ api_key: OPEN311_KEY, ...fields }) });

  it('services.responseCheck: the catalogue as JSON and as XML with the declaration', async () => {
    const json = (await (await fetch(`${base}/services.json`)).json()) as any[];
    expect(json).toContainEqual({
      service_code: serviceCode,
      service_name: '路灯维修',
      description: '路灯不亮、损坏',
      metadata: false,
      type: 'batch',
      keywords: '路灯,照明',
      group: '',
    });
    const res = await fetch(`${base}/services.xml`);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml; charset=utf-8/);
    const text = await res.text();
    expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?><services><service>')).toBe(true);
    const services = [xml.parse(text).services.service].flat();
    expect(services.map((s: any) => s.service_code)).toContain(serviceCode);
  });

  it('serviceDefinition.responseCheck: a known code has a definition; an unknown one is a 404 in the spec error format', async () => {
    expect(await (await fetch(`${base}/services/${serviceCode}.json`)).json()).toEqual({ service_code: serviceCode, attributes: [] });
    const missing = await fetch(`${base}/services/nope.json`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([{ code: 404, description: 'service_code nope not found' }]);
    const missingXml = await fetch(`${base}/services/nope.xml`);
    expect(xml.parse(await missingXml.text()).errors.error).toEqual({ code: '404', description: 'service_code nope not found' });
  });

  it('postRequest.messageQueueCheck: a form-encoded request becomes an open311 order with its category', async () => {
    const res = await post({
      service_code: serviceCode,
      lat: '29.57',
      long: '106.53',
      address_string: '建新北路 1 号',
      description: '路灯不亮',
      first_name: '三',
      last_name: '张',
      phone: '13800138000',
      email: 'zs@example.cn',
    });
    expect(res.status).toBe(200);
    const [created] = (await res.json()) as any[];
    expect(created).toEqual({
      service_request_id: expect.any(String),
      service_notice: expect.stringMatching(/^tracking code DD-/),
      account_id: null,
    });
    // The answer names the order by its public reference, never by its id.
    const [event] = await placed.waitFor((e) => publicReferenceOf(e.orderId) === created.service_request_id);
    expect(event).toEqual(
      expect.objectContaining({
        channel: 'open311',
        categoryCode,
        content: '路灯不亮',
        location: { address: '建新北路 1 号', lat: 29.57, lng: 106.53 },
      }),
    );
    // Contact details travel sealed on orders.placed; the kit opens them with the test key.
    expect(event).not.toHaveProperty('contact');
    expect(contactOf(event!)).toEqual({ name: '张三', phone: '13800138000', email: 'zs@example.cn' });
    const asXml = await post({ service_code: serviceCode, address_string: '某处', description: 'xml' }, 'xml');
    expect(xml.parse(await asXml.text()).service_requests.request.service_request_id).toMatch(/^[0-9a-f]{20}$/);
  });

  it.each([
    ['no api_key', { api_key: '' }, 403],
    ['a wrong api_key', { api_key: 'wrong' }, 403],
    ['no service_code', { service_code: '' }, 400],
    ['an unknown service_code', { service_code: 'unknown' }, 404],
    ['no location', { address_string: '' }, 400],
    ['lat without long', { address_string: '', lat: '29.5' }, 400],
    ['a description over 4,000 characters', { description: '长'.repeat(4001) }, 400],
    ['a phone that is not a Chinese mobile', { phone: '555-1234' }, 400],
  ])('postRequest.errorCheck: %s → %i as [{code, description}]', async (_what, fields, status) => {
    const res = await post({ service_code: serviceCode, address_string: '某处', description: '测试', ...fields });
    expect(res.status).toBe(status);
    const body = (await res.json()) as any[];
    expect(body).toEqual([{ code: status, description: expect.any(String) }]);
  });

  it('postRequest.limitCheck: exactly 4,000 characters are accepted', async () => {
    const res = await post({ service_code: serviceCode, address_string: '某处', description: '长'.repeat(4000) });
    expect(res.status).toBe(200);
  });

  it('getRequests.privacyCheck: requests by service code, id, status and dates, without contact data and with scrubbed descriptions', async () => {
    const [openId, closedId] = [randomUUID(), randomUUID()];
    const [open, closed] = [publicReferenceOf(openId), publicReferenceOf(closedId)];
    await insertOrder(intake.prisma, {
      id: openId,
      trackingCode: unique('TC'),
      categoryCode,
      content: '我的电话 13800138000，邮箱 a@b.cn',
      address: '建新北路88号',
    });
    await insertOrder(intake.prisma, { id: closedId, trackingCode: unique('TC'), categoryCode, status: 'closed' });

    const all = (await (await fetch(`${base}/requests.json?service_code=${serviceCode}`)).json()) as any[];
    expect(all.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([open, closed]));
    const mine = all.find((r) => r.service_request_id === open);
    expect(mine).toEqual(
      expect.objectContaining({
        status: 'open',
        service_code: serviceCode,
        service_name: '路灯维修',
        address: '建新北路[地址已隐去]',
        description: '我的电话 ***，邮箱 ***',
      }),
    );
    expect(JSON.stringify(all)).not.toMatch(/13800138000|a@b\.cn|first_name|phone|email/);

    const onlyClosed = (await (await fetch(`${base}/requests.json?service_code=${serviceCode}&status=closed`)).json()) as any[];
    expect(onlyClosed.map((r) => r.service_request_id)).toEqual([closed]);
    const byId = (await (await fetch(`${base}/requests.json?service_request_id=${open},${closed}&status=closed`)).json()) as any[];
    expect(byId).toHaveLength(2); // service_request_id overrides the other filters
    const past = (await (await fetch(`${base}/requests.json?service_code=${serviceCode}&end_date=2020-01-01T00:00:00Z`)).json()) as any[];
    expect(past).toEqual([]);
    const tooWide = await fetch(`${base}/requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-12-31T00:00:00Z`);
    expect(tooWide.status).toBe(400);
    const badDate = await fetch(`${base}/requests.xml?start_date=yesterday`);
    expect(badDate.status).toBe(400);
    expect(xml.parse(await badDate.text()).errors.error.code).toBe('400');

    const one = await fetch(`${base}/requests/${open}.xml`);
    expect(xml.parse(await one.text()).service_requests.request.service_request_id).toBe(open);
    expect((await fetch(`${base}/requests/${randomUUID()}.json`)).status).toBe(404);
    // The order id is no public name: it finds nothing (it would unlock the secret with the key).
    expect((await fetch(`${base}/requests/${openId}.json`)).status).toBe(404);
    expect(JSON.stringify(all)).not.toContain(openId);
    expect(await (await fetch(`${base}/tokens/${open}.json`)).json()).toEqual([{ service_request_id: open, token: open }]);
  });

  it('getRequests.sensitiveCheck: an order of a sensitive category is never listed nor found by its reference', async () => {
    const sensitiveCode = unique('dv');
    await intake.prisma.category.create({ data: { code: sensitiveCode, name: '家暴求助', open311Code: unique('311dv'), sensitive: true } });
    const id = randomUUID();
    await insertOrder(intake.prisma, { id, trackingCode: unique('TC'), categoryCode: sensitiveCode, content: '家暴求助，请不要公开' });
    const listed = (await (await fetch(`${base}/requests.json?service_request_id=${publicReferenceOf(id)}`)).json()) as any[];
    expect(listed).toEqual([]);
    const all = (await (await fetch(`${base}/requests.json`)).json()) as any[];
    // Other suites share this run's database and may place ordinary orders that mention 家暴:
    // look for this order's own reference, category and words.
    expect(JSON.stringify(all)).not.toContain(publicReferenceOf(id));
    expect(JSON.stringify(all)).not.toContain(sensitiveCode);
    expect(JSON.stringify(all)).not.toContain('请不要公开');
    expect((await fetch(`${base}/requests/${publicReferenceOf(id)}.json`)).status).toBe(404);
    expect((await fetch(`${base}/tokens/${publicReferenceOf(id)}.json`)).status).toBe(404);
  });

  it('unknownResource.errorCheck: unknown paths and formats are 404 in the spec format', async () => {
    const res = await fetch(`${base}/requests.csv`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual([{ code: 404, description: expect.any(String) }]);
  });
});
