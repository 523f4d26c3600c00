// Projects (两个打包): the project's own rules, milestones in working time, the orders it takes
// over, and the monthly clustering — all pure.
import {
  textPairs,
  checkMilestonePlans,
  createWorkingCalendar,
  decide,
  decideProject,
  firstWorkingDayOfMonth,
  monthToBundle,
  nextMilestoneTimer,
  planMilestones,
  projectEscalationTarget,
  projectSearchValues,
  projectEventSchema,
  proposeBundles,
  type BundlingOrder,
  type ProjectSnapshot,
} from '../src';
import { actors, CONTEXT, dispatchedTo, inProgressAt, newOrder, TREE } from './fixtures';

const calendar = createWorkingCalendar();
// Monday 2026-03-02, 09:00 China time.
const START = new Date('2026-03-02T01:00:00Z');

const project = (overrides: Partial<ProjectSnapshot> = {}): ProjectSnapshot => ({
  projectId: 'p-1',
  status: 'active',
  ownerUnitId: 'comm-a1',
  origin: 'bundle',
  milestones: planMilestones(START, [
    { id: 'm1', name: '选址', workingDays: 5 },
    { id: 'm2', name: '开放服务点', workingDays: 10 },
  ], calendar),
  orderIds: ['o1', 'o2'],
  percent: 0,
  ...overrides,
});
const context = (now = START) => ({ units: TREE, now: now.toISOString() });

describe('milestones in working time', () => {
  test('due after N working days, warned at 80 % of the working time', () => {
    const [m1, m2] = project().milestones;
    // 5 working days from Monday 09:00: the following Monday 09:00 (or the Friday's close) in working time.
    expect(calendar.workingTimeBetween(START, new Date(m1!.dueAt))).toBe(5 * calendar.workingDayMinutes);
    expect(calendar.workingTimeBetween(START, new Date(m1!.warnAt))).toBe(4 * calendar.workingDayMinutes);
    expect(Date.parse(m2!.dueAt)).toBeGreaterThan(Date.parse(m1!.dueAt));
  });

  test('a plan is checked: at least one milestone, distinct ids, sane spans', () => {
    expect(checkMilestonePlans([])).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(checkMilestonePlans([{ id: 'a', name: 'x', workingDays: 1 }, { id: 'a', name: 'y', workingDays: 2 }])).toMatchObject({ ok: false });
    expect(checkMilestonePlans([{ id: 'a', name: 'x', workingDays: 0 }])).toMatchObject({ ok: false });
    expect(checkMilestonePlans([{ id: 'a', name: 'x', workingDays: 3 }])).toMatchObject({ ok: true });
  });

  test('timers: warning, then due, then escalation one level up; a stale timer changes nothing', () => {
    let p = project();
    expect(nextMilestoneTimer(p)).toMatchObject({ milestoneId: 'm1', phase: 'warn' });
    const warned = decideProject(p, { type: 'milestoneTimer', milestoneId: 'm1', phase: 'warn' }, actors.system, context());
    expect(warned).toMatchObject({ ok: true, value: { events: [{ type: 'project.milestone_warned' }] } });
    p = warned.ok ? warned.value.project : p;
    // m1's due (5 working days) comes before m2's warning (8).
    expect(nextMilestoneTimer(p)).toMatchObject({ milestoneId: 'm1', phase: 'due' });
    const missed = decideProject(p, { type: 'milestoneTimer', milestoneId: 'm1', phase: 'due' }, actors.system, context());
    expect(missed).toMatchObject({
      ok: true,
      value: { events: [{ type: 'project.milestone_missed', data: { milestoneId: 'm1', escalatedToUnitId: 'street-a', level: 'street', accountability: false } }] },
    });
    p = missed.ok ? missed.value.project : p;
    expect(decideProject(p, { type: 'milestoneTimer', milestoneId: 'm1', phase: 'due' }, actors.system, context())).toMatchObject({ ok: true, value: { events: [] } });
    const late = decideProject(p, { type: 'reachMilestone', milestoneId: 'm1' }, actors.handler('comm-a1'), context());
    expect(late).toMatchObject({ ok: true, value: { events: [{ type: 'project.milestone_reached', data: { late: true } }] } });
  });

  test('a district unit’s missed milestone is an accountability matter (nothing above it)', () => {
    expect(projectEscalationTarget(TREE, 'dept-civil')).toEqual({ unitId: null, level: 'district' });
    expect(projectEscalationTarget(TREE, 'street-b')).toEqual({ unitId: 'fed', level: 'district' });
  });
});

