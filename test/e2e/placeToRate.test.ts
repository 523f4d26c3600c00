// End to end on the real servers, every part in this process (test/e2e/platform.ts): a resident
// places an order through intake → orders.placed → the starter starts its workflow → the projector
// writes the read model → staff dispatch, accept, give an opinion and resolve through the staff API →
// the resident rates through feedback. The read model and the timeline show each step, in order.
import { randomUUID } from 'node:crypto';
import { publicReferenceOf } from '@diandan/platform';
import { startPlatform, type Platform } from './platform';

const OPEN311_KEY = 'e2e-open311-key-0123456789abcdef';
const OPERATOR_TOKEN = 'e2e-operator-token-0123456789abcdef';
/** NUL, a lone surrogate, a right-to-left override and mark, an emoji: what the intake edge normalises. */
const HOSTILE = '路灯坏了\u0000三天😡\uD800 \u202Egnp.exe\u200F';
const NORMALISED = '路灯坏了三天😡\uFFFD gnp.exe';
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('place → dispatch → accept → opinion → resolve → rate, across the services', () => {
  let p: Platform;
  let intake: string;
  let dispatch: string;
  let feedback: string;
  const call = (...args: Parameters<Platform['call']>) => p.call(...args);
  const eventually = <T>(what: string, probe: () => Promise<T | undefined>) => p.eventually(probe, what);

  beforeAll(async () => {
    p = await startPlatform('e2e', { open311ApiKeys: [OPEN311_KEY], operatorTokens: [OPERATOR_TOKEN] });
    ({ intake, dispatch, feedback } = p);
  }, 120_000);
  afterAll(() => p?.close());

  it('nothingLost.stateCheck: coordinates, a photo and hostile text from every channel reach the staff API and Open311 GET', async () => {
    const login = (username: string) => p.login(username);
    const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

    // Open311 with lat/long only, no address. Text that is not text (NUL, a lone surrogate) is
    // refused wherever the sender can be told (docs/intake.md, one rule): Open311, JSON bodies.
    const open311Post = (fields: Record<string, string>) => fetch(`${intake}/open311/v2/requests.json`, form({ api_key: OPEN311_KEY, service_code: '101', ...fields }));
    const created = await open311Post({ lat: '29.5630', long: '106.5516', description: '江北嘴工地门口' });
    const createdBody = await created.text();
    expect([created.status, createdBody]).toEqual([200, expect.stringContaining('service_request_id')]);
    // Open311 names an order by its public reference, the staff API by its id.
    const byCoordinatesRef = (JSON.parse(createdBody) as { service_request_id: string }[])[0]!.service_request_id;
    const byCoordinates = (await eventually('the Open311 order in the read model', async () => (await p.prisma.order.findFirst({ where: { publicRef: byCoordinatesRef }, select: { id: true } })) ?? undefined)).id;
    const open311Hostile = await open311Post({ lat: '29.5', long: '106.5', description: HOSTILE });
    expect([open311Hostile.status, await open311Hostile.text()]).toEqual([400, expect.stringContaining('description contains a NUL character or a lone surrogate')]);

    // The JSON API with a photo (multipart), and with hostile text everywhere a resident writes.
    const multipart = new FormData();
    multipart.set('content', '井盖丢了，照片附上');
    multipart.set('location[address]', '建新北路 12 号');
    multipart.append('files', new Blob([PNG], { type: 'image/png' }), '井盖.png');
    const withPhoto = await fetch(`${intake}/v1/orders`, { method: 'POST', body: multipart });
    expect(withPhoto.status).toBe(202);
    const photo = (await withPhoto.json()) as { orderId: string; trackingCode: string; secret: string };
    const apiHostile = await call(`${intake}/v1/orders`, 'POST', { content: HOSTILE, location: { address: HOSTILE }, contact: { name: HOSTILE } });
    expect([apiHostile.status, apiHostile.body.error.code, apiHostile.body.error.details.fields[0].field]).toEqual([400, 'invalid_characters', 'body.content']);
    const hotlineHostile = await call(`${intake}/v1/hotline/calls`, 'POST', { callId: randomUUID(), callerNumber: '13800138000', agentId: 'a1', notes: HOSTILE }, operator);
    expect([hotlineHostile.status, hotlineHostile.body.error.code]).toEqual([400, 'invalid_characters']);

    // What cannot be answered with a 400 is normalised and kept: a resident's photo upload, an
    // operator's scanned letter (multipart), and the formatting characters JSON lets through.
    const FORMATTED = '路灯坏了三天😡 \u202Egnp.exe\u200F';
    const apiFormatted = await call(`${intake}/v1/orders`, 'POST', { content: FORMATTED, location: { address: FORMATTED }, contact: { name: FORMATTED } });
    expect(apiFormatted.status).toBe(202);
    const hotline = await call(`${intake}/v1/hotline/calls`, 'POST', { callId: randomUUID(), callerNumber: '13800138000', agentId: 'a1', notes: FORMATTED, address: FORMATTED }, operator);
    expect(hotline.status).toBe(202);
    const letter = new FormData();
    letter.set('content', HOSTILE);
    letter.set('senderAddress', HOSTILE);
    const letterAnswer = await fetch(`${intake}/v1/letters`, { method: 'POST', headers: operator, body: letter });
    expect(letterAnswer.status).toBe(202);
    const letterId = ((await letterAnswer.json()) as { orderId: string }).orderId;

    // Only NUL or formatting: nothing is left, a clear 400 instead of an order that vanishes.
    expect((await call(`${intake}/v1/orders`, 'POST', { content: '\u0000\u202E' })).status).toBe(400);

    const dispatcher = await login('dispatcher');
    const staffView = (orderId: string) =>
      eventually(`order ${orderId} in the staff API`, async () => {
        const answer = await call(`${dispatch}/v1/orders/${orderId}`, 'GET', undefined, dispatcher);
        return answer.status === 200 && answer.body.trackingCode && !String(answer.body.trackingCode).startsWith('pending:') ? answer.body : undefined;
      });
    const open311View = async (orderId: string) => ((await (await fetch(`${intake}/open311/v2/requests/${orderId}.json`)).json()) as Record<string, unknown>[])[0]!;

    expect(await staffView(byCoordinates)).toMatchObject({ lat: 29.563, lng: 106.5516, address: null });
    expect(await open311View(byCoordinatesRef)).toMatchObject({ lat: 29.563, long: 106.5516 });

    const photoOrder = await staffView(photo.orderId);
    expect(photoOrder.attachments).toEqual([{ id: `${photo.orderId}-1`, fileName: '井盖.png', contentType: 'image/png', size: PNG.length }]);
    const download = await fetch(`${dispatch}/v1/orders/${photo.orderId}/attachments/${photo.orderId}-1`, { headers: dispatcher });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
    // A clerk of another unit does not get it once the order is at a unit; the resident does, with the secret in a header.
    await call(`${dispatch}/v1/orders/${photo.orderId}/dispatch`, 'POST', { unitId: 'jianxin-north' }, dispatcher);
    await eventually('dispatched', async () => ((await p.prisma.order.findUnique({ where: { id: photo.orderId } }))?.unitId === 'jianxin-north' ? true : undefined));
    expect((await fetch(`${dispatch}/v1/orders/${photo.orderId}/attachments/${photo.orderId}-1`, { headers: await login('handler-guanyinqiao') })).status).toBe(403);
    expect((await fetch(`${dispatch}/v1/orders/${photo.orderId}/attachments/${photo.orderId}-1`, { headers: await login('handler-jianxin') })).status).toBe(200);
    const own = await fetch(`${intake}/v1/orders/track/${photo.trackingCode}/attachments/${photo.orderId}-1`, { headers: { 'x-order-secret': photo.secret } });
    expect(Buffer.from(await own.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${intake}/v1/orders/track/${photo.trackingCode}/attachments/${photo.orderId}-1?secret=${photo.secret}`)).status).toBe(404);

    const letterOrder = await staffView(letterId);
    expect(letterOrder.content).toContain(NORMALISED);
    expect((await open311View(publicReferenceOf(letterId))).description).toContain('😡');
    for (const orderId of [apiFormatted.body.orderId as string, hotline.body.orderId as string]) {
      const order = await staffView(orderId);
      expect(order.content).toContain('路灯坏了三天😡 gnp.exe');
      expect((await open311View(publicReferenceOf(orderId))).description).toContain('😡');
    }
    expect((await staffView(apiFormatted.body.orderId as string)).address).toBe('路灯坏了三天😡 gnp.exe');
  });

  it('placeToRate.stateCheck: each step reaches the read model and the timeline, in order', async () => {
    const placed = await call(`${intake}/v1/orders`, 'POST', {
      content: '我们工地三十多名工人想春节前买返乡火车票，能否帮忙集中代购？',
      categoryCode: 'train-tickets',
      channel: 'web',
      location: { address: '江北嘴俊豪工地' },
      contact: { name: '张师傅', phone: '13812345678' },
    }, { 'idempotency-key': randomUUID() });
    expect(placed.status).toBe(202);
    const { orderId, trackingCode, secret } = placed.body as { orderId: string; trackingCode: string; secret: string };

    const row = await eventually('the placed order in the read model', async () => (await p.prisma.order.findUnique({ where: { id: orderId } })) ?? undefined);
    expect(row).toMatchObject({ status: 'placed', trackingCode, channel: 'web', categoryCode: 'train-tickets' });
    expect(JSON.stringify(row)).not.toContain('13812345678');

    const login = (username: string) => p.login(username);
    const dispatcher = await login('dispatcher');
    const handler = await login('handler-jianxin');
    const act = async (who: Record<string, string>, action: string, body: unknown = {}) => {
      const answer = await call(`${dispatch}/v1/orders/${orderId}/${action}`, 'POST', body, who);
      expect([action, answer.status, answer.body?.error?.message]).toEqual([action, 200, undefined]);
      return answer.body;
    };
    const statusInReadModel = (status: string) =>
      eventually(`read model status ${status}`, async () => ((await p.prisma.order.findUnique({ where: { id: orderId } }))?.status === status ? true : undefined));

    await act(dispatcher, 'dispatch', { unitId: 'jianxin-north' });
    await statusInReadModel('dispatched');
    await act(handler, 'accept');
    await statusInReadModel('accepted');
    await act(handler, 'opinion', { opinion: '社区将联系区总工会，统一代购，三日内答复' });
    await statusInReadModel('in_progress');
    // The result with a photo (multipart). Nothing is stored for someone who may not resolve it,
    // and what is not a photo or PDF is refused whatever its name says.
    const resolveForm = (file: Blob, name: string) => {
      const form = new FormData();
      form.set('result', '已在工地设立购票服务点，32张车票已全部购得');
      form.append('files', file, name);
      return form;
    };
    const post = (who: Record<string, string>, form: FormData) => fetch(`${dispatch}/v1/orders/${orderId}/resolve`, { method: 'POST', headers: who, body: form });
    expect((await post(await login('handler-guanyinqiao'), resolveForm(new Blob([PNG]), '别人的.png'))).status).toBe(403);
    const notPhoto = await post(handler, resolveForm(new Blob(['just text, called a png']), '假照片.png'));
    expect([notPhoto.status, ((await notPhoto.json()) as { error: { code: string } }).error.code]).toEqual([415, 'unsupported_media_type']);
    const noResult = resolveForm(new Blob([PNG], { type: 'image/png' }), '无结果.png');
    noResult.delete('result');
    const missing = await post(handler, noResult);
    expect([missing.status, JSON.stringify(await missing.json())]).toEqual([400, expect.stringContaining('result')]);
    const foreign = await call(`${dispatch}/v1/orders/${orderId}/resolve`, 'POST', { result: '已办结', attachments: [{ id: `${randomUUID()}-1`, fileName: 'x.png', contentType: 'image/png', size: 1 }] }, handler);
    expect([foreign.status, foreign.body.error.message]).toEqual([400, expect.stringContaining('not an attachment of order')]);
    const resolved = await post(handler, resolveForm(new Blob([PNG], { type: 'image/png' }), '购票点.png'));
    expect(resolved.status).toBe(200);
    await statusInReadModel('awaiting_rating');
    const photoId = await eventually('the result photo in the staff API', async () => {
      const view = await call(`${dispatch}/v1/orders/${orderId}`, 'GET', undefined, dispatcher);
      return (view.body.attachments as { id: string; fileName: string }[]).find((a) => a.fileName === '购票点.png')?.id;
    });
    expect(photoId).toMatch(new RegExp(`^${orderId}-r[0-9a-f]{16}$`));
    const photo = await fetch(`${dispatch}/v1/orders/${orderId}/attachments/${photoId}`, { headers: dispatcher });
    expect([photo.status, photo.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);
    // The resident sees the result photo with the result, and fetches it with the secret.
    const asResident = { 'x-order-secret': secret };
    const story = await call(`${intake}/v1/orders/track/${trackingCode}`, 'GET', undefined, asResident);
    expect(story.body.result).toMatchObject({ text: '已在工地设立购票服务点，32张车票已全部购得', photos: [{ id: photoId, fileName: '购票点.png', contentType: 'image/png' }] });
    const seen = await fetch(`${intake}/v1/orders/track/${trackingCode}/attachments/${photoId}`, { headers: asResident });
    expect(Buffer.from(await seen.arrayBuffer()).equals(PNG)).toBe(true);

    // A unit handler of another unit cannot act on it; an illegal step is a 409 with the workflow's reason.
    const again = await call(`${dispatch}/v1/orders/${orderId}/accept`, 'POST', {}, handler);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/cannot accept/);

    const rated = await call(`${feedback}/v1/orders/track/${trackingCode}/rating`, 'POST', { secret, rating: 'satisfied', comment: '服务很贴心' });
    expect(rated.status).toBe(200);
    // order.rated already carries the status closed; wait for the last event, order.closed, too.
    await eventually('all seven events projected', async () => ((await p.prisma.orderEvent.count({ where: { orderId } })) === 7 ? true : undefined));

    const timeline = await call(`${dispatch}/v1/orders/${orderId}/timeline`, 'GET', undefined, dispatcher);
    expect(timeline.status).toBe(200);
    expect(timeline.body.events.map((e: { type: string }) => e.type)).toEqual([
      'order.placed', 'order.dispatched', 'order.accepted', 'order.opinion_given', 'order.resolved', 'order.rated', 'order.closed',
    ]);
    expect(timeline.body.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const closed = await p.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    expect(closed).toMatchObject({ status: 'closed', rating: 'satisfied', unitId: 'jianxin-north', level: 'community' });
    expect(closed.dispatchedAt && closed.acceptedAt && closed.resolvedAt && closed.closedAt).toBeTruthy();

    // The resident follows it with code and secret through intake.
    const tracked = await call(`${intake}/v1/orders/track/${trackingCode}`, 'GET', undefined, { 'x-order-secret': secret });
    expect(tracked.body).toMatchObject({ status: 'closed' });
  });
});
