// The holiday calendar (节假日安排) through the staff API: every staff member reads it (queues count
// working time on it); only admins enter a year, which must be complete (packages/domain
// `scheduleProblems`). Each save is a new version with who changed what; the worker uses the
// newest version of each year from its next deadline on (docs/lifecycle.md, "The calendar").
import { Router } from 'express';
import { z } from 'zod';
import { scheduleDaySchema, scheduleProblems } from '@diandan/domain';
import { HttpError, nextYearScheduleWarning, saveHolidaySchedule, scheduleVersions, schedulesInForce, staffOf, validate } from '@diandan/platform';
import { allow } from './authenticate';
import type { ApiDeps } from './deps';

export const yearParamSchema = z.coerce.number().int().min(2000).max(2100);
export const calendarYearSchema = z.object({
  holidays: z.array(scheduleDaySchema).min(1).max(80),
  workdays: z.array(scheduleDaySchema).max(20),
  /** Why it changed, e.g. "国办发明电〔2026〕X号". */
  note: z.string().trim().max(500).optional(),
});

export function calendarRoutes({ prisma, logger }: ApiDeps): Router {
  const router = Router();

  router.get('/v1/calendar', async (_req, res) => {
    const [{ schedules }, warning] = await Promise.all([schedulesInForce(prisma), nextYearScheduleWarning(prisma)]);
    res.json({
      years: schedules.map(({ year, version, source, changedBy, createdAt, holidays, workdays }) => ({
        year,
        version,
        source,
        changedBy,
        changedAt: createdAt,
        holidays: holidays.length,
        workdays: workdays.length,
      })),
      warning,
    });
  });

  router.get('/v1/calendar/:year', async (req, res) => {
    const year = validate(yearParamSchema, req.params.year);
    const versions = await scheduleVersions(prisma, year);
    if (versions.length === 0) throw new HttpError(404, 'not_found', `no holiday schedule for ${year}`);
    const [current, ...older] = versions;
    res.json({ ...current, changedAt: current!.createdAt, history: older.map(({ version, source, changedBy, note, createdAt }) => ({ version, source, changedBy, note, changedAt: createdAt })) });
  });

  router.put('/v1/calendar/:year', allow('admin'), async (req, res) => {
    const year = validate(yearParamSchema, req.params.year);
    const body = validate(calendarYearSchema, req.body);
    const problems = scheduleProblems({ year, holidays: body.holidays, workdays: body.workdays });
    if (problems.length > 0) {
      throw new HttpError(400, 'incomplete_schedule', `the ${year} schedule is not complete: ${problems.join('; ')}`, { problems });
    }
    const saved = await saveHolidaySchedule(prisma, { year, holidays: body.holidays, workdays: body.workdays }, { changedBy: staffOf(res).userId, note: body.note });
    logger.info({ year, version: saved.version, changedBy: saved.changedBy }, 'holiday schedule saved');
    res.status(saved.version === 1 ? 201 : 200).json({ ...saved, changedAt: saved.createdAt });
  });
  return router;
}
