// The authorization matrix of the staff API: every endpoint × every role × own / other unit, on
// the real database and the real Temporal dev server (stand-in serviceOrder deciding with the real
// domain rules). The expectations are written out here, not derived from the code under test.
import { randomUUID } from 'node:crypto';
import { workflowIdFor } from '@diandan/domain';
import { eventually, HOME_UNIT, orderIn, startApi, startFixtureWorker, type ApiHarness, type OrderState, type TemporalFixture } from '@diandan/testkit/dispatch';

interface Principal {
  name: string;
  username: string;
}
const PRINCIPALS: Principal[] = [
  { name: 'operator', username: 'operator' },
  { name: 'dispatcher', username: 'dispatcher' },
  { name: 'own-unit handler', username: 'handler-jianxin' },
  { name: 'other-unit handler', username: 'handler-guanyinqiao' },
  { name: 'supervisor', username: 'supervisor' },
  { name: 'evaluator', username: 'evaluator' },
  { name: 'admin', username: 'admin' },
];
type Who = Principal['name'];

interface ActionCase {
  action: string;
  state: OrderState;
  body: (ctx: { mergeTarget: string; orderId: string }) => object;
  may: Who[];
  statusAfter: string;
}

const ACTION_CASES: ActionCase[] = [
  { action: 'answer', state: 'placed', body: () => ({ answer: '购票点在观音桥工会服务站' }), may: ['operator', 'dispatcher'], statusAfter: 'awaiting_rating' },
  { action: 'dispatch', state: 'placed', body: () => ({ unitId: HOME_UNIT }), may: ['dispatcher'], statusAfter: 'dispatched' },
  { action: 'merge', state: 'placed', body: ({ mergeTarget }) => ({ intoOrderId: mergeTarget }), may: ['operator', 'dispatcher'], statusAfter: 'merged' },
  { action: 'invalidate', state: 'placed', body: () => ({ reason: '测试电话' }), may: ['operator', 'dispatcher'], statusAfter: 'invalid' },
  { action: 'withdraw', state: 'placed', body: () => ({ reason: '居民来电撤回' }), may: ['operator'], statusAfter: 'withdrawn' },
  { action: 'accept', state: 'dispatched', body: () => ({}), may: ['own-unit handler'], statusAfter: 'accepted' },
  { action: 'return', state: 'dispatched', body: () => ({ reason: '不属于本社区' }), may: ['own-unit handler'], statusAfter: 'placed' },
  { action: 'escalate', state: 'dispatched', body: () => ({ reason: '需要街道协调' }), may: ['own-unit handler', 'dispatcher', 'supervisor'], statusAfter: 'dispatched' },
  { action: 'urge', state: 'dispatched', body: () => ({ note: '请尽快处理' }), may: ['dispatcher', 'supervisor'], statusAfter: 'dispatched' },
  { action: 'opinion', state: 'accepted', body: () => ({ opinion: '已联系物业' }), may: ['own-unit handler'], statusAfter: 'in_progress' },
  {
    action: 'resolve',
    state: 'in_progress',
    body: ({ orderId }) => ({ result: '路灯已修复', attachments: [{ id: `${orderId}-r0123456789abcdef`, fileName: '修复后.jpg', contentType: 'image/jpeg', size: 1024 }] }),
    may: ['own-unit handler'],
    statusAfter: 'awaiting_rating',
  },
];

let temporal: TemporalFixture;
let api: ApiHarness;
let mergeTarget: string;
beforeAll(async () => {
  temporal = await startFixtureWorker();
  api = await startApi(temporal.client);
  mergeTarget = await orderIn(temporal, api.prisma, 'placed');
  await Promise.all(PRINCIPALS.map((p) => api.login(p.username)));
}, 120_000);
afterAll(async () => {
  await api?.close();
  await temporal?.close();
});

const token = (who: Who) => api.login(PRINCIPALS.find((p) => p.name === who)!.username);

describe.each(ACTION_CASES)('POST /v1/orders/:id/$action', (c) => {
  test.each(PRINCIPALS.map((p) => [p.name, c.may.includes(p.name) ? 200 : 403] as const))('%s → %i', async (who, expected) => {
    const orderId = await orderIn(temporal, api.prisma, c.state);
    const { status, body } = await api.call('POST', `/v1/orders/${orderId}/${c.action}`, { token: await token(who), body: c.body({ mergeTarget, orderId }) });
    expect({ status, error: body.error }).toMatchObject({ status: expected });
    if (expected === 200) {
      expect(body.order.status).toBe(c.statusAfter);
      expect(body.order.orderId).toBe(orderId);
    }
  });

  test('no token → 401', async () => {
    const orderId = await orderIn(temporal, api.prisma, c.state);
    expect((await api.call('POST', `/v1/orders/${orderId}/${c.action}`, { body: c.body({ mergeTarget, orderId }) })).status).toBe(401);
  });
});

