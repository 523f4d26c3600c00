// The server side of the console (issue 9), driven through the real services: the resident's
// tracking story, urge and withdraw; the suggested unit; a street officer dispatching down what
// climbed to the street; the joint meeting's batch dispatch and day view; queue clocks, urge flags
// and counts. Every step goes through intake, the workflow, Kafka and the projector.
import { randomUUID } from 'node:crypto';
import { openapiDocument as intakeDocument } from '../../services/intake/src/openapi';
import { ratingOutcomeSchema, residentActionOutcomeSchema } from '../../services/feedback/src/openapi';
import { startPlatform, type Platform } from './platform';

let p: Platform;
beforeAll(async () => {
  p = await startPlatform('console-api');
}, 120_000);
afterAll(() => p?.close());

const track = (code: string, secret: string) => p.call(`${p.intake}/v1/orders/track/${code}`, 'GET', undefined, { 'x-order-secret': secret });
const resident = (code: string, secret: string | undefined, action: 'urge' | 'withdraw', body: unknown = {}) =>
  p.call(`${p.feedback}/v1/orders/track/${code}/${action}`, 'POST', body, secret === undefined ? {} : { 'x-order-secret': secret });
const eventCount = (orderId: string, type: string) => p.prisma.orderEvent.count({ where: { orderId, type } });
const untilEvent = (orderId: string, type: string, count = 1) =>
  p.eventually(async () => ((await eventCount(orderId, type)) >= count ? true : undefined), `${type} of ${orderId} in the read model`);

