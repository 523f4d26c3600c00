// The holiday calendar reaches the workflow through its deadline activity (docs/lifecycle.md,
// "The calendar"): a clock that runs into a year without a holiday schedule is flagged in the
// workflow's state and on the event it publishes (which the projector copies onto the order).
// Real workflow, real activities on the dev server, the run's own HolidaySchedule table (chinese-days'
// years: a clock of 600 working days always reaches past them).
import type { Client } from '@temporalio/client';
import { lifecycleEventSchema, type LifecycleEvent } from '@diandan/domain';
import { eventually, placedInput, startOnDevServer, startOrder, waitForState, type DevServerRig } from '@diandan/testkit';

const LONG = 'wf-calendar-long';
let rig: DevServerRig;
let client: Client;

beforeAll(async () => {
  rig = await startOnDevServer('calendar');
  client = rig.client;
  // A category whose triage lasts 600 working days (about two and a half years).
  await rig.harness.prisma.category.upsert({
    where: { code: LONG },
    create: { code: LONG, name: '长期项目', deadlines: { normal: { triage: { amount: 600, unit: 'working_day' } } } },
    update: {},
  });
}, 300_000);
afterAll(() => rig?.close());

describe('deadlines and the holiday calendar', () => {
  it('calendar.unscheduledFlagCheck: a clock into a year without a schedule is flagged in the state and on the published event', async () => {
    const input = placedInput({ categoryCode: LONG });
    const handle = await startOrder(client, rig.harness.taskQueue, input);
    const view = await waitForState(handle, (v) => v.deadline !== null);
    expect(view.deadline).toMatchObject({ stage: 'triage', unscheduled: true });

    const received: LifecycleEvent[] = [];
    const consumer = rig.harness.kafka.consumer({ groupId: `${rig.harness.taskQueue}-calendar-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: rig.harness.topics.lifecycle, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = lifecycleEventSchema.parse(JSON.parse(String(message.value)));
        if (event.orderId === input.orderId) received.push(event);
      },
    });
    await eventually('the placed event', () => received.length >= 1);
    await consumer.disconnect();
    expect(received[0]?.deadline).toMatchObject({ stage: 'triage', unscheduled: true });
    await handle.terminate('test over');
  });

  it('calendar.scheduledCheck: a clock inside scheduled years carries no flag', async () => {
    const handle = await startOrder(client, rig.harness.taskQueue, placedInput());
    const view = await waitForState(handle, (v) => v.deadline !== null);
    // Two working hours from now: flagged exactly when a year it spans has no schedule (chinese-days
    // covers up to 2026; later years only if entered in this run's table).
    const yearOf = (at: number) => new Date(at + 8 * 3600_000).getUTCFullYear();
    const years = new Set([yearOf(Date.now()), yearOf(Date.parse(view.deadline!.dueAt))]);
    const entered = new Set((await rig.harness.prisma.holidaySchedule.findMany({ select: { year: true } })).map((s) => s.year));
    const known = [...years].every((year) => year <= 2026 || entered.has(year));
    expect(view.deadline?.unscheduled === true).toBe(!known);
    await handle.terminate('test over');
  });
});