describe('actions: what the workflow answers', () => {
  it('illegal.responseCheck: an illegal change → 409 with the workflow’s reason', async () => {
    const orderId = await orderIn(temporal, api.prisma, 'dispatched');
    const { status, body } = await api.call('POST', `/v1/orders/${orderId}/opinion`, { token: await token('own-unit handler'), body: { opinion: '先给意见' } });
    expect(status).toBe(409);
    expect(body.error).toEqual({ code: 'illegal_transition', message: 'cannot give an opinion: order is not accepted yet' });
  });

  it('unknownOrder.responseCheck: no workflow for the order → 404', async () => {
    const { status, body } = await api.call('POST', `/v1/orders/${randomUUID()}/dispatch`, { token: await token('dispatcher'), body: { unitId: HOME_UNIT } });
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
  });

  it('unknownUnit.responseCheck: dispatch to a unit the workflow does not know → 404', async () => {
    const orderId = await orderIn(temporal, api.prisma, 'placed');
    const { status, body } = await api.call('POST', `/v1/orders/${orderId}/dispatch`, { token: await token('dispatcher'), body: { unitId: 'atlantis' } });
    expect(status).toBe(404);
    expect(body.error.message).toMatch(/unknown unit atlantis/);
  });

  it('invalidInput.responseCheck: a body that fails validation → 400 naming the field', async () => {
    const orderId = await orderIn(temporal, api.prisma, 'placed');
    const { status, body } = await api.call('POST', `/v1/orders/${orderId}/answer`, { token: await token('operator'), body: { answer: '   ' } });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/^answer:/);
  });

  it('mergeTarget.responseCheck: merging into an order the read model does not have → 404, nothing changes', async () => {
    const orderId = await orderIn(temporal, api.prisma, 'placed');
    const { status } = await api.call('POST', `/v1/orders/${orderId}/merge`, { token: await token('dispatcher'), body: { intoOrderId: randomUUID() } });
    expect(status).toBe(404);
    const after = await api.call('POST', `/v1/orders/${orderId}/dispatch`, { token: await token('dispatcher'), body: { unitId: HOME_UNIT } });
    expect(after.status).toBe(200);
  });

  it('workflowScope.responseCheck: with no read-model row yet, the workflow itself refuses another unit’s handler → 403', async () => {
    const orderId = await orderIn(temporal, api.prisma, 'dispatched', { readRow: false });
    const { status, body } = await api.call('POST', `/v1/orders/${orderId}/accept`, { token: await token('other-unit handler'), body: {} });
    expect(status).toBe(403);
    expect(body.error.code).toBe('out_of_scope');
    expect((await api.call('POST', `/v1/orders/${orderId}/accept`, { token: await token('own-unit handler'), body: {} })).status).toBe(200);
  });

  it('finished.responseCheck: an order whose workflow has ended → 409 with the domain’s reason, even before the read model knows', async () => {
    const orderId = await orderIn(temporal, api.prisma, 'placed');
    expect((await api.call('POST', `/v1/orders/${orderId}/invalidate`, { token: await token('operator'), body: { reason: '重复来电' } })).status).toBe(200);
    // The stand-in finishes on a final status: wait for Temporal to say so.
    const handle = temporal.client.workflow.getHandle(workflowIdFor(orderId));
    await eventually('the invalidated order’s workflow to finish', async () => (await handle.describe()).status.name === 'COMPLETED');
    // No projector runs here: the row still says placed, so the answer comes from the completed
    // run's last state (lateActions.ts); test/e2e/lateActions.test.ts covers the read-model way.
    const { status, body } = await api.call('POST', `/v1/orders/${orderId}/dispatch`, { token: await token('dispatcher'), body: { unitId: HOME_UNIT } });
    expect([status, body.error]).toEqual([409, { code: 'illegal_transition', message: 'cannot dispatch: order is marked invalid' }]);
  });
});

interface ReadCase {
  method: 'GET' | 'POST' | 'PATCH';
  path: (ctx: { orderId: string }) => string;
  label: string;
  may: Who[];
  body?: () => object;
  okStatus?: number;
}