describe('resident: tracking that tells the story, urge and withdraw', () => {
  // SKIPPED at the wave-2 integration (2026-11-30): fails on the merged main, reason not yet found
  // (see the closing note of that session); re-enable when fixed.
  it('resident.storyCheck: from placing to a withdrawal after the street sent it down, told without staff notes', async () => {
    const { orderId, trackingCode, secret } = await p.place({
      content: '工地老板拖欠我们十二个人三个月工资，请帮忙协调',
      categoryCode: 'wage-arrears',
      location: { address: '观音桥街道建新北路社区 5 栋' },
      contact: { phone: '13800138000' },
    });

    const placed = await track(trackingCode, secret);
    expect(placed.status).toBe(200);
    const documented = (intakeDocument.components.schemas.TrackedOrder as { required: readonly string[] }).required;
    expect(Object.keys(placed.body).sort()).toEqual([...documented].sort());
    expect(placed.body).toMatchObject({ status: 'placed', statusLabel: '待派单', unit: null, category: { code: 'wage-arrears', name: '欠薪求助' }, actions: { rate: false, urge: true, withdraw: true }, urged: false });

    // The dispatcher is offered the community the address names, with the reason, and the ladder above it.
    const dispatcher = await p.login('dispatcher');
    const suggestion = await p.call(`${p.dispatch}/v1/orders/${orderId}/suggestion`, 'GET', undefined, dispatcher);
    expect(suggestion.status).toBe(200);
    expect(suggestion.body.suggested).toMatchObject({ unitId: 'jianxin-north', level: 'community' });
    expect(suggestion.body.suggested.reason).toContain('建新北路社区');
    expect(suggestion.body.alternatives.map((a: { unitId: string }) => a.unitId)).toEqual(['guanyinqiao', 'hrss']);
    expect(suggestion.body.alternatives[1].reason).toBe('分类「欠薪求助」在区级由区人力资源和社会保障局负责');

    // 催办 by the resident: the secret in a header, once per stage; a retry changes nothing.
    expect((await resident(trackingCode, undefined, 'urge')).body.error.code).toBe('secret_required');
    expect((await resident(trackingCode, 'wrong-secret', 'urge')).status).toBe(404);
    const urged = await resident(trackingCode, secret, 'urge', { note: '工人们等着回家' });
    expect(urged.status).toBe(200);
    expect(residentActionOutcomeSchema.parse(urged.body)).toMatchObject({ action: 'urge', status: 'placed', repeated: false });
    const again = await resident(trackingCode, secret, 'urge');
    expect(again.body).toMatchObject({ repeated: true, message: '本阶段您已催办过，承办单位已收到提醒。' });
    await untilEvent(orderId, 'order.urged');
    expect(await eventCount(orderId, 'order.urged')).toBe(1);

    // The dispatcher's queue shows the urge, the clock and the counts.
    const triage = await p.call(`${p.dispatch}/v1/queues/triage?category=wage-arrears&limit=200`, 'GET', undefined, dispatcher);
    expect(triage.status).toBe(200);
    const item = triage.body.orders.find((o: { id: string }) => o.id === orderId);
    expect(item.urges).toMatchObject({ count: 1, byResident: true });
    expect(item.clock).toMatchObject({ stage: 'triage', calendar: false });
    expect(typeof item.clock.remainingMinutes).toBe('number');
    expect(triage.body.counts.byCategory).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'wage-arrears', name: '欠薪求助' })]));
    expect(triage.body.counts.total).toBeGreaterThanOrEqual(triage.body.total);

    const dispatched = await p.call(`${p.dispatch}/v1/orders/${orderId}/dispatch`, 'POST', { unitId: 'jianxin-north' }, dispatcher);
    expect(dispatched.status).toBe(200);
    const handler = await p.login('handler-jianxin');
    for (const [action, body] of [['accept', {}], ['opinion', { opinion: '社区已约谈项目负责人，三日内答复' }]] as const) {
      expect((await p.call(`${p.dispatch}/v1/orders/${orderId}/${action}`, 'POST', body, handler)).status).toBe(200);
    }
    await untilEvent(orderId, 'order.opinion_given');
    const working = await track(trackingCode, secret);
    expect(working.body).toMatchObject({
      status: 'in_progress',
      unit: { name: '建新北路社区', level: 'community' },
      opinion: { text: '社区已约谈项目负责人，三日内答复', unitName: '建新北路社区' },
      result: null,
      actions: { urge: true, withdraw: true, rate: false },
      urged: false,
    });

    // The community hands it up by hand; the street officer sees it climb, and why, and sends it down.
    expect((await p.call(`${p.dispatch}/v1/orders/${orderId}/escalate`, 'POST', { reason: '内部：需要街道劳动保障所协调' }, handler)).status).toBe(200);
    await untilEvent(orderId, 'order.escalated');
    const officer = await p.login('officer-guanyinqiao');
    const level = await p.call(`${p.dispatch}/v1/queues/level?limit=200`, 'GET', undefined, officer);
    expect(level.status).toBe(200);
    const climbed = level.body.orders.find((o: { id: string }) => o.id === orderId);
    expect(climbed).toMatchObject({ unitId: 'guanyinqiao', level: 'street', climb: { trigger: 'manual', by: 'unit_handler', reason: '内部：需要街道劳动保障所协调', fromUnitId: 'jianxin-north', fromUnitName: '建新北路社区' } });
    const officerSuggestion = await p.call(`${p.dispatch}/v1/orders/${orderId}/suggestion`, 'GET', undefined, officer);
    expect(officerSuggestion.body.suggested.unitId).toBe('jianxin-north');
    expect(officerSuggestion.body.alternatives.map((a: { unitId: string }) => a.unitId)).not.toContain('hrss');

    // Not outside the street; then down to another community of the street.
    const outside = await p.call(`${p.dispatch}/v1/orders/${orderId}/dispatch`, 'POST', { unitId: 'wulidian-community' }, officer);
    expect([outside.status, outside.body.error.code]).toEqual([403, 'out_of_scope']);
    const down = await p.call(`${p.dispatch}/v1/orders/${orderId}/dispatch`, 'POST', { unitId: 'xinan' }, officer);
    expect(down.status).toBe(200);
    expect(down.body.order).toMatchObject({ status: 'dispatched', unitId: 'xinan', level: 'community' });
    // Someone else's street cannot: the order is not within its branch.
    expect((await p.call(`${p.dispatch}/v1/queues/level`, 'GET', undefined, handler)).status).toBe(403);

    // 撤回: the resident withdraws; a retry answers the same, and nothing else happens.
    const withdrawn = await resident(trackingCode, secret, 'withdraw', { note: '老板已经结清了' });
    expect(residentActionOutcomeSchema.parse(withdrawn.body)).toMatchObject({ action: 'withdraw', status: 'withdrawn', repeated: false });
    expect((await resident(trackingCode, secret, 'withdraw')).body).toMatchObject({ status: 'withdrawn', repeated: true });
    const urgeLate = await resident(trackingCode, secret, 'urge');
    expect([urgeLate.status, urgeLate.body.error.code]).toEqual([409, 'not_urgeable']);
    expect(urgeLate.body.error.message).toContain('已撤回');
    await untilEvent(orderId, 'order.withdrawn');
    expect(await eventCount(orderId, 'order.withdrawn')).toBe(1);

    const story = await track(trackingCode, secret);
    expect(story.body).toMatchObject({ status: 'withdrawn', statusLabel: '已撤回', actions: { urge: false, withdraw: false, rate: false }, deadline: null });
    expect(story.body.timeline.map((e: { title: string }) => e.title)).toEqual([
      '诉求已提交',
      '您已催办',
      '已派往建新北路社区办理',
      '建新北路社区已签收',
      '承办单位给出初步意见',
      '已提交上级（观音桥街道）办理',
      '已派往西南村社区办理',
      '诉求已撤回',
    ]);
    const shown = JSON.stringify(story.body);
    for (const internal of ['内部', 'handler', 'dispatcher', 'officer', 'actor', '老板已经结清了', '13800138000']) expect(shown).not.toContain(internal);
  }, 180_000);

  // SKIPPED at the wave-2 integration (2026-11-30): fails on the merged main, reason not yet found
  // (see the closing note of that session); re-enable when fixed.
  it('resident.resultCheck: the result and the rating deadline are shown before the resident is asked to rate', async () => {
    const { orderId, trackingCode, secret } = await p.place({ content: '想给工地工友集中买返乡火车票', categoryCode: 'train-tickets', location: { address: '江北嘴' } });
    const dispatcher = await p.login('dispatcher');
    const handler = await p.login('handler-jianxin');
    expect((await p.call(`${p.dispatch}/v1/orders/${orderId}/dispatch`, 'POST', { unitId: 'jianxin-north' }, dispatcher)).status).toBe(200);
    for (const [action, body] of [['accept', {}], ['opinion', { opinion: '联系区总工会统一代购' }], ['resolve', { result: '已购得 32 张车票' }]] as const) {
      expect((await p.call(`${p.dispatch}/v1/orders/${orderId}/${action}`, 'POST', body, handler)).status).toBe(200);
    }
    const awaiting = await p.eventually(async () => {
      const answer = await track(trackingCode, secret);
      return answer.body.ratingDeadline ? answer : undefined;
    }, 'the rating deadline on tracking');
    expect(awaiting.body).toMatchObject({
      status: 'awaiting_rating',
      result: { text: '已购得 32 张车票', unitName: '建新北路社区' },
      opinion: { text: '联系区总工会统一代购' },
      actions: { rate: true, urge: false, withdraw: false },
      deadline: { stage: 'rating', overdue: false },
    });
    expect(Date.parse(awaiting.body.ratingDeadline) - Date.now()).toBeGreaterThan(6 * 24 * 3600_000);
    const rated = await p.call(`${p.feedback}/v1/orders/track/${trackingCode}/rating`, 'POST', { secret, rating: 'satisfied' });
    expect(ratingOutcomeSchema.parse(rated.body)).toMatchObject({ status: 'closed', reopened: false });
  }, 120_000);
});

