import {
  createWorkingCalendar,
  CYCLE_BOUNDARIES,
  CYCLE_EVENT_TYPES,
  cycleEventId,
  cycleEventSchema,
  cycleIdFor,
  cycleStateAt,
  cycleStatesBetween,
  defaultCycleDates,
  firstWorkingStartOnOrAfter,
  isEvaluationOpen,
  mayInCycle,
  moveCycleDate,
  nextCycleBoundary,
  type Actor,
  type CycleDates,
} from '../src';

const calendar = createWorkingCalendar();
const admin: Actor = { role: 'admin', id: 'admin' };
const dates2026: CycleDates = defaultCycleDates(2026, calendar);

describe('default dates', () => {
  test('defaultDates.onWorkingDays: each phase opens at 09:00 China time on the first working day on or after its anchor', () => {
    expect(dates2026).toEqual({
      // 2026-01-01 is 元旦 (1–3 January off); Sunday 4 January is a make-up working day (调休).
      solicitation: '2026-01-04T01:00:00.000Z',
      selection: '2026-03-02T01:00:00.000Z', // 1 March is a Sunday
      publication: '2026-04-01T01:00:00.000Z',
      implementation: '2026-04-15T01:00:00.000Z',
      midyear_review: '2026-07-01T01:00:00.000Z',
      evaluation: '2026-11-16T01:00:00.000Z',
      report: '2026-12-21T01:00:00.000Z',
      closed: expect.stringMatching(/^2027-01-0\dT01:00:00.000Z$/),
    });
  });

  test('firstWorkingStart skips National Day', () => {
    expect(firstWorkingStartOnOrAfter('2026-10-01', calendar).toISOString()).toBe('2026-10-08T01:00:00.000Z');
  });

  test('cycle ids and event ids', () => {
    expect(cycleIdFor('district-federation', 2026)).toBe('cycle-district-federation-2026');
    expect(cycleEventId('cycle-district-federation-2026', 4)).toBe('cycle-district-federation-2026#4');
  });
});

describe('phase at an instant', () => {
  test.each([
    ['2025-12-31T00:00:00Z', 'planned'],
    ['2026-01-04T01:00:00Z', 'solicitation'],
    ['2026-03-02T00:59:59Z', 'solicitation'],
    ['2026-03-02T01:00:00Z', 'selection'],
    ['2026-05-20T00:00:00Z', 'implementation'],
    ['2026-08-01T00:00:00Z', 'midyear_review'],
    ['2026-11-20T00:00:00Z', 'evaluation'],
    ['2026-12-25T00:00:00Z', 'report'],
    ['2027-02-01T00:00:00Z', 'closed'],
  ] as const)('phaseAt %s is %s', (at, state) => {
    expect(cycleStateAt(dates2026, new Date(at))).toBe(state);
  });

  test('next boundary and the states passed on the way', () => {
    expect(nextCycleBoundary(dates2026, new Date('2026-05-20T00:00:00Z'))).toEqual({ boundary: 'midyear_review', at: dates2026.midyear_review });
    expect(nextCycleBoundary(dates2026, new Date('2027-02-01T00:00:00Z'))).toBeNull();
    expect(cycleStatesBetween('selection', 'implementation')).toEqual(['publication', 'implementation']);
    expect(cycleStatesBetween('report', 'report')).toEqual([]);
  });

  test('evaluation is open only in its phase', () => {
    expect(['planned', 'implementation', 'evaluation', 'report', 'closed'].map((s) => isEvaluationOpen(s as never))).toEqual([false, false, true, false, false]);
  });
});

describe('what each phase allows', () => {
  test('phaseActions.proposalsOnlyInSolicitation', () => {
    expect(mayInCycle('solicitation', 'propose').ok).toBe(true);
    expect(mayInCycle('solicitation', 'support').ok).toBe(true);
    const late = mayInCycle('selection', 'support');
    expect(late).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'illegal_transition', reason: expect.stringContaining('solicitation (公开征集)'), detail: { command: 'support', status: 'selection' } }),
    });
  });

  test('phaseActions.scoresOnlyInEvaluation', () => {
    expect(mayInCycle('evaluation', 'score').ok).toBe(true);
    for (const state of ['implementation', 'midyear_review', 'report', 'closed'] as const) expect(mayInCycle(state, 'score').ok).toBe(false);
  });

  test('phaseActions.decisionsInSelection', () => {
    expect(mayInCycle('selection', 'decideProposal').ok).toBe(true);
    expect(mayInCycle('solicitation', 'decideProposal').ok).toBe(false);
    expect(mayInCycle('publication', 'createProject').ok).toBe(true);
  });
});

