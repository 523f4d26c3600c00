// Reference data reaches running workflows: an order that started before an administrator added a
// unit does not know it; at its next stage change (when the deadline activity reports a newer
// reference version) it reloads the unit tree and routing, and then the new unit can be chosen.
// On the dev server with the real activities, reading the run's database without a cache.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { act, DISPATCHER, handlerOf, placedInput, startOnDevServer, startOrder, waitForState, type DevServerRig } from '@diandan/testkit';

let rig: DevServerRig;
beforeAll(async () => {
  rig = await startOnDevServer('reference', { referenceCacheMs: 0 });
}, 300_000);
afterAll(async () => {
  await rig?.close();
});

describe('reference data in running workflows', () => {
  it('reference.reloadCheck: a unit added after the start is unknown until the next stage change, then it can be dispatched to', async () => {
    const handle = await startOrder(rig.client, rig.harness.taskQueue, placedInput());
    await waitForState(handle, (v) => v.deadline !== null);

    const unitId = `wf-new-${randomUUID().slice(0, 8)}`;
    await rig.harness.prisma.unit.create({ data: { id: unitId, name: '新建社区', kind: 'community', level: 'community', parentId: 'wf-street' } });
    try {
      // The order still decides on the tree it loaded at its start: the new unit is unknown.
      const early = await act(handle, { command: { type: 'dispatch', unitId }, actor: DISPATCHER }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(early).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((early as WorkflowUpdateFailedError).cause as Error).message).toMatch(unitId);

      // A stage change computes a deadline with the newer reference version: the workflow reloads.
      await act(handle, { command: { type: 'dispatch', unitId: 'wf-community' }, actor: DISPATCHER });
      await waitForState(handle, (v) => v.order.status === 'dispatched' && v.deadline !== null);
      await act(handle, { command: { type: 'return', reason: '不属于本社区' }, actor: handlerOf('wf-community') });
      await waitForState(handle, (v) => v.order.status === 'placed' && v.deadline !== null);

      const later = await act(handle, { command: { type: 'dispatch', unitId }, actor: DISPATCHER });
      expect(later.order).toMatchObject({ status: 'dispatched', unitId, level: 'community' });
    } finally {
      await handle.terminate('test done').catch(() => undefined);
      await rig.harness.prisma.unit.update({ where: { id: unitId }, data: { active: false } });
    }
  }, 120_000);
});