describe('joint meeting: a day’s new orders and many dispatched at once', () => {
  // SKIPPED at the wave-2 integration (2026-11-30): fails on the merged main, reason not yet found
  // (see the closing note of that session); re-enable when fixed.
  it('jointMeeting.batchCheck: partial success per order; a retried batch repeats nothing', async () => {
    const first = await p.place({ content: '想报名四点半课堂', categoryCode: 'after-school', location: { address: '五里店社区' } });
    const second = await p.place({ content: '社区老人助餐点开在哪里', categoryCode: 'elderly-canteen' });
    const dispatcher = await p.login('dispatcher');
    const unknownOrder = randomUUID();
    const items = [
      { orderId: first.orderId, unitId: 'wulidian-community' },
      { orderId: second.orderId, unitId: 'no-such-unit' },
      { orderId: unknownOrder, unitId: 'jianxin-north' },
    ];
    const batch = await p.call(`${p.dispatch}/v1/joint-meeting/dispatch`, 'POST', { items }, dispatcher);
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ dispatched: 1, failed: 2 });
    expect(batch.body.results).toEqual([
      { orderId: first.orderId, ok: true, repeated: false, status: 'dispatched', unitId: 'wulidian-community' },
      { orderId: second.orderId, ok: false, error: expect.objectContaining({ status: 404, code: 'not_found' }) },
      { orderId: unknownOrder, ok: false, error: expect.objectContaining({ status: 404, code: 'not_found' }) },
    ]);
    const retried = await p.call(`${p.dispatch}/v1/joint-meeting/dispatch`, 'POST', { items: items.slice(0, 1) }, dispatcher);
    expect(retried.body.results[0]).toMatchObject({ ok: true, repeated: true });
    await untilEvent(first.orderId, 'order.dispatched');
    expect(await eventCount(first.orderId, 'order.dispatched')).toBe(1);

    // Input limits and roles.
    expect((await p.call(`${p.dispatch}/v1/joint-meeting/dispatch`, 'POST', { items: [items[0], items[0]] }, dispatcher)).status).toBe(400);
    expect((await p.call(`${p.dispatch}/v1/joint-meeting/dispatch`, 'POST', { items: [] }, dispatcher)).status).toBe(400);
    expect((await p.call(`${p.dispatch}/v1/joint-meeting/dispatch`, 'POST', { items }, await p.login('handler-jianxin'))).status).toBe(403);

    // Every suite places orders into the run's one database today: ask for the whole (bounded) day.
    const day = await p.call(`${p.dispatch}/v1/joint-meeting/day?limit=500`, 'GET', undefined, dispatcher);
    expect(day.status).toBe(200);
    const listed = day.body.orders.filter((o: { id: string }) => [first.orderId, second.orderId].includes(o.id));
    expect(listed).toHaveLength(2);
    const waiting = listed.find((o: { id: string }) => o.id === second.orderId);
    expect(waiting.suggestion.suggested).toMatchObject({ unitId: 'civil-affairs' });
    expect(listed.find((o: { id: string }) => o.id === first.orderId)).toMatchObject({ area: { id: 'wulidian', name: '五里店街道' }, suggestion: null });
    expect(day.body.counts.byCategory).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'after-school', name: '四点半课堂' })]));
    expect(day.body.counts.byArea).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'wulidian', name: '五里店街道' })]));
    expect((await p.call(`${p.dispatch}/v1/joint-meeting/day?date=2026-13-40`, 'GET', undefined, dispatcher)).status).toBe(400);
  }, 120_000);

  it('supervision.accountabilityCheck: the accountability list answers with unit and stage fields', async () => {
    const answer = await p.call(`${p.dispatch}/v1/supervision/accountability?stage=resolve`, 'GET', undefined, await p.login('supervisor'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ limit: 50, offset: 0 });
    expect(Array.isArray(answer.body.records)).toBe(true);
    expect((await p.call(`${p.dispatch}/v1/supervision/accountability`, 'GET', undefined, await p.login('dispatcher'))).status).toBe(403);
  });
});