describe('moving a date', () => {
  const now = new Date('2026-02-10T00:00:00Z'); // in solicitation

  test('moveDate.future: moves the boundary, keeps the others', () => {
    const moved = moveCycleDate(dates2026, { boundary: 'selection', to: '2026-03-16T01:00:00Z', reason: '春节后延长征集两周' }, admin, now);
    expect(moved).toEqual({
      ok: true,
      value: { dates: { ...dates2026, selection: '2026-03-16T01:00:00.000Z' }, boundary: 'selection', from: dates2026.selection, to: '2026-03-16T01:00:00.000Z', reason: '春节后延长征集两周' },
    });
  });

  test.each<[string, Parameters<typeof moveCycleDate>[1], Actor, string]>([
    ['a dispatcher', { boundary: 'selection', to: '2026-03-16T01:00:00Z', reason: 'x' }, { role: 'dispatcher' }, 'forbidden'],
    ['no reason', { boundary: 'selection', to: '2026-03-16T01:00:00Z', reason: '  ' }, admin, 'invalid_input'],
    ['an unknown boundary', { boundary: 'lunch' as never, to: '2026-03-16T01:00:00Z', reason: 'x' }, admin, 'invalid_input'],
    ['not a date', { boundary: 'selection', to: 'soon', reason: 'x' }, admin, 'invalid_input'],
    ['a boundary already passed', { boundary: 'solicitation', to: '2026-02-20T01:00:00Z', reason: 'x' }, admin, 'illegal_transition'],
    ['a new date in the past', { boundary: 'selection', to: '2026-02-01T01:00:00Z', reason: 'x' }, admin, 'invalid_input'],
    ['past the next phase', { boundary: 'selection', to: '2026-04-02T01:00:00Z', reason: 'x' }, admin, 'invalid_input'],
    ['before the previous phase', { boundary: 'publication', to: dates2026.selection, reason: 'x' }, admin, 'invalid_input'],
  ])('moveDate.refuses %s', (_what, move, actor, code) => {
    const result = moveCycleDate(dates2026, move, actor, now);
    expect(result.ok ? null : result.error.code).toBe(code);
  });
});

describe('cycles.lifecycle contract', () => {
  const base = { cycleId: 'cycle-district-federation-2026', organisationId: 'district-federation', year: 2026, at: '2026-03-02T01:00:00.000Z', actor: { role: 'system' as const } };

  test('accepts each kind with its payload', () => {
    const events = [
      { ...base, seq: 1, eventId: `${base.cycleId}#1`, type: 'cycle.opened', state: 'planned', data: { dates: dates2026 } },
      { ...base, seq: 2, eventId: `${base.cycleId}#2`, type: 'cycle.phase_changed', state: 'selection', data: { from: 'solicitation', to: 'selection', trigger: 'date', scheduledAt: dates2026.selection } },
      { ...base, seq: 3, eventId: `${base.cycleId}#3`, type: 'cycle.date_moved', state: 'selection', actor: { role: 'admin', id: 'admin' }, data: { boundary: 'report', from: dates2026.report, to: '2026-12-22T01:00:00.000Z', reason: '专家组时间', dates: { ...dates2026, report: '2026-12-22T01:00:00.000Z' } } },
      { ...base, seq: 4, eventId: `${base.cycleId}#4`, type: 'cycle.proposal_decided', state: 'selection', data: { proposalId: 'p1', decision: 'declined', reason: '已纳入区级民生实事' } },
    ];
    expect(events.map((e) => cycleEventSchema.safeParse(e).success)).toEqual([true, true, true, true]);
    expect(CYCLE_EVENT_TYPES).toHaveLength(events.length);
  });

  test('refuses a wrong event id, dates out of order, a decision without reason', () => {
    const opened = { ...base, seq: 1, eventId: `${base.cycleId}#2`, type: 'cycle.opened', state: 'planned', data: { dates: dates2026 } };
    expect(cycleEventSchema.safeParse(opened).success).toBe(false);
    const disordered = { ...opened, eventId: `${base.cycleId}#1`, data: { dates: { ...dates2026, selection: dates2026.report } } };
    expect(cycleEventSchema.safeParse(disordered).success).toBe(false);
    const unreasoned = { ...base, seq: 1, eventId: `${base.cycleId}#1`, type: 'cycle.proposal_decided', state: 'selection', data: { proposalId: 'p1', decision: 'declined', reason: ' ' } };
    expect(cycleEventSchema.safeParse(unreasoned).success).toBe(false);
  });

  test('every boundary has a date in the contract', () => {
    expect(Object.keys(dates2026)).toEqual([...CYCLE_BOUNDARIES]);
  });
});
