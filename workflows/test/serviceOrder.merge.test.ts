// Merge between two serviceOrder workflows on the dev server (docs/merge.md): the duplicate asks
// the survivor to take it on, rests merged, and is resolved by the survivor's result — or
// un-merged by a dispatcher, or released when the survivor ends unresolved. Concurrent changes of
// both orders never leave a merge half done. The v3-* histories join the replay corpus.
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { recordPath } from './corpus';
import { act, DISPATCHER, handlerOf, placedInput, RESIDENT, resolveOrder, startOnDevServer, startOrder, state, types, waitForState, type DevServerRig, type Harness } from '@diandan/testkit';
import type { OrderView } from '../src/contract';

let rig: DevServerRig;
let harness: Harness;
let client: Client;

beforeAll(async () => {
  rig = await startOnDevServer('merge');
  ({ harness, client } = rig);
}, 300_000);

afterAll(async () => {
  await rig?.close();
});

const start = async () => {
  const handle = await startOrder(client, harness.taskQueue, placedInput());
  await waitForState(handle, (v) => v.deadline !== null);
  return handle;
};
const idOf = (handle: WorkflowHandle) => handle.workflowId.replace(/^order-/, '');
const merge = (duplicate: WorkflowHandle, survivor: WorkflowHandle) =>
  act(duplicate, { command: { type: 'merge', intoOrderId: idOf(survivor) }, actor: DISPATCHER });
const unmerge = (duplicate: WorkflowHandle) => act(duplicate, { command: { type: 'unmerge', reason: '不是同一诉求' }, actor: DISPATCHER });

async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
    return { type: cause.type, message: cause.message };
  }
  throw new Error('the update was accepted');
}

const count = (view: OrderView, type: string) => types(view).filter((t) => t === type).length;

describe('merge links two order workflows (dev server)', () => {
  it('merge.resolveCheck: the survivor’s result resolves the duplicate; each resident rates their own', async () => {
    const survivor = await start();
    const duplicate = await start();
    const merged = await merge(duplicate, survivor);
    expect(merged.order).toMatchObject({ status: 'merged', mergedInto: idOf(survivor) });
    expect(merged.timeline.at(-1)).toMatchObject({ type: 'order.merged', data: { intoOrderId: idOf(survivor), intoTrackingCode: (await state(survivor)).trackingCode } });
    expect((await state(survivor)).order.duplicates).toEqual([idOf(duplicate)]);

    await resolveOrder(survivor, 'wf-community', '已协调施工方补发全部工资');
    const resolved = await waitForState(duplicate, (v) => v.order.status === 'awaiting_rating' && v.deadline !== null);
    expect(resolved.timeline.at(-1)).toMatchObject({ type: 'order.resolved', data: { result: '已协调施工方补发全部工资', viaOrderId: idOf(survivor) } });
    expect(resolved.deadline?.stage).toBe('rating');

    expect((await act(duplicate, { command: { type: 'rate', rating: 'satisfied' }, actor: RESIDENT })).order.status).toBe('closed');
    expect((await act(survivor, { command: { type: 'rate', rating: 'basically_satisfied' }, actor: RESIDENT })).order.status).toBe('closed');
    await recordPath(duplicate, 'v3-merge-resolved-by-survivor');
    await recordPath(survivor, 'v3-merge-survivor-resolves');
  });

  it('merge.idempotent: the same merge twice is one merge, one link', async () => {
    const survivor = await start();
    const duplicate = await start();
    await merge(duplicate, survivor);
    const again = await merge(duplicate, survivor);
    expect(count(again, 'order.merged')).toBe(1);
    expect(count(await state(survivor), 'order.duplicate_linked')).toBe(1);
  });

  it('unmerge: a dispatcher sends the duplicate back to the queue; the survivor lets it go', async () => {
    const survivor = await start();
    const duplicate = await start();
    await merge(duplicate, survivor);
    const back = await unmerge(duplicate);
    expect(back.order).toMatchObject({ status: 'placed', unitId: null });
    expect(back.order.mergedInto).toBeUndefined();
    expect(back.deadline?.stage).toBe('triage');
    const left = await waitForState(survivor, (v) => (v.order.duplicates ?? []).length === 0 && count(v, 'order.duplicate_unlinked') === 1);
    expect(left.order.status).toBe('placed');
    // Its result no longer concerns the un-merged order.
    await resolveOrder(survivor);
    expect((await state(duplicate)).order.status).toBe('placed');
    expect(await refusal(act(duplicate, { command: { type: 'unmerge' }, actor: DISPATCHER }))).toMatchObject({ type: 'illegal_transition' });
    await recordPath(duplicate, 'v3-unmerge');
  });

  it('a survivor that is resolved, merged, or the order itself is refused, and the duplicate stays as it was', async () => {
    const resolved = await start();
    await resolveOrder(resolved);
    const duplicate = await start();
    expect(await refusal(merge(duplicate, resolved))).toMatchObject({ type: 'illegal_transition', message: expect.stringContaining('the order to merge into refused') });
    expect((await state(duplicate)).order.status).toBe('placed');

    const survivor = await start();
    const middle = await start();
    await merge(middle, survivor);
    expect(await refusal(merge(duplicate, middle))).toMatchObject({ type: 'illegal_transition' });
    // An order carrying duplicates is not merged away itself.
    expect(await refusal(merge(survivor, duplicate))).toMatchObject({ type: 'illegal_transition', message: expect.stringContaining('merged into this one') });
    expect(await refusal(act(duplicate, { command: { type: 'merge', intoOrderId: '00000000-0000-4000-8000-000000000000' }, actor: DISPATCHER }))).toMatchObject({ type: 'not_found' });
  });

  it('a survivor withdrawn without a result releases its duplicates back to the queue', async () => {
    const survivor = await start();
    const duplicate = await start();
    await merge(duplicate, survivor);
    await act(survivor, { command: { type: 'withdraw', reason: '居民撤回' }, actor: RESIDENT });
    const released = await waitForState(duplicate, (v) => v.order.status === 'placed');
    expect(released.timeline.at(-1)).toMatchObject({ type: 'order.unmerged', data: { trigger: 'survivor_ended', fromOrderId: idOf(survivor) } });
    // The survivor, final, completed — after its signal was out (Temporal drops the signals of a
    // run that completed before they were sent). The duplicate's word that it left reaches a
    // completed run: logged by the duplicate, harmless.
    expect(((await survivor.result()) as OrderView).order.status).toBe('withdrawn');
    const history = (await survivor.fetchHistory()).events ?? [];
    expect(history.some((e) => e.externalWorkflowExecutionSignaledEventAttributes)).toBe(true);
    await recordPath(duplicate, 'v3-merge-survivor-withdrawn');
    await recordPath(survivor, 'v5-merge-survivor-withdrawn-completes');
  });

  it('a survivor that is closed (its run completed) refuses the duplicate in its own words', async () => {
    const closed = await start();
    await resolveOrder(closed);
    await act(closed, { command: { type: 'rate', rating: 'satisfied' }, actor: RESIDENT });
    await closed.result();
    const duplicate = await start();
    expect(await refusal(merge(duplicate, closed))).toEqual({
      type: 'illegal_transition',
      message: 'the order to merge into refused: cannot take a duplicate on: order is closed',
    });
    expect((await state(duplicate)).order.status).toBe('placed');
  });
});

