import chineseDays from 'chinese-days/dist/chinese-days.json';

/**
 * Business time. Deadlines count office hours on working days only, where a working day follows
 * the State Council's yearly holiday notice: public holidays are off, and make-up working days
 * (调休, usually a Saturday or Sunday) are on. The notice is published each November for the next
 * year; the `chinese-days` package carries it (through 2026 in version 1.5.7). Days after its data
 * fall back to Monday–Friday, and `extraHolidays` / `extraWorkdays` patch a gap until it updates.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Safety stop: a calendar without a working day in ten years is misconfigured, not busy. */
const MAX_DAYS_WITHOUT_WORK = 3660;

export interface OfficeWindow {
  /** "HH:MM", local time. */
  readonly start: string;
  readonly end: string;
}

export interface WorkingCalendarOptions {
  /** Default 09:00–12:00 and 13:30–17:30 (a lunch break is the norm in government offices). */
  readonly officeHours?: readonly OfficeWindow[];
  /**
   * Default +480 (Asia/Shanghai). A fixed offset is exact here: China has observed no daylight
   * saving time since 1991, so no time-zone database is needed.
   */
  readonly utcOffsetMinutes?: number;
  /** "YYYY-MM-DD" dates that are off although the holiday data says they are worked. */
  readonly extraHolidays?: readonly string[];
  /** "YYYY-MM-DD" dates that are worked although the holiday data says they are off. */
  readonly extraWorkdays?: readonly string[];
  /** Replace the holiday data entirely (tests, other jurisdictions). Receives "YYYY-MM-DD". */
  readonly isWorkday?: (date: string) => boolean;
}

export interface WorkingCalendar {
  /** Minutes of office time in one working day (420 by default); "1 working day" means this. */
  readonly workingDayMinutes: number;
  /** Whether the local calendar date containing `at` is a working day. */
  isWorkingDay(at: Date): boolean;
  isWithinOfficeHours(at: Date): boolean;
  /** The instant `minutes` of office time after `from`; `from` itself when minutes is 0. */
  addWorkingTime(from: Date, minutes: number): Date;
  /** Office minutes between two instants; negative when `b` is before `a`. */
  workingTimeBetween(a: Date, b: Date): number;
  /** "YYYY-MM-DD" of the local date containing `at`. */
  localDate(at: Date): string;
}

export const DEFAULT_OFFICE_HOURS: readonly OfficeWindow[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '17:30' },
];

export const CHINA_UTC_OFFSET_MINUTES = 480;

interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

function parseClock(clock: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes > 0)) {
    throw new Error(`working calendar: "${clock}" is not a HH:MM time`);
  }
  return (hours * 60 + minutes) * MINUTE_MS;
}

function parseOfficeHours(officeHours: readonly OfficeWindow[]): Window[] {
  const windows = officeHours.map((w) => ({ startMs: parseClock(w.start), endMs: parseClock(w.end) }));
  windows.forEach((w, i) => {
    const previous = windows[i - 1];
    if (w.endMs <= w.startMs || (previous && w.startMs < previous.endMs)) {
      throw new Error('working calendar: office hours must be ordered, non-overlapping and non-empty');
    }
  });
  if (windows.length === 0) throw new Error('working calendar: no office hours');
  return windows;
}

const dateKeyOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The package's raw table rather than its `isWorkday`: the package builds that table with
 * local-time date arithmetic, so on a server west of Greenwich every holiday moves a day early.
 * The table itself is keyed by plain "YYYY-MM-DD" and needs no time zone at all.
 */
const HOLIDAYS: Readonly<Record<string, string>> = chineseDays.holidays;
const MAKE_UP_WORKDAYS: Readonly<Record<string, string>> = chineseDays.workdays;

