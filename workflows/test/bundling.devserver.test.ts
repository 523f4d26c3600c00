// The monthly bundling Schedule on the dev server (the time-skipping server has no Schedules):
// created idempotently at start-up, visible with its cron and time zone, and when it fires it runs
// the monthlyBundling workflow on the worker's task queue.
import { ScheduleNotFoundError } from '@temporalio/client';
import { startOnDevServer, unique, type DevServerRig } from '@diandan/testkit';
import { BUNDLING_CRON, BUNDLING_TIMEZONE, ensureBundlingSchedule } from '../src/schedule';
import { BUNDLING_WORKFLOW, type BundlingSummary } from '../src/projectContract';

let rig: DevServerRig;
const scheduleId = unique('monthly-bundling');

beforeAll(async () => {
  rig = await startOnDevServer('bundling');
}, 120_000);

afterAll(async () => {
  await rig?.client.schedule.getHandle(scheduleId).delete().catch((error: unknown) => {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  });
  await rig?.close();
});

describe('monthly bundling schedule (dev server)', () => {
  it('schedule.stateCheck: created once, however often the worker starts; it fires the bundling run', async () => {
    expect(await ensureBundlingSchedule(rig.client, rig.harness.taskQueue, scheduleId)).toBe(true);
    expect(await ensureBundlingSchedule(rig.client, rig.harness.taskQueue, scheduleId)).toBe(false);

    const handle = rig.client.schedule.getHandle(scheduleId);
    const described = await handle.describe();
    expect(described.spec.timezone).toBe(BUNDLING_TIMEZONE);
    // The server stores the cron as calendar specs: 09:00 on days 1–10 of every month.
    expect(JSON.stringify(described.spec)).toContain('"hour":[{"start":9,"end":9,"step":1}]');
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: BUNDLING_WORKFLOW, taskQueue: rig.harness.taskQueue });
    expect(BUNDLING_CRON).toBe('0 9 1-10 * *');

    await handle.trigger();
    let runId: string | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      runId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!runId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runId).toBeDefined();
    const summary = (await rig.client.workflow.getHandle(runId!).result()) as BundlingSummary;
    expect(summary.runId).toBe(runId);
    // On any day but the first working day of a month the run does nothing, and says so.
    if (summary.month === null) expect(summary.skipped).toBe('not the first working day of the month');
    else expect(summary.bundles).toBeGreaterThanOrEqual(0);
  });
});
