// The holiday calendar an administrator keeps (docs/lifecycle.md, "The calendar"): seeded from
// chinese-days as dispatch does at start-up, edited through the staff API (admin only, complete
// years only, every save a version with who made it), read by the worker's deadline activity, and
// the warnings — /readyz and the API — while next year is missing. The year entered here is a
// synthetic one (2031): no registry package carries a published 2027 schedule yet.
import { randomUUID } from 'node:crypto';
import { buildUnitTree, decide, lifecycleEventId, missingNextYear, placeOrder, stampEvents, type LifecycleEvent, type ScheduleDay } from '@diandan/domain';
import { seedHolidaySchedules } from '@diandan/platform';
import { createActivities } from '@diandan/workflows';
import { DEMO_UNITS } from '../../../infra/seed/district';
import { projectEvent } from '../src/projector';
import { startApi, startFixtureWorker, type ApiHarness, type TemporalFixture } from '@diandan/testkit/dispatch';

const days = (name: ScheduleDay['name'], ...dates: string[]): ScheduleDay[] => dates.map((date) => ({ date, name }));
const SYNTHETIC_2031 = {
  holidays: [
    ...days('元旦', '2031-01-01'),
    ...days('春节', '2031-01-22', '2031-01-23', '2031-01-24', '2031-01-25', '2031-01-26', '2031-01-27', '2031-01-28', '2031-01-29'),
    ...days('清明节', '2031-04-05'),
    ...days('劳动节', '2031-05-01', '2031-05-02', '2031-05-03', '2031-05-04', '2031-05-05'),
    ...days('端午节', '2031-06-24'),
    ...days('国庆节', '2031-10-01', '2031-10-02', '2031-10-03', '2031-10-06', '2031-10-07'),
    ...days('中秋节', '2031-10-04', '2031-10-05'),
  ],
  workdays: days('春节', '2031-01-19', '2031-02-08'),
};

let temporal: TemporalFixture;
let api: ApiHarness;
let admin: string;
let dispatcher: string;
beforeAll(async () => {
  temporal = await startFixtureWorker();
  api = await startApi(temporal.client);
  // What services/dispatch does at start-up (idempotent: a second call enters nothing).
  await seedHolidaySchedules(api.prisma);
  expect(await seedHolidaySchedules(api.prisma)).toEqual([]);
  admin = await api.login('admin');
  dispatcher = await api.login('dispatcher');
}, 120_000);
afterAll(async () => {
  await api?.close();
  await temporal?.close();
});

