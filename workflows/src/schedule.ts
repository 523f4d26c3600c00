// The monthly bundling Schedule, created at the worker's start-up (idempotent: an existing
// Schedule is left as it is, so a restart never duplicates it nor resets its history). It fires at
// 09:00 China time on days 1–10 of every month: a cron expression cannot know the holidays, and
// the first working day can be as late as the 8th (after National Day); the run acts only on the
// first working day (packages/domain `monthToBundle`) and does nothing on the others.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { BUNDLING_SCHEDULE_ID, BUNDLING_WORKFLOW, type BundlingInput } from './projectContract';

export const BUNDLING_CRON = '0 9 1-10 * *';
export const BUNDLING_TIMEZONE = 'Asia/Shanghai';

/** Returns true when it created the Schedule, false when it was there already. */
export async function ensureBundlingSchedule(client: Client, taskQueue: string, scheduleId = BUNDLING_SCHEDULE_ID): Promise<boolean> {
  const input: BundlingInput = { trigger: 'schedule' };
  try {
    await client.schedule.create({
      scheduleId,
      spec: { cronExpressions: [BUNDLING_CRON], timezone: BUNDLING_TIMEZONE },
      action: { type: 'startWorkflow', workflowType: BUNDLING_WORKFLOW, taskQueue, workflowId: scheduleId, args: [input] },
      // A run that is still going (a very large month) is not doubled; a missed day is caught up within a day.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { what: '两个打包: monthly bundling of the previous month’s orders (docs/projects.md)' },
    });
    return true;
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return false;
    throw error;
  }
}
