// Late actions, end to end on the real servers (test/e2e/platform.ts): since `end-when-final` an
// order's workflow completes when the order is final (docs/scaling.md, "Lingering workflows"), so
// an action that comes afterwards reaches no workflow. Each scenario drives a real order through
// intake, the staff API and feedback to its end, waits for its run to complete, and then tries
// the late action: the answer is the domain's own rejection on the read model's final state —
// the same status code and reason the workflow used to give.
import { workflowIdFor } from '@diandan/domain';
import { startPlatform, type Answer, type Platform } from './platform';

describe('late actions on a finished order are answered from the read model, across the services', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform('late');
  }, 120_000);
  afterAll(() => p?.close());

  const staff = async (username: string, orderId: string, action: string, body: unknown = {}): Promise<Answer> =>
    p.call(`${p.dispatch}/v1/orders/${orderId}/${action}`, 'POST', body, await p.login(username));
  const ok = async (username: string, orderId: string, action: string, body: unknown = {}) => {
    const answer = await staff(username, orderId, action, body);
    expect([action, answer.status, answer.body?.error?.message]).toEqual([action, 200, undefined]);
  };
  const resident = (order: { trackingCode: string; secret: string }, action: 'urge' | 'withdraw') =>
    p.call(`${p.feedback}/v1/orders/track/${order.trackingCode}/${action}`, 'POST', {}, { 'x-order-secret': order.secret });
  const rate = (order: { trackingCode: string; secret: string }, rating = 'satisfied') =>
    p.call(`${p.feedback}/v1/orders/track/${order.trackingCode}/rating`, 'POST', { secret: order.secret, rating });
  const inReadModel = (orderId: string, status: string) =>
    p.eventually(async () => ((await p.prisma.order.findUnique({ where: { id: orderId } }))?.status === status ? true : undefined), `read model status ${status}`);
  /** The run completes at the final state: its result is there (an explicit signal, no sleep). */
  const completed = async (orderId: string, status: string) => {
    const handle = p.temporal.workflow.getHandle(workflowIdFor(orderId));
    expect(((await handle.result()) as { order: { status: string } }).order.status).toBe(status);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    await inReadModel(orderId, status);
  };
  const placeAndResolve = async () => {
    const order = await p.place({ content: '小区南门路灯不亮一周了', location: { address: '建新北路 8 号' } });
    await ok('dispatcher', order.orderId, 'dispatch', { unitId: 'jianxin-north' });
    await ok('handler-jianxin', order.orderId, 'accept');
    await ok('handler-jianxin', order.orderId, 'opinion', { opinion: '已联系路灯所，两日内维修' });
    await ok('handler-jianxin', order.orderId, 'resolve', { result: '路灯已更换灯头，恢复照明' });
    await inReadModel(order.orderId, 'awaiting_rating');
    return order;
  };

  it('lateActions.closedCheck: a rated, closed order refuses a second rating, staff actions and the resident’s urge and withdraw with the domain’s reasons', async () => {
    const order = await placeAndResolve();
    expect((await rate(order)).status).toBe(200);
    await completed(order.orderId, 'closed');

    const again = await rate(order, 'dissatisfied');
    expect([again.status, again.body.error]).toEqual([409, { code: 'not_ratable', message: 'cannot rate: order is closed', details: { reason: 'closed' } }]);
    const accept = await staff('handler-jianxin', order.orderId, 'accept');
    expect([accept.status, accept.body.error]).toEqual([409, { code: 'illegal_transition', message: 'cannot accept: order is closed' }]);
    const urge = await staff('dispatcher', order.orderId, 'urge', { note: '请尽快' });
    expect([urge.status, urge.body.error]).toEqual([409, { code: 'illegal_transition', message: 'cannot urge: order is closed' }]);
    // Role and unit scope come first, as in the workflow: a handler of another unit is out of scope.
    const foreign = await staff('handler-guanyinqiao', order.orderId, 'accept');
    expect([foreign.status, foreign.body.error.code, foreign.body.error.message]).toEqual([403, 'out_of_scope', expect.stringContaining('cannot accept: order is assigned to another unit')]);

    const residentUrge = await resident(order, 'urge');
    expect([residentUrge.status, residentUrge.body.error.code, residentUrge.body.error.details]).toEqual([409, 'not_urgeable', { status: 'closed', reason: 'cannot urge: order is closed' }]);
    const residentWithdraw = await resident(order, 'withdraw');
    expect([residentWithdraw.status, residentWithdraw.body.error.code, residentWithdraw.body.error.details]).toEqual([
      409,
      'not_withdrawable',
      { status: 'closed', reason: 'cannot withdraw: order is closed' },
    ]);
  });

  it('lateActions.withdrawnCheck: a withdrawn order refuses the unit’s accept and a rating; withdrawing again is the same withdrawal', async () => {
    const order = await p.place({ content: '楼道堆放杂物，存在消防隐患' });
    await ok('dispatcher', order.orderId, 'dispatch', { unitId: 'jianxin-north' });
    const withdrawn = await resident(order, 'withdraw');
    expect([withdrawn.status, withdrawn.body.status, withdrawn.body.repeated]).toEqual([200, 'withdrawn', false]);
    await completed(order.orderId, 'withdrawn');

    const accept = await staff('handler-jianxin', order.orderId, 'accept');
    expect([accept.status, accept.body.error]).toEqual([409, { code: 'illegal_transition', message: 'cannot accept: order is withdrawn' }]);
    const rated = await rate(order);
    expect([rated.status, rated.body.error]).toEqual([409, { code: 'not_ratable', message: 'cannot rate: order is withdrawn', details: { reason: 'closed' } }]);
    const twice = await resident(order, 'withdraw');
    expect([twice.status, twice.body.status, twice.body.repeated]).toEqual([200, 'withdrawn', true]);
  });

  it('lateActions.invalidCheck: an order marked invalid refuses a dispatch', async () => {
    const order = await p.place({ content: '测试：这不是一个诉求' });
    await ok('dispatcher', order.orderId, 'invalidate', { reason: '非本平台受理范围' });
    await completed(order.orderId, 'invalid');
    const dispatched = await staff('dispatcher', order.orderId, 'dispatch', { unitId: 'jianxin-north' });
    expect([dispatched.status, dispatched.body.error]).toEqual([409, { code: 'illegal_transition', message: 'cannot dispatch: order is marked invalid' }]);
  });

  it('lateActions.mergeCheck: a duplicate merged into a closed order is refused in the closed order’s words, and stays in the queue', async () => {
    const closed = await placeAndResolve();
    expect((await rate(closed)).status).toBe(200);
    await completed(closed.orderId, 'closed');
    const duplicate = await p.place({ content: '小区南门路灯不亮（重复反映）' });
    const merged = await staff('dispatcher', duplicate.orderId, 'merge', { intoOrderId: closed.orderId });
    expect([merged.status, merged.body.error]).toEqual([409, { code: 'illegal_transition', message: 'the order to merge into refused: cannot take a duplicate on: order is closed' }]);
    const view = await p.call(`${p.dispatch}/v1/orders/${duplicate.orderId}`, 'GET', undefined, await p.login('dispatcher'));
    expect(view.body.status).toBe('placed');
  });
});
