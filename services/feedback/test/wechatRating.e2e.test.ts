// 评单 from WeChat on the real servers: services/intake's call `POST /v1/wechat/rating` under the
// service token, the openid checked against the contact feedback stored (encrypted) from
// orders.placed, and the real serviceOrder workflow on the dev server deciding.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { generateTrackingCode } from '@diandan/domain';
import { placedInput, resolveOrder, startOrder, state, waitForState, type Harness } from '@diandan/testkit';
import { CONTACT_CIPHER, SERVICE_TOKEN, startRatingRig, type RatingRig, type RunningApp } from '@diandan/testkit/feedback';

let rig: RatingRig;
let harness: Harness;
let client: Client;
let app: RunningApp;

beforeAll(async () => {
  rig = await startRatingRig('feedback-wechat-rating');
  ({ harness, client, app } = rig);
}, 120_000);

afterAll(() => rig?.close());

interface Placed {
  handle: WorkflowHandle;
  orderId: string;
  trackingCode: string;
  openId: string;
}

const newOpenId = () => `o${randomBytes(14).toString('base64url')}`;

/** A WeChat order: its workflow running, its read-model row, and its contact as the contacts consumer stores it. */
async function place(trackingCode = generateTrackingCode(randomBytes), openId = newOpenId()): Promise<Placed> {
  const input = placedInput({ trackingCode });
  const handle = await startOrder(client, harness.taskQueue, input);
  await waitForState(handle, (v) => v.deadline !== null);
  await harness.prisma.order.create({
    data: {
      id: input.orderId,
      trackingCode,
      channel: 'wechat',
      status: 'placed',
      content: input.content,
      placedAt: new Date(input.placedAt),
    },
  });
  await harness.prisma.noticeRecipient.create({
    data: { orderId: input.orderId, channel: 'wechat', address: CONTACT_CIPHER.encrypt(openId), trackingCode },
  });
  return { handle, orderId: input.orderId, trackingCode, openId };
}

interface ErrorBody {
  error: { code: string; message: string; details?: { reason?: string } };
}
const errorOf = async (r: Response) => ((await r.json()) as ErrorBody).error;

const rate = (body: Record<string, unknown>, token: string | null = SERVICE_TOKEN) =>
  fetch(`${app.url}/v1/wechat/rating`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });

describe('POST /v1/wechat/rating', () => {
  it('wechatRating.satisfiedClosesCheck: the order contact rates satisfied, the workflow closes the order', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    const response = await rate({ openId: order.openId, code: order.trackingCode.toLowerCase(), rating: 'satisfied', comment: '很及时' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      trackingCode: order.trackingCode,
      status: 'closed',
      rating: 'satisfied',
      reopened: false,
    });
    const view = await state(order.handle);
    expect(view.order).toMatchObject({ status: 'closed', rating: 'satisfied' });
    expect(view.timeline.find((e) => e.type === 'order.rated')?.data).toEqual({ rating: 'satisfied', comment: '很及时' });
  });

  it('wechatRating.dissatisfiedReopensCheck: dissatisfied reopens the order one level up', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    const response = await rate({ openId: order.openId, code: order.trackingCode, rating: 'dissatisfied', comment: '一直没人联系我' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rating: 'dissatisfied', reopened: true, status: 'dispatched' });
    expect((await state(order.handle)).order).toMatchObject({ status: 'dispatched', level: 'street', reopened: true });
  });

  it('wechatRating.openIdCheck: another openid gets the 404 of an unknown code, and the order is untouched', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    const wrong = await rate({ openId: newOpenId(), code: order.trackingCode, rating: 'dissatisfied' });
    const unknown = await rate({ openId: order.openId, code: generateTrackingCode(randomBytes), rating: 'dissatisfied' });
    const garbage = await rate({ openId: order.openId, code: 'not-a-code', rating: 'dissatisfied' });
    expect([wrong.status, unknown.status, garbage.status]).toEqual([404, 404, 404]);
    const bodies = await Promise.all([wrong.json(), unknown.json(), garbage.json()]);
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[0]).toEqual(bodies[2]);
    expect((await state(order.handle)).order.status).toBe('awaiting_rating');
  });

  it('wechatRating.collisionCheck: of two orders with one code, the openid picks its own', async () => {
    const trackingCode = generateTrackingCode(randomBytes);
    const mine = await place(trackingCode);
    const theirs = await place(trackingCode);
    await resolveOrder(mine.handle);
    await resolveOrder(theirs.handle);
    const response = await rate({ openId: theirs.openId, code: trackingCode, rating: 'satisfied' });
    expect(response.status).toBe(200);
    expect((await state(theirs.handle)).order.status).toBe('closed');
    expect((await state(mine.handle)).order.status).toBe('awaiting_rating');
  });

  it('wechatRating.tokenCheck: without the service token, or with another, 401 before anything is looked up', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    const body = { openId: order.openId, code: order.trackingCode, rating: 'satisfied' };
    for (const token of [null, 'wrong-token', `${SERVICE_TOKEN}x`, SERVICE_TOKEN.slice(0, -1), '']) {
      const response = await rate(body, token);
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe('unauthorized');
    }
    const basic = await fetch(`${app.url}/v1/wechat/rating`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`x:${SERVICE_TOKEN}`).toString('base64')}` },
      body: JSON.stringify(body),
    });
    expect(basic.status).toBe(401);
    expect((await state(order.handle)).order.status).toBe('awaiting_rating');
  });

  it('wechatRating.tooEarlyCheck: an order not resolved yet is a 409 with the workflow reason', async () => {
    const order = await place();
    const response = await rate({ openId: order.openId, code: order.trackingCode, rating: 'satisfied' });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toEqual({
      code: 'not_ratable',
      message: 'cannot rate: order is not resolved yet',
      details: { reason: 'not_resolved' },
    });
    expect((await state(order.handle)).order.status).toBe('placed');
  });

  it('wechatRating.tooLateCheck: a second rating of a closed order is a 409 "closed"', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    expect((await rate({ openId: order.openId, code: order.trackingCode, rating: 'basically_satisfied' })).status).toBe(200);
    const again = await rate({ openId: order.openId, code: order.trackingCode, rating: 'dissatisfied' });
    expect(again.status).toBe(409);
    const error = await errorOf(again);
    expect(error.message).toMatch(/cannot rate: .*order is closed/);
    expect(error.details).toEqual({ reason: 'closed' });
  });

  it('wechatRating.inputCheck: a bad rating or a missing openid is a 400 naming the field', async () => {
    const order = await place();
    const bad = await rate({ openId: order.openId, code: order.trackingCode, rating: 'great' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^rating:/);
    const missing = await rate({ code: order.trackingCode, rating: 'satisfied' });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toMatch(/^openId:/);
  });

  it('wechatRating.undecryptableContactCheck: a contact sealed under another key proves nothing', async () => {
    const order = await place();
    await harness.prisma.noticeRecipient.update({ where: { orderId: order.orderId }, data: { address: `${randomUUID()}.x.y` } });
    const response = await rate({ openId: order.openId, code: order.trackingCode, rating: 'satisfied' });
    expect(response.status).toBe(404);
  });
});
