import { createWorkingCalendar } from '../src';
import { at } from './fixtures';

const calendar = createWorkingCalendar();
const add = (from: string, minutes: number) => calendar.addWorkingTime(at(from), minutes);

describe('working calendar: office hours', () => {
  test('a working day is 7 hours (09:00–12:00, 13:30–17:30)', () => {
    expect(calendar.workingDayMinutes).toBe(420);
  });

  test('adds within the morning', () => {
    expect(add('2025-03-03 10:00', 60)).toEqual(at('2025-03-03 11:00'));
  });

  test('skips the lunch break', () => {
    expect(add('2025-03-03 11:30', 60)).toEqual(at('2025-03-03 14:00'));
  });

  test('starting at lunch counts from 13:30', () => {
    expect(add('2025-03-03 12:30', 30)).toEqual(at('2025-03-03 14:00'));
  });

  test('starting before the office opens counts from 09:00', () => {
    expect(add('2025-03-03 07:00', 30)).toEqual(at('2025-03-03 09:30'));
  });

  test('ending exactly at noon stays at noon, not after lunch', () => {
    expect(add('2025-03-03 10:00', 120)).toEqual(at('2025-03-03 12:00'));
  });

  test('starting after hours on Friday continues on Monday', () => {
    expect(add('2025-03-07 18:00', 60)).toEqual(at('2025-03-10 10:00'));
  });

  test('starting on a weekend continues on Monday', () => {
    expect(add('2025-03-08 10:00', 60)).toEqual(at('2025-03-10 10:00'));
  });

  test('one working day from 10:00 is 10:00 the next working day', () => {
    expect(add('2025-03-03 10:00', 420)).toEqual(at('2025-03-04 10:00'));
    expect(add('2025-03-07 10:00', 420)).toEqual(at('2025-03-10 10:00'));
  });

  test('a full day from the close of business ends at the next close', () => {
    expect(add('2025-03-03 17:30', 420)).toEqual(at('2025-03-04 17:30'));
  });

  test('adding nothing returns the same instant, even outside hours', () => {
    expect(add('2025-03-08 03:00', 0)).toEqual(at('2025-03-08 03:00'));
  });

  test('negative or non-finite durations are refused', () => {
    expect(() => add('2025-03-03 10:00', -1)).toThrow(RangeError);
    expect(() => add('2025-03-03 10:00', Number.NaN)).toThrow(RangeError);
    expect(() => calendar.addWorkingTime(new Date('nonsense'), 1)).toThrow(RangeError);
  });
});

describe('working calendar: Spring Festival 2026 (Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked)', () => {
  test('the holiday data says so', () => {
    expect(calendar.isWorkingDay(at('2026-02-14 10:00'))).toBe(true);
    for (let day = 15; day <= 23; day += 1) expect(calendar.isWorkingDay(at(`2026-02-${day} 10:00`))).toBe(false);
    expect(calendar.isWorkingDay(at('2026-02-24 10:00'))).toBe(true);
    expect(calendar.isWorkingDay(at('2026-02-28 10:00'))).toBe(true);
    expect(calendar.isWorkingDay(at('2026-03-01 10:00'))).toBe(false);
  });

  test('Friday afternoon carries over into the make-up Saturday', () => {
    expect(add('2026-02-13 16:30', 120)).toEqual(at('2026-02-14 10:00'));
  });

  test('starting on the make-up Saturday works that Saturday', () => {
    expect(add('2026-02-14 10:00', 60)).toEqual(at('2026-02-14 11:00'));
  });

  test('the make-up Saturday evening jumps the whole holiday', () => {
    expect(add('2026-02-14 17:00', 60)).toEqual(at('2026-02-24 09:30'));
  });

  test('five working days across the holiday', () => {
    // Thu 12 (from 10:00), Fri 13, Sat 14, then Tue 24, Wed 25, Thu 26 until 10:00.
    expect(add('2026-02-12 10:00', 5 * 420)).toEqual(at('2026-02-26 10:00'));
  });

  test('the second make-up Saturday, Feb 28, is worked', () => {
    expect(add('2026-02-27 17:00', 60)).toEqual(at('2026-02-28 09:30'));
  });

  test('working time across the holiday counts only Feb 13 and 14', () => {
    expect(calendar.workingTimeBetween(at('2026-02-13 09:00'), at('2026-02-24 09:00'))).toBe(840);
  });
});

describe('working calendar: National Day 2026 (Oct 1–7 off, Sun Sep 20 and Sat Oct 10 worked; Mid-Autumn Sep 25–27 off)', () => {
  test('the make-up Sunday before the holiday is worked', () => {
    expect(add('2026-09-19 10:00', 60)).toEqual(at('2026-09-20 10:00'));
  });

  test('Mid-Autumn Festival is skipped', () => {
    expect(add('2026-09-24 17:00', 60)).toEqual(at('2026-09-28 09:30'));
  });

  test('the last day before the holiday continues on Oct 8', () => {
    expect(add('2026-09-30 16:00', 120)).toEqual(at('2026-10-08 09:30'));
  });

  test('the make-up Saturday after the holiday is worked', () => {
    expect(add('2026-10-09 17:00', 60)).toEqual(at('2026-10-10 09:30'));
  });
});

