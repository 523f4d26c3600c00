// Every timeout path of the serviceOrder workflow, on the time-skipping test server with the
// real activities (PostgreSQL, Kafka) and realistic deadlines (working hours and days): each
// scenario lets weeks of workflow time pass in seconds of wall time.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import type { OrderView } from '../src/contract';
import { recordPath } from './corpus';
import {
  act,
  createHarness,
  registerSearchAttributes,
  DISPATCHER,
  env,
  handlerOf,
  placedInput,
  RESIDENT,
  startOrder,
  state,
  types,
  waitForState,
  type Harness,
} from '@diandan/testkit';

let testEnv: TestWorkflowEnvironment;
let harness: Harness;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  testEnv = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: env('TEMPORAL_TEST_SERVER') } },
  });
  await registerSearchAttributes(testEnv.connection);
  harness = await createHarness('timeouts');
  worker = await harness.createWorker(testEnv.nativeConnection);
  running = worker.run();
}, 300_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await harness?.close();
  await testEnv?.teardown();
});

/**
 * Lets workflow time pass until `done` holds; fails after `maxDays` of workflow time. It jumps to
 * the next timer the order announces (its warning, then its deadline) instead of polling every few
 * hours: a few round trips per scenario, so a loaded machine does not turn weeks into minutes.
 */
async function advanceUntil(handle: WorkflowHandle, done: (v: OrderView) => boolean, maxDays = 60): Promise<OrderView> {
  const limit = (await testEnv.currentTimeMs()) + maxDays * 86_400_000;
  for (;;) {
    const view = await state(handle);
    if (done(view)) return view;
    const now = await testEnv.currentTimeMs();
    if (now > limit) throw new Error(`not reached in ${maxDays} days; events: ${types(view).join(', ')}`);
    const ahead = view.deadline ? [view.deadline.warnAt, view.deadline.dueAt].map(Date.parse).filter((t) => t > now) : [];
    // A minute past the next timer; a timer just past whose change the view does not show yet: a
    // minute (the workflow is catching up); no running clock: four hours at a time.
    const step = ahead.length > 0 ? Math.min(...ahead) - now + 60_000 : view.deadline && !view.deadline.overdue ? 60_000 : 4 * 3_600_000;
    await testEnv.sleep(step);
  }
}

/** This test's orders: ended after it, so that later tests' weeks of skipped time do not fire their timers too. */
const started: WorkflowHandle[] = [];
afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((handle) => handle.terminate('test over')));
});

const start = async () => {
  const handle = await startOrder(testEnv.client, harness.taskQueue, placedInput());
  started.push(handle);
  await waitForState(handle, (v) => v.deadline !== null);
  return handle;
};
const has = (type: string) => (v: OrderView) => types(v).includes(type);
/** The state once the current stage's clock runs (it is computed just after each change). */
const settled = (handle: WorkflowHandle) => waitForState(handle, (v) => v.deadline !== null);