function chineseDaysIsWorkday(date: string): boolean {
  if (MAKE_UP_WORKDAYS[date] !== undefined) return true;
  if (HOLIDAYS[date] !== undefined) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

export function createWorkingCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  const windows = parseOfficeHours(options.officeHours ?? DEFAULT_OFFICE_HOURS);
  const offsetMs = (options.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES) * MINUTE_MS;
  const extraHolidays = new Set(options.extraHolidays ?? []);
  const extraWorkdays = new Set(options.extraWorkdays ?? []);
  const baseIsWorkday = options.isWorkday ?? chineseDaysIsWorkday;
  const dayMs = windows.reduce((sum, w) => sum + w.endMs - w.startMs, 0);

  // Deadlines are computed again and again over the same few weeks; a day's answer never changes.
  const workdayCache = new Map<number, boolean>();
  const isWorkingDayNumber = (day: number): boolean => {
    let answer = workdayCache.get(day);
    if (answer === undefined) {
      const key = dateKeyOfDay(day);
      answer = extraWorkdays.has(key) || (!extraHolidays.has(key) && baseIsWorkday(key));
      workdayCache.set(day, answer);
    }
    return answer;
  };

  // Local time as a day number plus milliseconds into that day.
  const split = (at: Date): { day: number; ms: number } => {
    const local = at.getTime() + offsetMs;
    const day = Math.floor(local / DAY_MS);
    return { day, ms: local - day * DAY_MS };
  };
  const instant = (day: number, ms: number): Date => new Date(day * DAY_MS + ms - offsetMs);

  /** Office milliseconds of one working day between two times of that day. */
  const officeMsBetween = (fromMs: number, toMs: number): number =>
    windows.reduce((sum, w) => sum + Math.max(0, Math.min(toMs, w.endMs) - Math.max(fromMs, w.startMs)), 0);

  const assertValid = (at: Date, name: string): void => {
    if (Number.isNaN(at.getTime())) throw new RangeError(`working calendar: ${name} is an invalid date`);
  };

  function workingTimeBetween(a: Date, b: Date): number {
    assertValid(a, 'a');
    assertValid(b, 'b');
    if (b.getTime() < a.getTime()) return -workingTimeBetween(b, a);
    const from = split(a);
    const to = split(b);
    if (from.day === to.day) {
      return isWorkingDayNumber(from.day) ? officeMsBetween(from.ms, to.ms) / MINUTE_MS : 0;
    }
    let total = isWorkingDayNumber(from.day) ? officeMsBetween(from.ms, DAY_MS) : 0;
    for (let day = from.day + 1; day < to.day; day += 1) {
      if (isWorkingDayNumber(day)) total += dayMs;
    }
    if (isWorkingDayNumber(to.day)) total += officeMsBetween(0, to.ms);
    return total / MINUTE_MS;
  }

  return {
    workingDayMinutes: dayMs / MINUTE_MS,

    isWorkingDay: (at) => isWorkingDayNumber(split(at).day),

    isWithinOfficeHours(at) {
      const { day, ms } = split(at);
      return isWorkingDayNumber(day) && windows.some((w) => ms >= w.startMs && ms < w.endMs);
    },

    addWorkingTime(from, minutes) {
      assertValid(from, 'from');
      if (!Number.isFinite(minutes) || minutes < 0) {
        throw new RangeError(`working calendar: cannot add ${minutes} minutes of working time`);
      }
      let remaining = minutes * MINUTE_MS;
      if (remaining === 0) return new Date(from.getTime());
      let { day, ms } = split(from);
      let idleDays = 0;
      for (;;) {
        if (isWorkingDayNumber(day)) {
          idleDays = 0;
          // Whole days are skipped in one step, so 15 working days cost 15 iterations, not minutes.
          if (ms === 0 && remaining > dayMs) {
            remaining -= dayMs;
          } else {
            for (const w of windows) {
              if (ms >= w.endMs) continue;
              const start = Math.max(ms, w.startMs);
              const available = w.endMs - start;
              if (remaining <= available) return instant(day, start + remaining);
              remaining -= available;
              ms = w.endMs;
            }
          }
        } else if (++idleDays > MAX_DAYS_WITHOUT_WORK) {
          throw new Error('working calendar: no working day found in ten years');
        }
        day += 1;
        ms = 0;
      }
    },

    workingTimeBetween,

    localDate: (at) => dateKeyOfDay(split(at).day),
  };
}