describe('working calendar: 2025', () => {
  test('Spring Festival: Jan 28 – Feb 4 off, Sun Jan 26 and Sat Feb 8 worked', () => {
    expect(add('2025-01-24 17:00', 60)).toEqual(at('2025-01-26 09:30'));
    expect(add('2025-01-27 17:00', 60)).toEqual(at('2025-02-05 09:30'));
    expect(add('2025-02-07 17:00', 60)).toEqual(at('2025-02-08 09:30'));
  });

  test('National Day and Mid-Autumn: Oct 1–8 off, Sat Oct 11 worked', () => {
    expect(add('2025-09-30 17:00', 60)).toEqual(at('2025-10-09 09:30'));
    expect(add('2025-10-10 17:00', 60)).toEqual(at('2025-10-11 09:30'));
  });

  test('2025 and 2026 each have 248 working days', () => {
    expect(calendar.workingTimeBetween(at('2025-01-01 00:00'), at('2026-01-01 00:00'))).toBe(248 * 420);
    expect(calendar.workingTimeBetween(at('2026-01-01 00:00'), at('2027-01-01 00:00'))).toBe(248 * 420);
  });

  test('a year of working time is added in whole-day steps, quickly', () => {
    const started = performance.now();
    const end = add('2025-01-02 09:00', 250 * 420);
    expect(performance.now() - started).toBeLessThan(200);
    expect(calendar.workingTimeBetween(at('2025-01-02 09:00'), end)).toBe(250 * 420);
  });
});

describe('workingTimeBetween', () => {
  test('Friday 17:00 to Monday 10:00 is an hour and a half', () => {
    expect(calendar.workingTimeBetween(at('2025-03-07 17:00'), at('2025-03-10 10:00'))).toBe(90);
  });

  test('within one day it leaves out lunch', () => {
    expect(calendar.workingTimeBetween(at('2025-03-03 11:00'), at('2025-03-03 14:30'))).toBe(120);
  });

  test('is negative when the end comes first', () => {
    expect(calendar.workingTimeBetween(at('2025-03-03 14:30'), at('2025-03-03 11:00'))).toBe(-120);
  });

  test('is zero over a weekend', () => {
    expect(calendar.workingTimeBetween(at('2025-03-08 08:00'), at('2025-03-09 20:00'))).toBe(0);
  });

  test.each([
    ['2025-03-03 07:15', 1],
    ['2025-03-03 11:59', 2],
    ['2025-03-07 16:00', 600],
    ['2026-02-13 12:45', 3000],
    ['2026-09-30 08:00', 4321],
    ['2025-01-27 13:30', 9999],
  ])('inverts addWorkingTime from %s plus %d minutes', (from, minutes) => {
    expect(calendar.workingTimeBetween(at(from), add(from, minutes))).toBe(minutes);
  });
});

describe('time zone and day boundaries', () => {
  test('days are China days: late on the make-up Saturday is still that Saturday', () => {
    expect(calendar.localDate(at('2026-02-14 23:30'))).toBe('2026-02-14');
    expect(calendar.isWorkingDay(at('2026-02-14 23:30'))).toBe(true);
    expect(calendar.isWorkingDay(at('2026-02-15 00:30'))).toBe(false);
  });

  test('office hours are China office hours', () => {
    expect(calendar.isWithinOfficeHours(new Date('2025-03-03T01:00:00Z'))).toBe(true); // 09:00 in Beijing
    expect(calendar.isWithinOfficeHours(new Date('2025-03-03T04:30:00Z'))).toBe(false); // 12:30, lunch
    expect(calendar.isWithinOfficeHours(new Date('2025-03-03T09:30:00Z'))).toBe(false); // 17:30, closed
  });
});

describe('configuration', () => {
  test('office hours are configurable', () => {
    const long = createWorkingCalendar({ officeHours: [{ start: '08:00', end: '18:00' }] });
    expect(long.workingDayMinutes).toBe(600);
    expect(long.addWorkingTime(at('2025-03-03 17:00'), 120)).toEqual(at('2025-03-04 09:00'));
  });

  test('extra holidays and extra working days patch the holiday data', () => {
    const patched = createWorkingCalendar({ extraHolidays: ['2025-03-03'], extraWorkdays: ['2025-03-08'] });
    expect(patched.isWorkingDay(at('2025-03-03 10:00'))).toBe(false);
    expect(patched.addWorkingTime(at('2025-03-07 17:00'), 60)).toEqual(at('2025-03-08 09:30'));
  });

  test('the holiday source can be replaced', () => {
    const everyDay = createWorkingCalendar({ isWorkday: () => true });
    expect(everyDay.addWorkingTime(at('2026-02-16 17:00'), 60)).toEqual(at('2026-02-17 09:30'));
  });

  test('broken office hours fail at start-up', () => {
    expect(() => createWorkingCalendar({ officeHours: [] })).toThrow('no office hours');
    expect(() => createWorkingCalendar({ officeHours: [{ start: '9:00', end: '12:00' }] })).toThrow('not a HH:MM time');
    expect(() =>
      createWorkingCalendar({
        officeHours: [
          { start: '13:00', end: '17:00' },
          { start: '09:00', end: '12:00' },
        ],
      }),
    ).toThrow('ordered');
  });

  test('a calendar with no working days fails instead of looping forever', () => {
    expect(() => createWorkingCalendar({ isWorkday: () => false }).addWorkingTime(at('2025-03-03 10:00'), 1)).toThrow('no working day');
  });
});