describe('project commands', () => {
  test('only the owning unit’s handlers and supervisors change a project; timers are the system’s', () => {
    const progress = { type: 'progress', note: '已选址', percent: 30 } as const;
    expect(decideProject(project(), progress, actors.handler('comm-a1'), context())).toMatchObject({ ok: true, value: { project: { percent: 30 } } });
    expect(decideProject(project(), progress, actors.supervisor, context())).toMatchObject({ ok: true });
    expect(decideProject(project(), progress, actors.handler('comm-a2'), context())).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(decideProject(project(), progress, actors.dispatcher, context())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(decideProject(project(), { type: 'milestoneTimer', milestoneId: 'm1', phase: 'warn' }, actors.supervisor, context())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  test('bad input is a clear rejection', () => {
    const handler = actors.handler('comm-a1');
    expect(decideProject(project(), { type: 'progress', note: ' ', percent: 10 }, handler, context())).toMatchObject({ ok: false, error: { code: 'invalid_input', reason: 'needs a note' } });
    expect(decideProject(project(), { type: 'progress', note: 'x', percent: 101 }, handler, context())).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(decideProject(project(), { type: 'reachMilestone', milestoneId: 'nope' }, handler, context())).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  test('completion needs every milestone reached, then takes nothing more', () => {
    const handler = actors.handler('comm-a1');
    expect(decideProject(project(), { type: 'complete', result: '服务点已开放' }, handler, context())).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
    let p = project();
    for (const id of ['m1', 'm2']) {
      const reached = decideProject(p, { type: 'reachMilestone', milestoneId: id }, handler, context());
      if (!reached.ok) throw new Error(reached.error.reason);
      p = reached.value.project;
    }
    const done = decideProject(p, { type: 'complete', result: '服务点已开放' }, handler, context());
    expect(done).toMatchObject({ ok: true, value: { project: { status: 'completed', percent: 100 }, events: [{ type: 'project.completed' }] } });
    if (!done.ok) return;
    expect(decideProject(done.value.project, { type: 'progress', note: 'x', percent: 1 }, handler, context())).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
  });
});

describe('what the Web UI lists a project by', () => {
  test('the next milestone still ahead is its deadline; a missed one makes it overdue; none ahead, no deadline', () => {
    const fresh = project();
    const [m1, m2] = fresh.milestones;
    expect(projectSearchValues(fresh)).toEqual({ status: 'active', unit: 'comm-a1', origin: 'bundle', deadline: m1!.dueAt, overdue: false });
    const missedFirst = project({ milestones: [{ ...m1!, state: 'missed' }, { ...m2!, state: 'warned' }] });
    expect(projectSearchValues(missedFirst)).toMatchObject({ deadline: m2!.dueAt, overdue: true });
    const allDone = project({ status: 'completed', milestones: [{ ...m1!, state: 'reached' }, { ...m2!, state: 'reached' }] });
    expect(projectSearchValues(allDone)).toMatchObject({ status: 'completed', deadline: null, overdue: false });
  });
});

describe('orders in a project', () => {
  const bundle = { type: 'bundle', projectId: 'p-1', unitId: 'comm-a2' } as const;

  test('the system bundles an open order: it moves to the project’s unit and no clock of its own runs', () => {
    for (const order of [newOrder(), dispatchedTo('comm-a1'), inProgressAt('comm-a1')]) {
      const result = decide(order, bundle, actors.system, CONTEXT);
      expect(result).toMatchObject({ ok: true, value: { order: { status: 'bundled', unitId: 'comm-a2', level: 'community', projectId: 'p-1' }, events: [{ type: 'order.bundled', data: { projectId: 'p-1', unitName: '东二社区' } }] } });
    }
    expect(decide(newOrder(), bundle, actors.dispatcher, CONTEXT)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  test('a bundled order is resolved by its project only; the resident still rates it', () => {
    const bundled = decide(newOrder(), bundle, actors.system, CONTEXT);
    if (!bundled.ok) throw new Error(bundled.error.reason);
    const order = bundled.value.order;
    expect(decide(order, { type: 'resolve', result: 'x' }, actors.handler('comm-a2'), CONTEXT)).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
    expect(decide(order, { type: 'resolve', result: 'x', projectId: 'p-2' }, actors.system, CONTEXT)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(decide(inProgressAt('comm-a1'), { type: 'resolve', result: 'x' }, actors.system, CONTEXT)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const resolved = decide(order, { type: 'resolve', result: '服务点已开放', projectId: 'p-1' }, actors.system, CONTEXT);
    expect(resolved).toMatchObject({ ok: true, value: { order: { status: 'awaiting_rating' }, events: [{ type: 'order.resolved', data: { projectId: 'p-1' } }] } });
    if (!resolved.ok) return;
    expect(decide(resolved.value.order, { type: 'rate', rating: 'satisfied' }, actors.resident, CONTEXT)).toMatchObject({ ok: true, value: { order: { status: 'closed' } } });
    expect(decide(order, bundle, actors.system, CONTEXT)).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
  });
});

describe('projects.lifecycle contract', () => {
  test('a project event parses; a wrong event id or an unknown type does not', () => {
    const event = {
      eventId: 'project-p-1#1', projectId: 'p-1', seq: 1, at: '2026-03-02T01:00:00.000Z', actor: { role: 'supervisor' }, status: 'active', ownerUnitId: 'comm-a1', percent: 0,
      type: 'project.progress_reported', data: { note: '已选址', percent: 30 },
    };
    expect(projectEventSchema.safeParse(event).success).toBe(true);
    expect(projectEventSchema.safeParse({ ...event, eventId: 'project-p-1#2' }).success).toBe(false);
    expect(projectEventSchema.safeParse({ ...event, type: 'project.exploded' }).success).toBe(false);
  });
});

describe('monthly bundling', () => {
  const order = (id: string, content: string, categoryCode = 'tickets', areaId = 'comm-a1', day = 3): BundlingOrder => ({
    id, categoryCode, areaId, content, placedAt: `2026-02-${String(day).padStart(2, '0')}T02:00:00.000Z`,
  });
  const tickets = ['希望帮忙代购返乡火车票', '代购春节返乡火车票，不会网上购票', '老人不会网上买火车票，希望代购返乡票', '能否帮忙代购火车票回老家', '想请社区代购春运火车票'];

  test('same category, area and similar text make one bundle, with a summary', () => {
    const orders = [...tickets.map((t, i) => order(`t${i}`, t, 'tickets', 'comm-a1', i + 1)), order('x1', '楼道灯坏了', 'tickets')];
    const bundles = proposeBundles(orders);
    expect(bundles).toHaveLength(1);
    expect(bundles[0]).toMatchObject({ categoryCode: 'tickets', areaId: 'comm-a1', orderIds: ['t0', 't1', 't2', 't3', 't4'] });
    expect(bundles[0]!.keywords).toContain('火车');
    expect(bundles[0]!.sample).toBe(tickets[0]);
  });

  test('with a segmenter the keywords are its words, shared by most orders, not character pairs', () => {
    const orders = tickets.map((t, i) => order(`t${i}`, t, 'tickets', 'comm-a1', i + 1));
    // A stand-in for jieba: the words of this small dictionary, wherever they occur.
    const dictionary = ['代购', '返乡', '火车票', '网上', '购票', '老人', 'x9'];
    const words = (text: string) => dictionary.filter((w) => text.includes(w));
    const [bundle] = proposeBundles(orders, {}, words);
    expect(bundle!.keywords).toEqual(['火车票', '代购', '返乡']); // most shared first; a tie goes to the longer word
  });

  test('another area, another category or too few similar orders make no bundle together', () => {
    const split = [...tickets.slice(0, 2).map((t, i) => order(`a${i}`, t)), ...tickets.slice(2).map((t, i) => order(`b${i}`, t, 'tickets', 'comm-b1'))];
    expect(proposeBundles(split).map((b) => b.areaId)).toEqual(['comm-b1']);
    expect(proposeBundles(tickets.slice(0, 4).map((t, i) => order(`c${i}`, t, i % 2 ? 'tickets' : 'elderly')))).toEqual([]);
  });

  test('deterministic whatever the input order, and character pairs ignore punctuation and filler', () => {
    const orders = tickets.map((t, i) => order(`t${i}`, t, 'tickets', 'comm-a1', i + 1));
    expect(proposeBundles([...orders].reverse())).toEqual(proposeBundles(orders));
    expect([...textPairs('希望，火车票！')]).toEqual(['望火', '火车', '车票']);
  });

  test('the first working day of a month knows the holidays, and the Schedule acts only then', () => {
    expect(firstWorkingDayOfMonth('2026-10', calendar)).toBe('2026-10-08');
    expect(firstWorkingDayOfMonth('2026-03', calendar)).toBe('2026-03-02');
    expect(monthToBundle(new Date('2026-03-02T01:00:00Z'), calendar)).toBe('2026-02');
    expect(monthToBundle(new Date('2026-03-03T01:00:00Z'), calendar)).toBeNull();
    expect(monthToBundle(new Date('2026-01-05T01:00:00Z'), calendar)).toBe(firstWorkingDayOfMonth('2026-01', calendar) === '2026-01-05' ? '2025-12' : null);
  });
});