describe('merge under concurrent change (dev server)', () => {
  it('merge.concurrencyCheck: a merge racing the survivor’s resolution ends merged-and-resolved, or refused — never merged and forgotten', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 4; round++) {
      const survivor = await start();
      await act(survivor, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
      await act(survivor, { command: { type: 'accept' }, actor: handlerOf('wf-community') });
      await act(survivor, { command: { type: 'opinion', opinion: '正在协调' }, actor: handlerOf('wf-community') });
      const duplicate = await start();
      const [merged, resolved] = await Promise.allSettled([
        merge(duplicate, survivor),
        act(survivor, { command: { type: 'resolve', result: '已办结' }, actor: handlerOf('wf-community') }),
      ]);
      expect(resolved.status).toBe('fulfilled');
      if (merged.status === 'fulfilled') {
        outcomes.push('merged');
        // The survivor took it on before its result: the result reaches the duplicate.
        const view = await waitForState(duplicate, (v) => v.order.status === 'awaiting_rating');
        expect(view.timeline.at(-1)).toMatchObject({ type: 'order.resolved', data: { viaOrderId: idOf(survivor) } });
      } else {
        outcomes.push('refused');
        expect((await state(duplicate)).order.status).toBe('placed');
        expect((await state(survivor)).order.duplicates ?? []).toEqual([]);
      }
    }
    expect(outcomes).toHaveLength(4);
  });

  it('an un-merge racing the survivor’s resolution: the duplicate is either resolved or back in the queue, consistently on both sides', async () => {
    for (let round = 0; round < 4; round++) {
      const survivor = await start();
      await act(survivor, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
      await act(survivor, { command: { type: 'accept' }, actor: handlerOf('wf-community') });
      await act(survivor, { command: { type: 'opinion', opinion: '正在协调' }, actor: handlerOf('wf-community') });
      const duplicate = await start();
      await merge(duplicate, survivor);
      const [unmerged] = await Promise.allSettled([unmerge(duplicate), act(survivor, { command: { type: 'resolve', result: '已办结' }, actor: handlerOf('wf-community') })]);
      if (unmerged.status === 'fulfilled') {
        // Un-merged first: the survivor's result, if it was already on its way, is ignored.
        await waitForState(survivor, (v) => count(v, 'order.duplicate_unlinked') === 1);
        expect((await state(duplicate)).order.status).toBe('placed');
      } else {
        const view = await waitForState(duplicate, (v) => v.order.status === 'awaiting_rating');
        expect(count(view, 'order.unmerged')).toBe(0);
      }
    }
  });

  it('two orders merged into each other at the same moment: at most one merge happens', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await start();
      const b = await start();
      const results = await Promise.allSettled([merge(a, b), merge(b, a)]);
      const [va, vb] = [await state(a), await state(b)];
      expect([va.order.status, vb.order.status].filter((s) => s === 'merged').length).toBe(results.filter((r) => r.status === 'fulfilled').length);
      expect(va.order.status === 'merged' && vb.order.status === 'merged').toBe(false);
    }
  });
});
