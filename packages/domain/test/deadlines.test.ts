import {
  createWorkingCalendar,
  DEFAULT_DEADLINE_POLICY,
  deadlinePolicySchema,
  stageDeadline,
  stageSpan,
  type DeadlinePolicy,
} from '../src';
import { at } from './fixtures';

const calendar = createWorkingCalendar();
const policy = DEFAULT_DEADLINE_POLICY;

describe('default deadline policy (design §3)', () => {
  test.each([
    ['triage', null, 120],
    ['accept', 'community', 240],
    ['opinion', 'street', 420],
    ['resolve', 'community', 5 * 420],
    ['resolve', 'street', 10 * 420],
    ['resolve', 'district', 15 * 420],
  ] as const)('%s at %s level takes %d working minutes', (stage, level, minutes) => {
    expect(stageSpan(policy, undefined, 'normal', level, stage, calendar)).toEqual({ minutes, calendar: false });
  });

  test('the rating window is 7 calendar days', () => {
    expect(stageSpan(policy, undefined, 'normal', 'street', 'rating', calendar)).toEqual({ minutes: 7 * 24 * 60, calendar: true });
  });

  test('is valid against its own schema', () => {
    expect(deadlinePolicySchema.safeParse(policy).success).toBe(true);
  });
});

describe('stageDeadline', () => {
  test('triage: 2 working hours, urged at 80 %', () => {
    expect(stageDeadline(policy, undefined, 'normal', null, 'triage', at('2025-03-03 10:00'), calendar)).toEqual({
      dueAt: at('2025-03-03 12:00'),
      warnAt: at('2025-03-03 11:36'),
    });
  });

  test('accept: 4 working hours run over lunch and the night', () => {
    expect(stageDeadline(policy, undefined, 'normal', 'community', 'accept', at('2025-03-03 16:00'), calendar).dueAt).toEqual(
      at('2025-03-04 11:30'),
    );
  });

  test('resolve at street level: 10 working days, across Spring Festival 2026', () => {
    // From Thu Feb 12 10:00: 13, 14 (make-up), 24–27, 28 (make-up), Mar 2, 3, and Mar 4 until 10:00.
    const { dueAt, warnAt } = stageDeadline(policy, undefined, 'normal', 'street', 'resolve', at('2026-02-12 10:00'), calendar);
    expect(dueAt).toEqual(at('2026-03-04 10:00'));
    expect(calendar.workingTimeBetween(at('2026-02-12 10:00'), warnAt)).toBe(8 * 420);
  });

  test('urgent orders get half the working time', () => {
    expect(stageSpan(policy, undefined, 'urgent', 'community', 'accept', calendar).minutes).toBe(120);
    expect(stageDeadline(policy, undefined, 'urgent', 'community', 'accept', at('2025-03-03 09:00'), calendar).dueAt).toEqual(
      at('2025-03-03 11:00'),
    );
  });

  test("urgency never shortens the resident's rating window", () => {
    const { dueAt, warnAt } = stageDeadline(policy, undefined, 'urgent', 'community', 'rating', at('2026-02-13 16:00'), calendar);
    expect(dueAt).toEqual(at('2026-02-20 16:00'));
    expect(warnAt).toEqual(new Date(at('2026-02-13 16:00').getTime() + 0.8 * 7 * 86_400_000));
  });

  test('follows the calendar’s working-day length', () => {
    const long = createWorkingCalendar({ officeHours: [{ start: '08:00', end: '18:00' }] });
    expect(stageSpan(policy, undefined, 'normal', 'street', 'opinion', long).minutes).toBe(600);
  });
});

describe('per-category rules', () => {
  const tuned: DeadlinePolicy = {
    ...policy,
    categories: {
      tickets: {
        normal: {
          resolve: {
            community: { amount: 3, unit: 'working_day' },
            street: { amount: 4, unit: 'working_day' },
            district: { amount: 6, unit: 'working_day' },
          },
        },
        urgent: { accept: { amount: 30, unit: 'working_minute' } },
      },
    },
  };

  test('a category replaces the default for its stage', () => {
    expect(stageSpan(tuned, 'tickets', 'normal', 'community', 'resolve', calendar).minutes).toBe(3 * 420);
    expect(stageSpan(tuned, 'tickets', 'normal', 'community', 'accept', calendar).minutes).toBe(240);
  });

  test('its own urgent rule is taken as is; otherwise the urgent factor applies to its normal rule', () => {
    expect(stageSpan(tuned, 'tickets', 'urgent', 'community', 'accept', calendar).minutes).toBe(30);
    expect(stageSpan(tuned, 'tickets', 'urgent', 'street', 'resolve', calendar).minutes).toBe(2 * 420);
  });

  test('unknown categories use the defaults', () => {
    expect(stageSpan(tuned, 'no-such-category', 'normal', 'district', 'resolve', calendar).minutes).toBe(15 * 420);
  });
});

describe('deadlinePolicySchema', () => {
  test('rejects a non-positive duration, an unknown unit and a warning at 100 %', () => {
    const bad = (patch: object) => deadlinePolicySchema.safeParse({ ...policy, ...patch }).success;
    expect(bad({ stages: { ...policy.stages, triage: { amount: 0, unit: 'working_hour' } } })).toBe(false);
    expect(bad({ stages: { ...policy.stages, triage: { amount: 2, unit: 'fortnight' } } })).toBe(false);
    expect(bad({ warnAtFraction: 1 })).toBe(false);
  });

  test('accepts a policy stored as JSON', () => {
    expect(deadlinePolicySchema.parse(JSON.parse(JSON.stringify(policy)))).toEqual(policy);
  });
});