const EVERY_STAFF: Who[] = PRINCIPALS.map((p) => p.name);
const READ_CASES: ReadCase[] = [
  { method: 'GET', label: '/v1/me', path: () => '/v1/me', may: EVERY_STAFF },
  { method: 'GET', label: '/v1/queues/triage', path: () => '/v1/queues/triage', may: ['operator', 'dispatcher', 'supervisor'] },
  { method: 'GET', label: '/v1/queues/unit?unitId=<own unit>', path: () => `/v1/queues/unit?unitId=${HOME_UNIT}`, may: ['own-unit handler', 'dispatcher', 'supervisor'] },
  { method: 'GET', label: '/v1/orders/:id', path: ({ orderId }) => `/v1/orders/${orderId}`, may: EVERY_STAFF.filter((w) => w !== 'other-unit handler') },
  { method: 'GET', label: '/v1/orders/:id/timeline', path: ({ orderId }) => `/v1/orders/${orderId}/timeline`, may: EVERY_STAFF.filter((w) => w !== 'other-unit handler') },
  { method: 'GET', label: '/v1/supervision/overdue', path: () => '/v1/supervision/overdue', may: ['supervisor', 'evaluator'] },
  { method: 'GET', label: '/v1/supervision/escalated', path: () => '/v1/supervision/escalated', may: ['supervisor', 'evaluator'] },
  { method: 'GET', label: '/v1/supervision/bounced', path: () => '/v1/supervision/bounced', may: ['supervisor', 'evaluator'] },
  { method: 'GET', label: '/v1/units', path: () => '/v1/units', may: EVERY_STAFF },
  { method: 'GET', label: '/v1/categories', path: () => '/v1/categories', may: EVERY_STAFF },
  { method: 'GET', label: '/v1/users', path: () => '/v1/users', may: ['admin'] },
  {
    method: 'POST',
    label: '/v1/units',
    path: () => '/v1/units',
    body: () => ({ id: `test-${randomUUID().slice(0, 8)}`, name: '测试社区', kind: 'community', level: 'community', parentId: 'guanyinqiao' }),
    may: ['admin'],
    okStatus: 201,
  },
  { method: 'PATCH', label: '/v1/units/:id', path: () => '/v1/units/xinan', body: () => ({ name: '西南村社区' }), may: ['admin'] },
  {
    method: 'POST',
    label: '/v1/categories',
    path: () => '/v1/categories',
    body: () => ({ code: `test-${randomUUID().slice(0, 8)}`, name: '测试类别', responsible: { district: 'trade-union' } }),
    may: ['admin'],
    okStatus: 201,
  },
  { method: 'PATCH', label: '/v1/categories/:code', path: () => '/v1/categories/legal-advice', body: () => ({ description: '免费法律咨询与法律援助' }), may: ['admin'] },
  {
    method: 'POST',
    label: '/v1/users',
    path: () => '/v1/users',
    body: () => ({ username: `t-${randomUUID().slice(0, 8)}`, password: 'a-long-enough-password', role: 'unit_handler', unitId: 'xinan', displayName: '测试' }),
    may: ['admin'],
    okStatus: 201,
  },
];

describe.each(READ_CASES)('$method $label', (c) => {
  let orderId: string;
  beforeAll(async () => {
    orderId = await orderIn(temporal, api.prisma, 'dispatched');
  });
  test.each(PRINCIPALS.map((p) => [p.name, c.may.includes(p.name) ? (c.okStatus ?? 200) : 403] as const))('%s → %i', async (who, expected) => {
    const { status, body } = await api.call(c.method, c.path({ orderId }), { token: await token(who), ...(c.body ? { body: c.body() } : {}) });
    expect({ status, error: body.error }).toMatchObject({ status: expected });
  });
  test('no token → 401', async () => {
    expect((await api.call(c.method, c.path({ orderId }), c.body ? { body: c.body() } : {})).status).toBe(401);
  });
});

describe('GET /v1/feed', () => {
  const feedCases = PRINCIPALS.map((p) => [p.name, p.name === 'admin' ? 403 : 200] as const);
  test.each(feedCases)('%s → %i', async (who, expected) => {
    const controller = new AbortController();
    const response = await fetch(`${api.baseUrl}/v1/feed`, { headers: { authorization: `Bearer ${await token(who)}` }, signal: controller.signal });
    expect(response.status).toBe(expected);
    if (expected === 200) expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });
  test('no token → 401', async () => {
    expect((await fetch(`${api.baseUrl}/v1/feed`)).status).toBe(401);
  });
});
