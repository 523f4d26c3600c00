// Late actions on a finished order (docs/scaling.md, "Lingering workflows"): the read model's row
// gives the snapshot, and decide() on it the same rejection the workflow would have given.
import { decide, lateRefusal, snapshotOfFinished, type Actor, type Command, type FinishedOrderRecord, type OrderSnapshot } from '../src';
import { actors, apply, awaitingRatingAt, CONTEXT, dispatchedTo, ORDER_ID, TREE } from './fixtures';

const row = (fields: Partial<FinishedOrderRecord>): FinishedOrderRecord => ({
  orderId: ORDER_ID,
  status: 'closed',
  level: 'community',
  unitId: 'comm-a1',
  categoryCode: null,
  priority: 'normal',
  bounces: 0,
  rating: 'satisfied',
  mergedIntoId: null,
  ...fields,
});

/** What the workflow itself answers on the same order (its state, not the read model's row). */
const workflowRejection = (order: OrderSnapshot, command: Command, actor: Actor) => {
  const decided = decide(order, command, actor, CONTEXT);
  if (decided.ok) throw new Error('the workflow accepted it');
  return decided.error;
};

describe('snapshotOfFinished', () => {
  test('a final row becomes a snapshot; a row the read model has not finished yet does not', () => {
    expect(snapshotOfFinished(row({}))).toMatchObject({ orderId: ORDER_ID, status: 'closed', level: 'community', unitId: 'comm-a1', rating: 'satisfied' });
    expect(snapshotOfFinished(row({ status: 'withdrawn', rating: null, level: null, unitId: null }))).toMatchObject({ status: 'withdrawn', level: null, unitId: null });
    expect(snapshotOfFinished(row({ status: 'awaiting_rating', rating: null }))).toBeNull();
    expect(snapshotOfFinished(row({ status: 'no such status' }))).toBeNull();
  });
});

describe('lateRefusal gives the workflow’s own words', () => {
  const closedInWorkflow = apply(awaitingRatingAt('comm-a1'), [{ type: 'rate', rating: 'satisfied' }, actors.resident]);
  const withdrawnInWorkflow = apply(dispatchedTo('comm-a1'), [{ type: 'withdraw' }, actors.resident]);
  const cases: [string, OrderSnapshot, FinishedOrderRecord, Command, Actor][] = [
    ['a second rating', closedInWorkflow, row({}), { type: 'rate', rating: 'dissatisfied' }, actors.resident],
    ['an accept on a closed order', closedInWorkflow, row({}), { type: 'accept' }, actors.handler('comm-a1')],
    ['a handler of another unit', closedInWorkflow, row({}), { type: 'accept' }, actors.handler('comm-a2')],
    ['an urge on a closed order', closedInWorkflow, row({}), { type: 'urge' }, actors.dispatcher],
    ['an accept on a withdrawn order', withdrawnInWorkflow, row({ status: 'withdrawn', rating: null }), { type: 'accept' }, actors.handler('comm-a1')],
    ['a withdraw of a withdrawn order', withdrawnInWorkflow, row({ status: 'withdrawn', rating: null }), { type: 'withdraw' }, actors.operator],
    ['an evaluator', withdrawnInWorkflow, row({ status: 'withdrawn', rating: null }), { type: 'urge' }, actors.evaluator],
  ];
  test.each(cases)('%s', (_, inWorkflow, record, command, actor) => {
    const snapshot = snapshotOfFinished(record)!;
    expect(lateRefusal(snapshot, command, actor, TREE)).toEqual(workflowRejection(inWorkflow, command, actor));
  });

  test('the reasons read as the domain says them', () => {
    expect(lateRefusal(snapshotOfFinished(row({}))!, { type: 'rate', rating: 'satisfied' }, actors.resident)).toEqual({
      code: 'illegal_transition',
      reason: 'cannot rate: order is closed',
      detail: { command: 'rate', status: 'closed' },
    });
    expect(lateRefusal(snapshotOfFinished(row({ status: 'invalid', rating: null }))!, { type: 'dispatch', unitId: 'comm-a1' }, actors.dispatcher).reason).toBe(
      'cannot dispatch: order is marked invalid',
    );
  });

  test('what decide would still take (bookkeeping) is refused as a finished order', () => {
    const refused = lateRefusal(snapshotOfFinished(row({}))!, { type: 'unlinkDuplicate', orderId: 'other' }, actors.system);
    expect(refused).toMatchObject({ code: 'illegal_transition', reason: expect.stringContaining('is finished') });
  });
});
