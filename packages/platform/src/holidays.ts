// The holiday calendar's tables (HolidaySchedule): seeded from chinese-days, edited by
// administrators (services/dispatch), read by the worker whenever it computes a deadline. One row
// per version of a year; the newest version is in force, the older ones say who changed what.
import {
  chineseDaysSchedules,
  CHINESE_DAYS_SOURCE,
  createWorkingCalendar,
  missingNextYear,
  scheduleDaySchema,
  scheduleWorkdays,
  type WorkingCalendar,
  type ScheduleDay,
  type YearSchedule,
} from '@diandan/domain';
import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod';

export interface StoredSchedule extends YearSchedule {
  version: number;
  source: string;
  changedBy: string;
  note: string | null;
  createdAt: Date;
}

const days = z.array(scheduleDaySchema);

type Row = { year: number; version: number; holidays: Prisma.JsonValue; workdays: Prisma.JsonValue; source: string; changedBy: string; note: string | null; createdAt: Date };
const stored = (row: Row): StoredSchedule => ({
  year: row.year,
  version: row.version,
  // Written only through saveHolidaySchedule / the seed, both validated: a parse failure is a bug worth failing on.
  holidays: days.parse(row.holidays),
  workdays: days.parse(row.workdays),
  source: row.source,
  changedBy: row.changedBy,
  note: row.note,
  createdAt: row.createdAt,
});

/** Every year's schedule in force (its newest version), oldest year first, and a version of the whole table. */
export async function schedulesInForce(prisma: PrismaClient): Promise<{ schedules: StoredSchedule[]; version: string }> {
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT DISTINCT ON (year) year, version, holidays, workdays, source, "changedBy", note, "createdAt"
    FROM "HolidaySchedule" ORDER BY year, version DESC`;
  const schedules = rows.map(stored);
  return { schedules, version: schedules.map((s) => `${s.year}.${s.version}`).join(',') };
}

export async function scheduleVersions(prisma: PrismaClient, year: number): Promise<StoredSchedule[]> {
  const rows = await prisma.holidaySchedule.findMany({ where: { year }, orderBy: { version: 'desc' } });
  return rows.map(stored);
}

/**
 * Enters chinese-days' schedules for the years that have none yet, as version 1 (idempotent: a
 * year an administrator already keeps is left alone). Returns the years it entered.
 */
export async function seedHolidaySchedules(prisma: PrismaClient, schedules: readonly YearSchedule[] = chineseDaysSchedules(), source = CHINESE_DAYS_SOURCE): Promise<number[]> {
  const entered: number[] = [];
  for (const schedule of schedules) {
    const count = await prisma.$executeRaw`
      INSERT INTO "HolidaySchedule" (year, version, holidays, workdays, source, "changedBy", note)
      SELECT ${schedule.year}, 1, ${JSON.stringify(schedule.holidays)}::jsonb, ${JSON.stringify(schedule.workdays)}::jsonb, ${source}, 'seed', 'seeded at start-up'
      WHERE NOT EXISTS (SELECT 1 FROM "HolidaySchedule" WHERE year = ${schedule.year})
      ON CONFLICT DO NOTHING`;
    if (count > 0) entered.push(schedule.year);
  }
  return entered;
}

/** Stores a new version of a year (validated by the caller: `scheduleProblems` is empty). */
export async function saveHolidaySchedule(
  prisma: PrismaClient,
  schedule: YearSchedule,
  change: { changedBy: string; note?: string | undefined; source?: string },
): Promise<StoredSchedule> {
  const sort = (list: readonly ScheduleDay[]) => [...list].sort((a, b) => a.date.localeCompare(b.date));
  // Two administrators saving at once: the second insert conflicts on (year, version) and retries.
  for (let attempt = 0; ; attempt += 1) {
    try {
      const row = await prisma.$transaction(async (tx) => {
        const newest = await tx.holidaySchedule.findFirst({ where: { year: schedule.year }, orderBy: { version: 'desc' }, select: { version: true } });
        return tx.holidaySchedule.create({
          data: {
            year: schedule.year,
            version: (newest?.version ?? 0) + 1,
            holidays: sort(schedule.holidays),
            workdays: sort(schedule.workdays),
            source: change.source ?? 'staff',
            changedBy: change.changedBy,
            note: change.note ?? null,
          },
        });
      });
      return stored(row);
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002' || attempt >= 3) throw error;
    }
  }
}

/** From October on: next year's schedule is missing (null when it is there, or before October). */
export async function nextYearScheduleWarning(prisma: PrismaClient, now: Date = new Date()): Promise<{ year: number; message: string } | null> {
  const years = await prisma.holidaySchedule.findMany({ distinct: ['year'], select: { year: true } });
  return missingNextYear(now, new Set(years.map((y) => y.year)));
}

export interface CalendarInForce {
  calendar: WorkingCalendar;
  /** The years with a schedule: deadlines reaching past them are flagged. */
  scheduledYears: ReadonlySet<number>;
  /** `<year>.<version>,…` of the schedules used, or `chinese-days` before the table is seeded. */
  version: string;
}

/** The working calendar of the schedules in force; an empty table counts as the seed itself. */
export async function readCalendarInForce(prisma: PrismaClient): Promise<CalendarInForce> {
  const { schedules, version } = await schedulesInForce(prisma);
  const inForce = schedules.length > 0 ? schedules : chineseDaysSchedules();
  const { isWorkday, scheduledYears } = scheduleWorkdays(inForce);
  return { calendar: createWorkingCalendar({ isWorkday }), scheduledYears, version: schedules.length > 0 ? version : 'chinese-days' };
}

/**
 * The calendar in force, re-read at most every `ttlMs` (an administrator's new schedule counts
 * from then on); a failed read is not cached.
 */
export function cachedCalendarInForce(prisma: PrismaClient, ttlMs = 60_000, now: () => number = Date.now): () => Promise<CalendarInForce> {
  let cached: { at: number; data: Promise<CalendarInForce> } | undefined;
  return () => {
    if (!cached || now() - cached.at > ttlMs) {
      const data = readCalendarInForce(prisma);
      cached = { at: now(), data };
      data.catch(() => (cached = undefined));
    }
    return cached.data;
  };
}
