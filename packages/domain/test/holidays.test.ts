import {
  chineseDaysSchedules,
  createWorkingCalendar,
  missingNextYear,
  scheduleProblems,
  scheduleWorkdays,
  unscheduledYears,
  type ScheduleDay,
  type YearSchedule,
} from '../src';

/** A made-up year (2031): the mechanism is tested on it, never on a schedule nobody published. */
const days = (name: ScheduleDay['name'], ...dates: string[]): ScheduleDay[] => dates.map((date) => ({ date, name }));

/** A made-up year (2031): the mechanism is tested on it, never on a schedule nobody published. */
const SYNTHETIC_2031: YearSchedule = {
  year: 2031,
  holidays: [
    ...days('元旦', '2031-01-01'),
    ...days('春节', '2031-01-22', '2031-01-23', '2031-01-24', '2031-01-25', '2031-01-26', '2031-01-27', '2031-01-28', '2031-01-29'),
    ...days('清明节', '2031-04-05'),
    ...days('劳动节', '2031-05-01', '2031-05-02', '2031-05-03', '2031-05-04', '2031-05-05'),
    ...days('端午节', '2031-06-24'),
    ...days('国庆节', '2031-10-01', '2031-10-02', '2031-10-03'),
    ...days('中秋节', '2031-10-04'),
  ],
  workdays: days('春节', '2031-01-19', '2031-02-08'),
};

describe('scheduleProblems: a year is complete', () => {
  it('accepts every year chinese-days carries from 2020 on', () => {
    const schedules = chineseDaysSchedules();
    expect(schedules.map((s) => s.year)).toEqual(expect.arrayContaining([2020, 2021, 2022, 2023, 2024, 2025, 2026]));
    for (const s of schedules) expect(scheduleProblems(s)).toEqual([]);
  });

  it('names what is missing or wrong', () => {
    const incomplete: YearSchedule = {
      year: 2031,
      holidays: [
        { date: '2031-01-01', name: '元旦' },
        { date: '2031-02-30', name: '春节' },
        { date: '2032-05-01', name: '劳动节' },
      ],
      workdays: [
        { date: '2031-01-01', name: '元旦' },
        { date: '2031-01-20', name: '春节' },
      ],
    };
    const problems = scheduleProblems(incomplete);
    expect(problems).toEqual(
      expect.arrayContaining([
        '2031-02-30: not a date',
        '2032-05-01: holiday outside 2031',
        '2031-01-01: listed twice',
        '2031-05-01: must be a holiday',
        '2031-10-01: must be a holiday',
        '清明节: no holiday listed',
        '中秋节: no holiday listed',
        '2031-01-20: a make-up working day must be a Saturday or Sunday',
      ]),
    );
  });

  it('lets 中秋节 sit inside an eight-day National Day block (2020)', () => {
    const y2020 = chineseDaysSchedules().find((s) => s.year === 2020)!;
    expect(y2020.holidays.some((d) => d.name === '中秋节')).toBe(false);
    expect(scheduleProblems(y2020)).toEqual([]);
  });
});

describe('a synthetic year entered by an administrator', () => {
  const schedules = [...chineseDaysSchedules(), SYNTHETIC_2031];

  it('is complete', () => {
    expect(scheduleProblems(schedules.at(-1)!)).toEqual([]);
  });

  it('moves deadlines: the Spring Festival is off, the 调休 Sunday is worked', () => {
    const { isWorkday } = scheduleWorkdays(schedules);
    const calendar = createWorkingCalendar({ isWorkday });
    expect(isWorkday('2031-01-22')).toBe(false); // a Wednesday of 春节
    expect(isWorkday('2031-01-19')).toBe(true); // a Sunday worked
    // Friday 2031-01-17 16:30 + 1 working day: 1 h on Friday, the worked Sunday (7 h) would end it…
    const due = calendar.addWorkingTime(new Date('2031-01-17T16:30:00+08:00'), 420);
    expect(due.toISOString()).toBe(new Date('2031-01-19T16:30:00+08:00').toISOString());
    // …and five working days from the eve of 春节 skip the whole week off.
    const after = calendar.addWorkingTime(new Date('2031-01-21T09:00:00+08:00'), 5 * 420);
    // Tue 21 (7 h), 22–29 off, Thu 30, Fri 31, weekend, Mon 3, Tue 4 → the end of Tuesday 4 February.
    expect(after.toISOString()).toBe(new Date('2031-02-04T17:30:00+08:00').toISOString());
  });

  it('without it the same days count Monday–Friday, and the year is known to be missing', () => {
    const { isWorkday, scheduledYears } = scheduleWorkdays(chineseDaysSchedules());
    expect(isWorkday('2031-01-22')).toBe(true);
    expect(unscheduledYears(new Date('2030-12-20T00:00:00Z'), new Date('2031-01-05T00:00:00Z'), scheduledYears)).toEqual([2030, 2031]);
  });
});

describe('missingNextYear: supervisors are warned from October on', () => {
  const known = new Set([2025, 2026]);
  it('says nothing before October (China time)', () => {
    expect(missingNextYear(new Date('2026-09-30T15:59:00Z'), known)).toBeNull();
  });
  it('warns from 1 October, 00:00 China time, while next year is missing', () => {
    expect(missingNextYear(new Date('2026-09-30T16:00:00Z'), known)).toMatchObject({ year: 2027 });
    expect(missingNextYear(new Date('2026-11-30T08:00:00Z'), known)?.message).toContain('PUT /v1/calendar/2027');
  });
  it('stops once the year is entered', () => {
    expect(missingNextYear(new Date('2026-11-30T08:00:00Z'), new Set([...known, 2027]))).toBeNull();
  });
});