describe('the holiday calendar', () => {
  it('calendar.seedCheck: the years chinese-days carries are in force as version 1; the next-year warning follows the rule', async () => {
    const listed = await api.call('GET', '/v1/calendar', { token: dispatcher });
    expect(listed.status).toBe(200);
    const years = listed.body.years as Array<{ year: number; version: number; source: string; changedBy: string; holidays: number }>;
    expect(years.find((y) => y.year === 2026)).toMatchObject({ version: 1, source: 'chinese-days@1.5.7', changedBy: 'seed' });
    const expected = missingNextYear(new Date(), new Set(years.map((y) => y.year)));
    expect(listed.body.warning).toEqual(expected);
    const ready = await fetch(`${api.baseUrl}/readyz`);
    const readiness = (await ready.json()) as { warnings?: string[] };
    expect(readiness.warnings).toEqual(expected ? [expected.message] : undefined);
    const y2026 = await api.call('GET', '/v1/calendar/2026', { token: dispatcher });
    expect(y2026.body.holidays).toContainEqual({ date: '2026-02-17', name: '春节' });
    expect(y2026.body.workdays).toContainEqual({ date: '2026-02-28', name: '春节' });
  });

  it('calendar.validationCheck: an incomplete year is refused with every problem named, and nothing is stored', async () => {
    const incomplete = { holidays: SYNTHETIC_2031.holidays.filter((d) => d.name !== '清明节' && d.date !== '2031-05-01'), workdays: [...SYNTHETIC_2031.workdays, ...days('春节', '2031-01-21')] };
    const refused = await api.call('PUT', '/v1/calendar/2031', { token: admin, body: incomplete });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('incomplete_schedule');
    expect(refused.body.error.details.problems).toEqual(
      expect.arrayContaining(['2031-05-01: must be a holiday', '清明节: no holiday listed', '2031-01-21: a make-up working day must be a Saturday or Sunday']),
    );
    expect((await api.call('PUT', '/v1/calendar/2031', { token: admin, body: { holidays: [{ date: '2031-01-01', name: 'Christmas' }], workdays: [] } })).status).toBe(400);
    expect((await api.call('GET', '/v1/calendar/2031', { token: admin })).status).toBe(404);
  });

  it('calendar.adminOnlyCheck: only an administrator enters a year', async () => {
    expect((await api.call('PUT', '/v1/calendar/2031', { token: dispatcher, body: SYNTHETIC_2031 })).status).toBe(403);
  });

  it('calendar.versionCheck: every save is a version with who changed what; the newest is in force', async () => {
    const first = await api.call('PUT', '/v1/calendar/2031', { token: admin, body: { ...SYNTHETIC_2031, note: '国办发明电（合成的测试年份）' } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ year: 2031, version: 1, source: 'staff' });
    const corrected = { ...SYNTHETIC_2031, workdays: days('春节', '2031-01-19', '2031-02-09'), note: '更正：2月9日（星期日）上班' };
    const second = await api.call('PUT', '/v1/calendar/2031', { token: admin, body: corrected });
    expect(second.status).toBe(200);
    const shown = await api.call('GET', '/v1/calendar/2031', { token: dispatcher });
    expect(shown.body).toMatchObject({ version: 2, note: '更正：2月9日（星期日）上班', workdays: corrected.workdays });
    expect(shown.body.changedBy).toBe(first.body.changedBy);
    expect(shown.body.history).toEqual([expect.objectContaining({ version: 1, note: '国办发明电（合成的测试年份）', changedBy: first.body.changedBy })]);
  });

  it('calendar.deadlineCheck: the worker counts deadlines on the schedule in force, and flags a year without one', async () => {
    const activities = createActivities({ prisma: api.prisma, producer: undefined as never, lifecycleTopic: 'unused', cacheTtlMs: 0 });
    // Five working days from Tuesday 2031-01-21 09:00: the Spring Festival week is off → Tuesday 4 February, end of day.
    const springFestival = await activities.computeDeadline({ priority: 'normal', level: 'community', stage: 'resolve', from: '2031-01-21T01:00:00.000Z' });
    expect(springFestival.dueAt).toBe(new Date('2031-02-04T17:30:00+08:00').toISOString());
    expect(springFestival.unscheduledYears).toBeUndefined();
    expect(springFestival.calendarVersion).toContain('2031.2');
    // 2030 has no schedule: counted Monday–Friday and flagged.
    const unknown = await activities.computeDeadline({ priority: 'normal', level: 'community', stage: 'resolve', from: '2030-03-04T01:00:00.000Z' });
    expect(unknown.unscheduledYears).toEqual([2030]);
  });

  it('calendar.flagCheck: a deadline flagged as reaching into an unscheduled year is flagged on the order', async () => {
    const orderId = randomUUID();
    const placedAt = new Date('2030-12-20T01:00:00Z');
    const placed: LifecycleEvent = {
      eventId: lifecycleEventId(orderId, 1),
      orderId,
      seq: 1,
      type: 'order.placed',
      at: placedAt.toISOString(),
      actor: { role: 'resident' },
      status: 'placed',
      data: { trackingCode: 'DD-CAL1-TEST', channel: 'web', priority: 'normal', placedAt: placedAt.toISOString(), categoryCode: 'train-tickets' },
      deadline: { stage: 'triage', dueAt: '2030-12-20T03:00:00.000Z', warnAt: '2030-12-20T02:36:00.000Z', overdue: false, unscheduled: true },
    };
    const decision = decide(placeOrder({ orderId, priority: 'normal', categoryCode: 'train-tickets' }), { type: 'dispatch', unitId: 'jianxin-north' }, { role: 'dispatcher', id: 'd1' }, { units: buildUnitTree(DEMO_UNITS) });
    if (!decision.ok) throw new Error(decision.error.reason);
    const [dispatched] = stampEvents(decision.value.events, { orderId, nextSeq: 2, at: new Date(placedAt.getTime() + 3_600_000), actor: { role: 'dispatcher', id: 'd1' } });
    await projectEvent(api.prisma, placed);
    expect((await api.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).deadlineUnscheduled).toBe(true);
    const flaggedView = await api.call('GET', `/v1/orders/${orderId}`, { token: dispatcher });
    expect(flaggedView.body.order?.deadlineUnscheduled ?? flaggedView.body.deadlineUnscheduled).toBe(true);
    // The next clock is counted on a known year: the flag goes.
    await projectEvent(api.prisma, { ...dispatched!, deadline: { stage: 'accept', dueAt: '2030-12-20T06:00:00.000Z', warnAt: '2030-12-20T05:12:00.000Z', overdue: false } });
    expect((await api.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).deadlineUnscheduled).toBe(false);
  });
});
