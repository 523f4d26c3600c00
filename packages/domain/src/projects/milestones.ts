// Milestone deadlines in working time: "due 20 working days after the project starts" on the
// Chinese working calendar (holidays, 调休), warned at 80 % of the way, like an order's stages.
import type { WorkingCalendar } from '../calendar';
import type { Milestone, MilestonePlan } from './project';

export const MILESTONE_WARN_FRACTION = 0.8;

/** Each milestone's due and warning instants, counted from the project's start; oldest due first. */
export function planMilestones(start: Date, plans: readonly MilestonePlan[], calendar: WorkingCalendar, warnFraction = MILESTONE_WARN_FRACTION): Milestone[] {
  return plans
    .map((plan) => {
      const minutes = plan.workingDays * calendar.workingDayMinutes;
      return {
        ...plan,
        dueAt: calendar.addWorkingTime(start, minutes).toISOString(),
        warnAt: calendar.addWorkingTime(start, Math.round(minutes * warnFraction)).toISOString(),
        state: 'open' as const,
      };
    })
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}
