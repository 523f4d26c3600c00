import { createWorkingCalendar, isOverdue, stageClock } from '../src';
import { at } from './fixtures';

// Monday–Friday only, so the test does not depend on the holiday data.
const calendar = createWorkingCalendar({ isWorkday: (date) => ![0, 6].includes(new Date(`${date}T12:00:00+08:00`).getUTCDay()) });

describe('stageClock', () => {
  it('clock.workingCheck: a unit’s stage counts office minutes, over lunch and the weekend', () => {
    // Friday 16:30 → Monday 10:00: 60 min on Friday + 60 min on Monday.
    const clock = stageClock('dispatched', at('2026-03-09 10:00'), at('2026-03-06 16:30'), calendar);
    expect(clock).toEqual({ stage: 'accept', dueAt: at('2026-03-09 10:00').toISOString(), remainingMinutes: 120, calendar: false, overdue: false });
    expect(stageClock('in_progress', at('2026-03-06 14:00'), at('2026-03-06 11:00'), calendar)?.remainingMinutes).toBe(90);
  });

  it('clock.overdueCheck: past the deadline the minutes are negative, never positive', () => {
    const clock = stageClock('accepted', at('2026-03-06 10:00'), at('2026-03-06 11:00'), calendar);
    expect(clock).toMatchObject({ stage: 'opinion', remainingMinutes: -60, overdue: true });
    // Saturday: no office minute has passed since Friday 17:30, but the deadline has.
    expect(stageClock('accepted', at('2026-03-06 17:30'), at('2026-03-07 10:00'), calendar)).toMatchObject({ remainingMinutes: 0, overdue: true });
  });

  it('clock.ratingCheck: the resident’s rating window counts calendar minutes; no clock without a stage', () => {
    expect(stageClock('awaiting_rating', at('2026-03-08 10:00'), at('2026-03-07 10:00'), calendar)).toMatchObject({ stage: 'rating', remainingMinutes: 1440, calendar: true });
    expect(stageClock('closed', at('2026-03-08 10:00'), at('2026-03-07 10:00'), calendar)).toBeNull();
    expect(stageClock('dispatched', null, at('2026-03-07 10:00'), calendar)).toBeNull();
  });
});

describe('isOverdue (the one definition)', () => {
  const now = new Date('2026-12-01T10:00:00+08:00');
  it.each([
    ['the workflow said so, whatever the deadline', { overdue: true, deadlineAt: new Date('2026-12-02T10:00:00+08:00') }, true],
    ['the deadline is exactly now', { overdue: false, deadlineAt: now }, true],
    ['the deadline passed, the timer not yet fired', { overdue: false, deadlineAt: new Date(now.getTime() - 1) }, true],
    ['the deadline is ahead', { overdue: false, deadlineAt: new Date(now.getTime() + 1) }, false],
    ['no clock runs', { overdue: false, deadlineAt: null }, false],
  ])('%s', (_what, order, expected) => {
    expect(isOverdue(order, now)).toBe(expected);
  });
});