describe('serviceOrder deadlines (time-skipping server)', () => {
  it('triage breach: an order nobody dispatches raises a supervisor alert and turns overdue', async () => {
    const handle = await start();
    expect((await state(handle)).deadline?.stage).toBe('triage');
    const view = await advanceUntil(handle, has('order.supervisor_alerted'));
    const alert = view.timeline.find((e) => e.type === 'order.supervisor_alerted');
    expect(alert?.data).toMatchObject({ stage: 'triage' });
    expect(view.order.status).toBe('placed');
    expect(view.deadline?.overdue).toBe(true);
    await recordPath(handle, 'v2-triage-breach');
  });

  it('80 % warning: an automatic 催办 comes before the acceptance deadline escalates', async () => {
    const handle = await start();
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    const view = await advanceUntil(handle, has('order.escalated'));
    const kinds = types(view);
    const urged = view.timeline.find((e) => e.type === 'order.urged');
    expect(urged?.data).toMatchObject({ stage: 'accept', automatic: true });
    expect(kinds.indexOf('order.urged')).toBeLessThan(kinds.indexOf('order.escalated'));
    // The warning came at 80 % of 4 working hours, i.e. before the deadline it announced.
    expect(Date.parse(urged!.at)).toBeLessThan(Date.parse(urged?.type === 'order.urged' ? urged.data.dueAt ?? '' : ''));
    await recordPath(handle, 'v2-accept-warning-then-breach');
  });

  it('acceptance breach at community: the order climbs to the street by itself, with fresh deadlines', async () => {
    const handle = await start();
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    const before = await settled(handle);
    const view = await advanceUntil(handle, has('order.escalated'));
    const escalated = view.timeline.find((e) => e.type === 'order.escalated');
    expect(escalated).toMatchObject({ level: 'street', unitId: 'wf-street', actor: { role: 'system' } });
    expect(view.order).toMatchObject({ status: 'dispatched', level: 'street', unitId: 'wf-street' });
    expect(view.deadline?.stage).toBe('accept');
    expect(Date.parse(view.deadline!.dueAt)).toBeGreaterThan(Date.parse(before.deadline!.dueAt));
    await recordPath(handle, 'v2-accept-breach-community-to-street');
  });

  it('resolution breach at street: the order climbs to the district unit the category names', async () => {
    const handle = await start();
    const street = handlerOf('wf-street');
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-street' }, actor: DISPATCHER });
    await act(handle, { command: { type: 'accept' }, actor: street });
    await act(handle, { command: { type: 'opinion', opinion: '已联系劳动监察大队，正在核实' }, actor: street });
    expect((await settled(handle)).deadline?.stage).toBe('resolve');
    const view = await advanceUntil(handle, has('order.escalated'), 40);
    expect(view.timeline.find((e) => e.type === 'order.escalated')).toMatchObject({ level: 'district', unitId: 'wf-hrss' });
    // 10 working days at street level: at least two calendar weeks passed before the climb.
    const opinionAt = Date.parse(view.timeline.find((e) => e.type === 'order.opinion_given')!.at);
    const escalatedAt = Date.parse(view.timeline.find((e) => e.type === 'order.escalated')!.at);
    expect(escalatedAt - opinionAt).toBeGreaterThanOrEqual(13 * 86_400_000);
    await recordPath(handle, 'v2-resolve-breach-street-to-district');
  });

  it('opinion breach at community: accepted but no preliminary opinion in time, the order climbs to the street', async () => {
    const handle = await start();
    const community = handlerOf('wf-community');
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    const accepted = await act(handle, { command: { type: 'accept' }, actor: community });
    expect(accepted.deadline?.stage).toBe('opinion');
    const view = await advanceUntil(handle, has('order.escalated'));
    expect(view.timeline.find((e) => e.type === 'order.escalated')).toMatchObject({ level: 'street', data: { trigger: 'deadline', stage: 'opinion' } });
    await recordPath(handle, 'v2-opinion-breach-community-to-street');
  });

  it('district breach: a supervisor alert and an accountability record (追责), and the order stays put', async () => {
    const handle = await start();
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-hrss' }, actor: DISPATCHER });
    const view = await advanceUntil(handle, has('order.accountability_recorded'));
    expect(view.timeline.find((e) => e.type === 'order.supervisor_alerted')?.data).toMatchObject({ stage: 'accept' });
    expect(view.timeline.find((e) => e.type === 'order.accountability_recorded')?.data).toMatchObject({
      stage: 'accept',
      unitId: 'wf-hrss',
    });
    expect(view.order).toMatchObject({ status: 'dispatched', level: 'district', unitId: 'wf-hrss' });
    expect(view.deadline?.overdue).toBe(true);
    await recordPath(handle, 'v2-district-breach');
  });

  it('rating window runs out: closed unrated and flagged for a callback (回访); the run completes there', async () => {
    const handle = await start();
    await act(handle, {
      command: { type: 'answer', answer: '可拨打12333劳动保障热线，或到区劳动监察大队现场投诉' },
      actor: { role: 'operator', id: 'op-1' },
    });
    expect((await settled(handle)).deadline?.stage).toBe('rating');
    await testEnv.sleep('8 days');
    // Final once the window closed it (end-when-final): the run's result is the closed order. A
    // late rating is answered by services/feedback from the read model (test/e2e/lateActions.test.ts).
    const result = (await handle.result()) as OrderView;
    expect(result.order.status).toBe('closed');
    expect(types(result).slice(-2)).toEqual(['order.closed', 'order.callback_flagged']);
    expect(result.timeline.find((e) => e.type === 'order.closed')?.data).toMatchObject({ outcome: 'unrated' });
    await recordPath(handle, 'v5-rating-timeout-completes');
  });

  it('dissatisfied: the order reopens once, one level up; a second dissatisfied rating closes it', async () => {
    const handle = await start();
    const community = handlerOf('wf-community');
    await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
    await act(handle, { command: { type: 'accept' }, actor: community });
    await act(handle, { command: { type: 'opinion', opinion: '社区调解员上门了解情况' }, actor: community });
    await act(handle, { command: { type: 'resolve', result: '已调解，老板承诺月底前支付' }, actor: community });
    const reopened = await act(handle, { command: { type: 'rate', rating: 'dissatisfied', comment: '到现在还没拿到钱' }, actor: RESIDENT });
    expect(reopened.order).toMatchObject({ status: 'dispatched', level: 'street', unitId: 'wf-street', reopened: true });
    const street = handlerOf('wf-street');
    await act(handle, { command: { type: 'accept' }, actor: street });
    await act(handle, { command: { type: 'opinion', opinion: '街道劳动保障所介入' }, actor: street });
    await act(handle, { command: { type: 'resolve', result: '工资已全部结清' }, actor: street });
    const closed = await act(handle, { command: { type: 'rate', rating: 'dissatisfied' }, actor: RESIDENT });
    expect(closed.order.status).toBe('closed');
    expect(closed.order.rating).toBe('dissatisfied');
    await recordPath(handle, 'v2-dissatisfied-reopen-then-close');
  });
});
