// A whole year of the annualCycle workflow on the time-skipping test server, with its real
// activities (the default dates on the working calendar, events to Kafka): the phases move by
// themselves at their dates, and a date an administrator moves moves the timer with it.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { createWorkingCalendar, CYCLE_STATES, cycleIdFor, defaultCycleDates, type CycleEvent } from '@diandan/domain';
import { CYCLE_WORKFLOW, cycleStateQuery, decideProposalUpdate, moveCycleDateUpdate, type CycleInput, type CycleView } from '../src/cycleContract';
import { createHarness, env, registerSearchAttributes, unique, type Harness } from '@diandan/testkit';

let testEnv: TestWorkflowEnvironment;
let harness: Harness;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  testEnv = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: env('TEMPORAL_TEST_SERVER') } } });
  await registerSearchAttributes(testEnv.connection);
  harness = await createHarness('cycle-timeouts');
  worker = await harness.createWorker(testEnv.nativeConnection, 'default', { client: testEnv.client });
  running = worker.run();
}, 300_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await harness?.close();
  await testEnv?.teardown();
});

const ADMIN = { role: 'admin', id: 'admin-1' } as const;
/** The cycle's view; asked again while the workflow has not run its first task (no query handler yet: seen under a full run's load). */
async function stateOf(handle: WorkflowHandle): Promise<CycleView> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await handle.query(cycleStateQuery);
    } catch (error) {
      const early = /did not register a handler for cycleState/.test(String((error as { cause?: unknown }).cause ?? error));
      if (!early || attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
const phaseChanges = (view: CycleView) => view.timeline.filter((e): e is Extract<CycleEvent, { type: 'cycle.phase_changed' }> => e.type === 'cycle.phase_changed');

async function startCycle(year: number, overrides: Partial<CycleInput> = {}): Promise<WorkflowHandle> {
  const organisationId = unique('org');
  const input: CycleInput = { organisationId, year, startedBy: { role: 'system' }, ...overrides };
  return testEnv.client.workflow.start(CYCLE_WORKFLOW, { taskQueue: harness.taskQueue, workflowId: cycleIdFor(organisationId, year), args: [input] });
}

/** Skips workflow time in steps until the cycle satisfies `done`. */
async function advanceUntil(handle: WorkflowHandle, done: (v: CycleView) => boolean, maxDays = 800, stepDays = 5): Promise<CycleView> {
  for (let days = 0; days <= maxDays; days += stepDays) {
    const view = await stateOf(handle);
    if (done(view)) return view;
    await testEnv.sleep(`${stepDays} days`);
  }
  throw new Error(`not reached in ${maxDays} days; state ${(await stateOf(handle)).state}`);
}

describe('annualCycle (time-skipping server)', () => {
  it('cycle.wholeYearCheck: from planned through every phase to closed, each change at its date, visible in the search attributes', async () => {
    const year = new Date(await testEnv.currentTimeMs()).getUTCFullYear() + 1;
    const handle = await startCycle(year);
    const expected = defaultCycleDates(year, createWorkingCalendar());

    const planned = await stateOf(handle);
    expect(planned).toMatchObject({ state: 'planned', dates: expected, next: { boundary: 'solicitation', at: expected.solicitation } });

    const inSolicitation = await advanceUntil(handle, (v) => v.state === 'solicitation');
    const described = await handle.describe();
    expect(described.searchAttributes).toMatchObject({ CyclePhase: ['solicitation'], CycleYear: [year] });
    expect(inSolicitation.next).toEqual({ boundary: 'selection', at: expected.selection });

    const result: CycleView = await (async () => {
      await advanceUntil(handle, (v) => v.state === 'closed', 800, 20);
      return handle.result();
    })();
    const changes = phaseChanges(result);
    expect(changes.map((e) => e.data.to)).toEqual(CYCLE_STATES.slice(1));
    // Each phase began when its date came (the timer fires within moments of it).
    for (const change of changes) expect(Date.parse(change.at) - Date.parse(change.data.scheduledAt)).toBeGreaterThanOrEqual(0);
    for (const change of changes) expect(Date.parse(change.at) - Date.parse(change.data.scheduledAt)).toBeLessThan(60_000);
    expect(changes.map((e) => e.data.scheduledAt)).toEqual(Object.values(expected));
    const closed = await handle.describe();
    expect(closed.status.name).toBe('COMPLETED');
    expect(closed.searchAttributes).toMatchObject({ CyclePhase: ['closed'] });
  });

  it('cycle.movedDateCheck: a moved date moves the timer; a passed date and a move out of order are refused with the reason', async () => {
    // The test server's clock is shared by the tests of this file: the year after its present.
    const year = new Date(await testEnv.currentTimeMs()).getUTCFullYear() + 1;
    const handle = await startCycle(year);
    const dates = (await advanceUntil(handle, (v) => v.state === 'solicitation')).dates;

    // Two more weeks of solicitation (春节): the joint meeting starts later.
    const later = new Date(Date.parse(dates.selection) + 14 * 86_400_000).toISOString();
    const moved = await handle.executeUpdate(moveCycleDateUpdate, { args: [{ boundary: 'selection', to: later, reason: '春节假期较长，征集延长两周', actor: ADMIN }] });
    expect(moved.dates.selection).toBe(later);
    expect(moved.next).toEqual({ boundary: 'selection', at: later });
    expect((await handle.describe()).searchAttributes).toMatchObject({ CycleNextPhaseAt: [new Date(later)] });

    const refusals = await Promise.all([
      handle.executeUpdate(moveCycleDateUpdate, { args: [{ boundary: 'solicitation', to: later, reason: 'x', actor: ADMIN }] }).catch((e: unknown) => e),
      handle.executeUpdate(moveCycleDateUpdate, { args: [{ boundary: 'selection', to: dates.implementation, reason: 'x', actor: ADMIN }] }).catch((e: unknown) => e),
      handle.executeUpdate(moveCycleDateUpdate, { args: [{ boundary: 'selection', to: later, reason: 'x', actor: { role: 'dispatcher' } }] }).catch((e: unknown) => e),
      handle.executeUpdate(decideProposalUpdate, { args: [{ proposalId: 'p1', decision: 'declined', reason: '不属于本年度范围', actor: { role: 'supervisor' } }] }).catch((e: unknown) => e),
    ]);
    expect(refusals.map((e) => (e instanceof WorkflowUpdateFailedError ? (e.cause as { type?: string }).type : e))).toEqual([
      'illegal_transition',
      'invalid_input',
      'forbidden',
      'illegal_transition',
    ]);

    // The old date passes without a change; the new one brings selection.
    const inSelection = await advanceUntil(handle, (v) => v.state === 'selection', 120, 2);
    const change = phaseChanges(inSelection).find((e) => e.data.to === 'selection')!;
    expect(Date.parse(change.at) - Date.parse(later)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(change.at) - Date.parse(later)).toBeLessThan(60_000);
    const movedEvent = inSelection.timeline.find((e) => e.type === 'cycle.date_moved');
    expect(movedEvent).toMatchObject({ actor: ADMIN, data: { boundary: 'selection', from: dates.selection, to: later, reason: '春节假期较长，征集延长两周' } });

    // In selection the joint meeting decides, once per proposal; the same decision again is no second event.
    const decided = await handle.executeUpdate(decideProposalUpdate, { args: [{ proposalId: 'p1', decision: 'declined', reason: '已列入区级民生实事，不重复立项', actor: { role: 'supervisor', id: 's' } }] });
    const again = await handle.executeUpdate(decideProposalUpdate, { args: [{ proposalId: 'p1', decision: 'declined', reason: '已列入区级民生实事，不重复立项', actor: { role: 'supervisor', id: 's' } }] });
    expect(again.timeline).toHaveLength(decided.timeline.length);
    expect(decided.decisions).toEqual([expect.objectContaining({ proposalId: 'p1', decision: 'declined' })]);
    await handle.terminate('test done');
  });
});
