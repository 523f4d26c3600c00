// Rating (评单) end to end on the real servers: the HTTP endpoint, the read model for the secret,
// and the real serviceOrder workflow on the dev server (its Worker on a task queue of our own).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { generateTrackingCode } from '@diandan/domain';
import { placedInput, resolveOrder, startOrder, state, waitForState, type Harness } from '@diandan/testkit';
import { startRatingRig, type RatingRig, type RunningApp } from '@diandan/testkit/feedback';

let rig: RatingRig;
let harness: Harness;
let client: Client;
let app: RunningApp;

beforeAll(async () => {
  rig = await startRatingRig('feedback-rating');
  ({ harness, client, app } = rig);
}, 120_000);

afterAll(() => rig?.close());

interface Placed {
  handle: WorkflowHandle;
  orderId: string;
  trackingCode: string;
  secret: string;
}

/** A placed order: its workflow running, and its row in the read model (as the projector writes it). */
async function place(): Promise<Placed> {
  const secret = randomBytes(12).toString('base64url');
  const trackingCode = generateTrackingCode(randomBytes);
  const secretHash = createHash('sha256').update(secret).digest('hex');
  const input = placedInput({ trackingCode });
  const handle = await startOrder(client, harness.taskQueue, input);
  await waitForState(handle, (v) => v.deadline !== null);
  await harness.prisma.order.create({
    data: {
      id: input.orderId,
      trackingCode,
      secretHash,
      channel: 'web',
      status: 'placed',
      content: '路灯坏了',
      placedAt: new Date(input.placedAt),
    },
  });
  return { handle, orderId: input.orderId, trackingCode, secret };
}

interface ErrorBody {
  error: { code: string; message: string };
}
const errorOf = async (r: Response) => ((await r.json()) as ErrorBody).error;

const rate = (code: string, body: Record<string, unknown>) =>
  fetch(`${app.url}/v1/orders/track/${code}/rating`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('POST /v1/orders/track/:code/rating', () => {
  it('rating.satisfiedClosesCheck: a satisfied rating closes the order in its workflow', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    const response = await rate(order.trackingCode, { secret: order.secret, rating: 'satisfied', comment: '很及时，谢谢' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      trackingCode: order.trackingCode,
      status: 'closed',
      rating: 'satisfied',
      reopened: false,
    });
    const view = await state(order.handle);
    expect(view.order).toMatchObject({ status: 'closed', rating: 'satisfied' });
    expect(view.timeline.find((e) => e.type === 'order.rated')?.data).toEqual({ rating: 'satisfied', comment: '很及时，谢谢' });
  });

  it('rating.dissatisfiedReopensCheck: a dissatisfied rating reopens the order one level up', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    const response = await rate(order.trackingCode, { secret: order.secret, rating: 'dissatisfied' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rating: 'dissatisfied', reopened: true, status: 'dispatched' });
    const view = await state(order.handle);
    expect(view.order).toMatchObject({ status: 'dispatched', level: 'street', unitId: 'wf-street', reopened: true });
  });

  it('rating.tooEarlyCheck: an order that is not resolved yet is refused with the reason', async () => {
    const order = await place();
    const response = await rate(order.trackingCode, { secret: order.secret, rating: 'satisfied' });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toEqual({ code: 'not_ratable', message: 'cannot rate: order is not resolved yet', details: { reason: 'not_resolved' } });
    expect((await state(order.handle)).order.status).toBe('placed');
  });

  it('rating.tooLateCheck: a closed order (its run completed when it closed) is refused with the reason', async () => {
    const order = await place();
    await resolveOrder(order.handle);
    expect((await rate(order.trackingCode, { secret: order.secret, rating: 'satisfied' })).status).toBe(200);
    const again = await rate(order.trackingCode, { secret: order.secret, rating: 'dissatisfied' });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toMatch(/cannot rate: .*order is closed/);
    expect((await state(order.handle)).order).toMatchObject({ status: 'closed', rating: 'satisfied' });
  });

  it('rating.workflowGoneCheck: a closed order whose workflow is gone is refused from the read model', async () => {
    const secret = 'gone-secret';
    const trackingCode = generateTrackingCode(randomBytes);
    await harness.prisma.order.create({
      data: {
        id: randomUUID(),
        trackingCode,
        channel: 'web',
        status: 'closed',
        content: '旧单',
        placedAt: new Date('2026-01-05T02:00:00Z'),
        closedAt: new Date('2026-01-20T02:00:00Z'),
        secretHash: createHash('sha256').update(secret).digest('hex'),
      },
    });
    const response = await rate(trackingCode, { secret, rating: 'satisfied' });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toEqual({ code: 'not_ratable', message: 'cannot rate: order is closed', details: { reason: 'closed' } });
  });

  it('rating.secretCheck: a wrong secret looks like an unknown code', async () => {
    const order = await place();
    const wrong = await rate(order.trackingCode, { secret: 'not-the-secret', rating: 'satisfied' });
    const unknown = await rate(generateTrackingCode(randomBytes), { secret: order.secret, rating: 'satisfied' });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('rating.inputCheck: an unknown rating is a 400 naming the field', async () => {
    const order = await place();
    const response = await rate(order.trackingCode, { secret: order.secret, rating: 'great' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/^rating:/);
  });
});
