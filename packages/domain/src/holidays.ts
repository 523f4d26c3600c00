// The holiday calendar as data an administrator keeps: one schedule per year (public holidays and
// make-up working days, 调休), checked for completeness before it is accepted, and the rules that
// say when a year is missing. The State Council publishes next year's schedule around November;
// until someone enters it, that year counts Monday–Friday and every deadline reaching into it is
// flagged. Pure: the tables live in PostgreSQL (services/dispatch edits them, the worker reads them).
import { z } from 'zod';
import chineseDays from 'chinese-days/dist/chinese-days.json';

/** The seven public holidays of the State Council's notice (国务院办公厅关于…部分节假日安排的通知). */
export const FESTIVALS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;
export type Festival = (typeof FESTIVALS)[number];

/** The fixed dates that are off in every year's notice: a schedule without one of them is incomplete. */
const FIXED_HOLIDAYS = ['01-01', '05-01', '10-01', '10-02', '10-03'] as const;

const dateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');
export const scheduleDaySchema = z.object({ date: dateKey, name: z.enum(FESTIVALS) });
export type ScheduleDay = z.infer<typeof scheduleDaySchema>;

export const yearScheduleSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  holidays: z.array(scheduleDaySchema).max(80),
  workdays: z.array(scheduleDaySchema).max(20),
});
export type YearSchedule = z.infer<typeof yearScheduleSchema>;

const isRealDate = (date: string): boolean => {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
};
const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

/**
 * Every reason a schedule is not a complete year, empty when it is: every date real and in the
 * year, no date twice, none both off and worked; each public holiday present (中秋节 may sit inside
 * the National Day block, as in 2020, when the block is eight days), the fixed dates off
 * (1 Jan, 1 May, 1–3 Oct); every make-up working day a Saturday or Sunday.
 */
export function scheduleProblems(schedule: YearSchedule): string[] {
  const problems: string[] = [];
  const prefix = `${schedule.year}-`;
  const seen = new Set<string>();
  for (const [list, what] of [
    [schedule.holidays, 'holiday'],
    [schedule.workdays, 'make-up working day'],
  ] as const) {
    for (const day of list) {
      if (!isRealDate(day.date)) problems.push(`${day.date}: not a date`);
      else if (!day.date.startsWith(prefix)) problems.push(`${day.date}: ${what} outside ${schedule.year}`);
      if (seen.has(day.date)) problems.push(`${day.date}: listed twice`);
      seen.add(day.date);
    }
  }
  const off = new Set(schedule.holidays.map((d) => d.date));
  for (const fixed of FIXED_HOLIDAYS) {
    if (!off.has(`${prefix}${fixed}`)) problems.push(`${prefix}${fixed}: must be a holiday`);
  }
  const daysOf = (name: Festival) => schedule.holidays.filter((d) => d.name === name).length;
  for (const festival of FESTIVALS) {
    if (daysOf(festival) > 0) continue;
    if (festival === '中秋节' && daysOf('国庆节') >= 8) continue;
    problems.push(`${festival}: no holiday listed`);
  }
  for (const day of schedule.workdays) {
    if (isRealDate(day.date) && weekday(day.date) !== 0 && weekday(day.date) !== 6) {
      problems.push(`${day.date}: a make-up working day must be a Saturday or Sunday`);
    }
  }
  return problems;
}

/** The names chinese-days uses ("Spring Festival,春节,4") → ours. */
const CHINESE_DAYS_NAMES: Readonly<Record<string, Festival>> = {
  元旦: '元旦',
  春节: '春节',
  清明: '清明节',
  劳动节: '劳动节',
  端午: '端午节',
  中秋: '中秋节',
  国庆节: '国庆节',
};

/**
 * The schedules the `chinese-days` package carries, one per year, for the years that pass
 * `scheduleProblems` (older notices had other holidays: those years are left out). The seed.
 */
export function chineseDaysSchedules(
  data: { holidays: Record<string, string>; workdays: Record<string, string> } = chineseDays,
): YearSchedule[] {
  const years = new Map<number, YearSchedule>();
  const add = (date: string, label: string, into: 'holidays' | 'workdays'): void => {
    const name = CHINESE_DAYS_NAMES[label.split(',')[1] ?? ''];
    if (!name) return;
    const year = Number(date.slice(0, 4));
    const schedule = years.get(year) ?? { year, holidays: [], workdays: [] };
    schedule[into].push({ date, name });
    years.set(year, schedule);
  };
  for (const [date, label] of Object.entries(data.holidays)) add(date, label, 'holidays');
  for (const [date, label] of Object.entries(data.workdays)) add(date, label, 'workdays');
  return [...years.values()]
    .map((s) => ({ ...s, holidays: s.holidays.sort((a, b) => a.date.localeCompare(b.date)), workdays: s.workdays.sort((a, b) => a.date.localeCompare(b.date)) }))
    .filter((s) => scheduleProblems(s).length === 0)
    .sort((a, b) => a.year - b.year);
}

export const CHINESE_DAYS_SOURCE = 'chinese-days@1.5.7';

/**
 * A working-day rule from the schedules in force: a listed holiday is off, a listed make-up day
 * is worked, any other day is worked Monday–Friday. A year without a schedule is Monday–Friday
 * too: `scheduledYears` says which years are known, so callers can flag what they computed there.
 */
export function scheduleWorkdays(schedules: readonly YearSchedule[]): { isWorkday: (date: string) => boolean; scheduledYears: ReadonlySet<number> } {
  const off = new Set<string>();
  const worked = new Set<string>();
  for (const s of schedules) {
    for (const d of s.holidays) off.add(d.date);
    for (const d of s.workdays) worked.add(d.date);
  }
  return {
    isWorkday: (date) => worked.has(date) || (!off.has(date) && weekday(date) !== 0 && weekday(date) !== 6),
    scheduledYears: new Set(schedules.map((s) => s.year)),
  };
}

const chinaYearMonth = (at: Date): { year: number; month: number } => {
  const local = new Date(at.getTime() + 8 * 3600_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
};

/** From October on (China time), next year's schedule is due: the warning, or null when it is there. */
export function missingNextYear(now: Date, scheduledYears: ReadonlySet<number>): { year: number; message: string } | null {
  const { year, month } = chinaYearMonth(now);
  if (month < 10 || scheduledYears.has(year + 1)) return null;
  return {
    year: year + 1,
    message: `no holiday schedule for ${year + 1}: deadlines reaching into it count Monday–Friday; enter the State Council's ${year + 1} schedule (PUT /v1/calendar/${year + 1})`,
  };
}

/** The years between two instants (China time, both included) that have no schedule. */
export function unscheduledYears(from: Date, to: Date, scheduledYears: ReadonlySet<number>): number[] {
  const missing: number[] = [];
  for (let year = chinaYearMonth(from).year; year <= chinaYearMonth(to).year; year += 1) {
    if (!scheduledYears.has(year)) missing.push(year);
  }
  return missing;
}
