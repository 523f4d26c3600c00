// Supervisor views and queues over a read model filled by the projector (events made by hand).
import { randomUUID } from 'node:crypto';
import { lifecycleEventId, type LifecycleEvent } from '@diandan/domain';
import { projectEvent } from '../src/projector';
import { startApi, type ApiHarness, startFixtureWorker, type TemporalFixture } from '@diandan/testkit/dispatch';

const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 1, minutes)).toISOString();

function history(steps: [LifecycleEvent['type'], LifecycleEvent['status'], string | undefined, Record<string, unknown>?][]): LifecycleEvent[] {
  const orderId = randomUUID();
  return steps.map(([type, status, unitId, data], i) => ({
    eventId: lifecycleEventId(orderId, i + 1),
    orderId,
    seq: i + 1,
    type,
    at: at(i),
    actor: { role: 'system' },
    status,
    ...(unitId ? { unitId, level: unitId === 'guanyinqiao' ? ('street' as const) : ('community' as const) } : {}),
    data: type === 'order.placed' ? { trackingCode: `V-${orderId}`, channel: 'letter', content: '信箱来信', priority: 'normal', placedAt: at(0), address: '建新北路 2 号', secretHash: 'aa'.repeat(32), ...data } : (data ?? {}),
  }));
}

let temporal: TemporalFixture;
let api: ApiHarness;
const orders: Record<string, string> = {};
beforeAll(async () => {
  temporal = await startFixtureWorker();
  api = await startApi(temporal.client);
  const histories = {
    overdue: history([
      ['order.placed', 'placed', undefined],
      ['order.dispatched', 'dispatched', 'jianxin-north'],
      ['order.supervisor_alerted', 'dispatched', 'jianxin-north', { stage: 'accept', reason: 'deadline passed' }],
    ]),
    escalated: history([
      ['order.placed', 'placed', undefined],
      ['order.dispatched', 'dispatched', 'jianxin-north'],
      ['order.escalated', 'dispatched', 'guanyinqiao', { trigger: 'deadline', fromUnitId: 'jianxin-north' }],
    ]),
    bounced: history([
      ['order.placed', 'placed', undefined, { content: '我叫王小明，电话13812345678，楼下路灯坏了' }],
      ['order.dispatched', 'dispatched', 'xinan'],
      ['order.returned', 'placed', undefined, { reason: '联系人：李华 13900001111 说不归我们管', fromUnitId: 'xinan', bounces: 1 }],
    ]),
    buckPassing: history([
      ['order.placed', 'placed', undefined],
      ['order.dispatched', 'dispatched', 'xinan'],
      ['order.buck_passing_flagged', 'dispatched', 'xinan', { patterns: ['ping_pong'] }],
    ]),
  };
  for (const [name, events] of Object.entries(histories)) {
    orders[name] = events[0]!.orderId;
    for (const event of events) await projectEvent(api.prisma, event);
  }
}, 120_000);
afterAll(async () => {
  await api?.close();
  await temporal?.close();
});

const ids = (body: { orders: { id: string }[] }) => body.orders.map((o) => o.id);

describe('supervisor views', () => {
  it('overdue.responseCheck: lists the order whose deadline passed, not the others', async () => {
    const { body } = await api.call('GET', '/v1/supervision/overdue?limit=200', { token: await api.login('supervisor') });
    expect(ids(body)).toContain(orders.overdue);
    expect(ids(body)).not.toContain(orders.escalated);
  });

  it('escalated.responseCheck: lists the escalated order', async () => {
    const { body } = await api.call('GET', '/v1/supervision/escalated?limit=200', { token: await api.login('supervisor') });
    expect(ids(body)).toContain(orders.escalated);
    expect(ids(body)).not.toContain(orders.bounced);
  });

  it('bounced.responseCheck: lists returned and buck-passing orders', async () => {
    const { body } = await api.call('GET', '/v1/supervision/bounced?limit=200', { token: await api.login('supervisor') });
    expect(ids(body)).toEqual(expect.arrayContaining([orders.bounced, orders.buckPassing]));
    expect(ids(body)).not.toContain(orders.overdue);
  });

  it('timeline.responseCheck: any order’s full timeline in order, without the secret hash', async () => {
    const { status, body } = await api.call('GET', `/v1/orders/${orders.escalated}/timeline`, { token: await api.login('supervisor') });
    expect(status).toBe(200);
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['order.placed', 'order.dispatched', 'order.escalated']);
    expect(JSON.stringify(body)).not.toMatch(/secretHash/);
    expect(body.events[0].data.address).toBe('建新北路 2 号');
  });

  it('evaluator.anonymizedCheck: evaluators see views without addresses or secret hashes', async () => {
    const token = await api.login('evaluator');
    const view = await api.call('GET', '/v1/supervision/bounced?limit=200', { token });
    const timeline = await api.call('GET', `/v1/orders/${orders.bounced}/timeline`, { token });
    const detail = await api.call('GET', `/v1/orders/${orders.bounced}`, { token });
    const seen = JSON.stringify([view.body, timeline.body, detail.body]);
    expect(seen).not.toMatch(/建新北路|secretHash|address|trackingCode/);
    // Free text passes the one scrubber: no name or phone from the resident's or the unit's words.
    for (const personal of ['王小明', '13812345678', '李华', '13900001111']) expect(seen).not.toContain(personal);
    expect(detail.body.content).toContain('楼下路灯坏了');
    // A supervisor (not anonymized) reads the words as written.
    const supervisor = await api.call('GET', `/v1/orders/${orders.bounced}`, { token: await api.login('supervisor') });
    expect(supervisor.body.content).toContain('13812345678');
  });

  it('unitQueue.responseCheck: a unit handler’s queue holds the orders at its unit', async () => {
    const { body } = await api.call('GET', '/v1/queues/unit', { token: await api.login('handler-jianxin') });
    expect(ids(body)).toContain(orders.overdue);
    expect(ids(body)).not.toContain(orders.buckPassing);
  });

  it('unitQueue.withoutUnitCheck: a dispatcher without unitId sees the active orders of every unit', async () => {
    const { status, body } = await api.call('GET', '/v1/queues/unit?limit=200', { token: await api.login('dispatcher') });
    expect(status).toBe(200);
    expect(ids(body)).toContain(orders.overdue);
  });

  it('triage.responseCheck: the triage queue holds placed orders (a returned one is back in it)', async () => {
    const { body } = await api.call('GET', '/v1/queues/triage?limit=200', { token: await api.login('dispatcher') });
    expect(ids(body)).toContain(orders.bounced);
    expect(ids(body)).not.toContain(orders.escalated);
  });
});
