// The project workflow's milestones on the time-skipping test server, with the real activities
// (PostgreSQL, Kafka) and the real serviceOrder workflow: a project bundles its orders through
// their own workflows, warns at 80 % of a milestone's working time and escalates one level up
// when it is missed — weeks of workflow time in seconds.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { projectWorkflowId, type ProjectEvent } from '@diandan/domain';
import { PROJECT_WORKFLOW, projectActUpdate, projectStateQuery, type ProjectInput, type ProjectView } from '../src/projectContract';
import { act, createHarness, env, placedInput, registerSearchAttributes, RESIDENT, startOrder, state, waitForState, type Harness } from '@diandan/testkit';

let testEnv: TestWorkflowEnvironment;
let harness: Harness;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  testEnv = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: env('TEMPORAL_TEST_SERVER') } } });
  await registerSearchAttributes(testEnv.connection);
  harness = await createHarness('project-timeouts');
  worker = await harness.createWorker(testEnv.nativeConnection, 'default', { client: testEnv.client });
  running = worker.run();
}, 300_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await harness?.close();
  await testEnv?.teardown();
});

const types = (view: ProjectView): string[] => view.timeline.map((e) => e.type);
const projectState = (handle: WorkflowHandle) => handle.query(projectStateQuery);

async function advanceUntil(handle: WorkflowHandle, done: (v: ProjectView) => boolean, maxDays = 40): Promise<ProjectView> {
  for (let hours = 0; hours <= maxDays * 24; hours += 4) {
    const view = await projectState(handle);
    if (done(view)) return view;
    await testEnv.sleep('4 hours');
  }
  throw new Error(`not reached in ${maxDays} days; events: ${types(await projectState(handle)).join(', ')}`);
}

async function startProject(overrides: Partial<ProjectInput> = {}): Promise<WorkflowHandle> {
  const projectId = randomUUID();
  const input: ProjectInput = {
    projectId,
    title: '设立代购火车票服务点',
    origin: 'bundle',
    ownerUnitId: 'wf-community',
    milestones: [{ id: 'm1', name: '选址', workingDays: 3 }],
    orderIds: [],
    createdBy: { role: 'supervisor', id: 'sup-1' },
    ...overrides,
  };
  return testEnv.client.workflow.start(PROJECT_WORKFLOW, { taskQueue: harness.taskQueue, workflowId: projectWorkflowId(projectId), args: [input] });
}

describe('project milestones (time-skipping server)', () => {
  it('project.escalationCheck: an 80 % warning, then the missed milestone climbs to the street; reaching it late is recorded', async () => {
    const orders = await Promise.all([startOrder(testEnv.client, harness.taskQueue, placedInput()), startOrder(testEnv.client, harness.taskQueue, placedInput())]);
    await Promise.all(orders.map((o) => waitForState(o, (v) => v.deadline !== null)));
    const handle = await startProject({ orderIds: orders.map((o) => o.workflowId.replace(/^order-/, '')) });

    const linked = await advanceUntil(handle, (v) => types(v).includes('project.orders_linked'), 1);
    expect(linked.project.orderIds).toHaveLength(2);
    // Each order's own workflow took it into the project: no clock of its own runs any more.
    for (const order of orders) {
      const view = await state(order);
      expect(view.order).toMatchObject({ status: 'bundled', unitId: 'wf-community' });
      expect(view.deadline).toBeNull();
    }

    const missed = await advanceUntil(handle, (v) => types(v).includes('project.milestone_missed'));
    const warned = missed.timeline.find((e) => e.type === 'project.milestone_warned')!;
    const escalation = missed.timeline.find((e): e is Extract<ProjectEvent, { type: 'project.milestone_missed' }> => e.type === 'project.milestone_missed')!;
    expect(types(missed).indexOf('project.milestone_warned')).toBeLessThan(types(missed).indexOf('project.milestone_missed'));
    expect(escalation.data).toMatchObject({ milestoneId: 'm1', escalatedToUnitId: 'wf-street', level: 'street', accountability: false });
    const milestone = missed.project.milestones[0]!;
    // The warning came at 80 % of the milestone's working time, the escalation once it had passed.
    expect(Date.parse(warned.at)).toBeGreaterThanOrEqual(Date.parse(milestone.warnAt));
    expect(Date.parse(warned.at)).toBeLessThan(Date.parse(milestone.dueAt));
    expect(Date.parse(escalation.at)).toBeGreaterThanOrEqual(Date.parse(milestone.dueAt));
    expect(milestone.state).toBe('missed');

    const reached = await handle.executeUpdate(projectActUpdate, { args: [{ command: { type: 'reachMilestone', milestoneId: 'm1' }, actor: { role: 'unit_handler', id: 'h-1', unitId: 'wf-community' } }] });
    expect(reached.timeline.at(-1)).toMatchObject({ type: 'project.milestone_reached', data: { late: true } });
  });

  it('project.stateCheck: completion resolves every bundled order through its workflow, which then awaits its rating; one the resident withdrew is skipped with the reason', async () => {
    const order = await startOrder(testEnv.client, harness.taskQueue, placedInput());
    const withdrawn = await startOrder(testEnv.client, harness.taskQueue, placedInput());
    await waitForState(order, (v) => v.deadline !== null);
    await waitForState(withdrawn, (v) => v.deadline !== null);
    const idOf = (h: WorkflowHandle) => h.workflowId.replace(/^order-/, '');
    const handle = await startProject({ orderIds: [idOf(order), idOf(withdrawn)], ownerUnitId: 'wf-hrss', milestones: [{ id: 'm1', name: '协调', workingDays: 2 }] });
    await advanceUntil(handle, (v) => types(v).includes('project.orders_linked'), 1);
    // The resident withdraws a bundled order: its run ends (end-when-final), its projectId stays.
    await act(withdrawn, { command: { type: 'withdraw', reason: '问题已自行解决' }, actor: RESIDENT });
    await withdrawn.result();
    const handler = { role: 'unit_handler', id: 'h-hrss', unitId: 'wf-hrss' } as const;
    // Another unit's handler may not touch it; completing before the milestone is refused with the reason.
    await expect(handle.executeUpdate(projectActUpdate, { args: [{ command: { type: 'progress', note: 'x', percent: 5 }, actor: { ...handler, unitId: 'wf-community' } }] })).rejects.toThrow();
    await expect(handle.executeUpdate(projectActUpdate, { args: [{ command: { type: 'complete', result: '已补发' }, actor: handler }] })).rejects.toThrow();
    await handle.executeUpdate(projectActUpdate, { args: [{ command: { type: 'reachMilestone', milestoneId: 'm1' }, actor: handler }] });
    const done = await handle.executeUpdate(projectActUpdate, { args: [{ command: { type: 'complete', result: '已统一协调补发工资' }, actor: handler }] });
    expect(done.project.status).toBe('completed');
    const finished = (await handle.result()) as ProjectView;
    expect(finished.resolution).toEqual({ resolved: [idOf(order)], skipped: [{ orderId: idOf(withdrawn), reason: expect.stringContaining('withdrawn') }] });
    const view = await state(order);
    expect(view.order.status).toBe('awaiting_rating');
    expect(view.timeline.find((e) => e.type === 'order.resolved')).toMatchObject({ type: 'order.resolved', data: { result: '已统一协调补发工资', projectId: done.project.projectId } });
  });
});
