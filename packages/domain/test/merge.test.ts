// Merge as the domain decides it (docs/merge.md): the duplicate rests `merged` until its survivor's
// result resolves it or a dispatcher un-merges it; the survivor keeps the list of its duplicates.
import { decide, survivorOutcome, type Command, type OrderSnapshot } from '../src';
import { actors, apply, CONTEXT, dispatchedTo, inProgressAt, newOrder } from './fixtures';

const SURVIVOR = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const DUPLICATE = '1a2b3c4d-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const merged = (): OrderSnapshot => apply(newOrder(), [{ type: 'merge', intoOrderId: SURVIVOR, intoTrackingCode: 'DD-TEST-CODE' }, actors.dispatcher]);
const decideOk = (order: OrderSnapshot, command: Command, actor = actors.system as Parameters<typeof decide>[2]) => {
  const result = decide(order, command, actor, CONTEXT);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
};
const reason = (order: OrderSnapshot, command: Command, actor = actors.system as Parameters<typeof decide>[2]) => {
  const result = decide(order, command, actor, CONTEXT);
  if (result.ok) throw new Error('accepted');
  return result.error;
};

describe('the merged order', () => {
  test('merge.trackingCheck: the event names the survivor by id and tracking code', () => {
    const decision = decideOk(newOrder(), { type: 'merge', intoOrderId: SURVIVOR, intoTrackingCode: 'DD-TEST-CODE' }, actors.dispatcher);
    expect(decision.events[0]).toMatchObject({ type: 'order.merged', status: 'merged', data: { intoOrderId: SURVIVOR, intoTrackingCode: 'DD-TEST-CODE' } });
  });

  test('merge.idempotent: the same merge again changes nothing and is no error', () => {
    const decision = decideOk(merged(), { type: 'merge', intoOrderId: SURVIVOR }, actors.dispatcher);
    expect(decision.events).toEqual([]);
    expect(decision.order.status).toBe('merged');
  });

  test('merge into another order once merged is refused', () => {
    expect(reason(merged(), { type: 'merge', intoOrderId: DUPLICATE }, actors.dispatcher).code).toBe('illegal_transition');
  });

  test('the survivor’s result resolves it, and its resident is asked to rate', () => {
    const decision = decideOk(merged(), { type: 'resolveMerged', survivorOrderId: SURVIVOR, result: '已在小区门口加装路灯', survivorTrackingCode: 'DD-TEST-CODE' });
    expect(decision.order.status).toBe('awaiting_rating');
    expect(decision.events[0]).toMatchObject({ type: 'order.resolved', data: { result: '已在小区门口加装路灯', viaOrderId: SURVIVOR, viaTrackingCode: 'DD-TEST-CODE' } });
    const rated = decideOk(decision.order, { type: 'rate', rating: 'satisfied' }, actors.resident);
    expect(rated.order.status).toBe('closed');
  });

  test('a result from another order than its survivor is refused', () => {
    expect(reason(merged(), { type: 'resolveMerged', survivorOrderId: DUPLICATE, result: 'x' }).code).toBe('illegal_transition');
  });

  test('un-merge by a dispatcher: back to the queue, the survivor forgotten', () => {
    const decision = decideOk(merged(), { type: 'unmerge', reason: '不是同一诉求' }, actors.dispatcher);
    expect(decision.order).toMatchObject({ status: 'placed', unitId: null });
    expect(decision.order.mergedInto).toBeUndefined();
    expect(decision.events[0]).toMatchObject({ type: 'order.unmerged', data: { fromOrderId: SURVIVOR, trigger: 'manual', reason: '不是同一诉求' } });
  });

  test('un-merge by the system is the survivor having ended', () => {
    expect(decideOk(merged(), { type: 'unmerge' }).events[0]).toMatchObject({ data: { trigger: 'survivor_ended' } });
  });

  test('un-merge after the result is refused (resolution wins)', () => {
    const resolved = decideOk(merged(), { type: 'resolveMerged', survivorOrderId: SURVIVOR, result: '办结' }).order;
    expect(reason(resolved, { type: 'unmerge' }, actors.dispatcher)).toMatchObject({ code: 'illegal_transition' });
  });

  test('operators and units may not un-merge', () => {
    expect(reason(merged(), { type: 'unmerge' }, actors.operator).code).toBe('forbidden');
    expect(reason(merged(), { type: 'unmerge' }, actors.handler('comm-a1')).code).toBe('forbidden');
  });
});

describe('the survivor', () => {
  test('takes duplicates on once each, in any open status', () => {
    for (const open of [newOrder(), dispatchedTo('comm-a1'), inProgressAt('comm-a1')]) {
      const once = decideOk(open, { type: 'linkDuplicate', orderId: DUPLICATE, trackingCode: 'DD-DUP' });
      expect(once.order.duplicates).toEqual([DUPLICATE]);
      expect(once.events[0]).toMatchObject({ type: 'order.duplicate_linked', data: { orderId: DUPLICATE, trackingCode: 'DD-DUP' } });
      expect(decideOk(once.order, { type: 'linkDuplicate', orderId: DUPLICATE }).events).toEqual([]);
    }
  });

  test('a resolved, merged or closed order takes no duplicate', () => {
    const awaiting = decideOk(inProgressAt('comm-a1'), { type: 'resolve', result: 'done' }, actors.handler('comm-a1')).order;
    expect(reason(awaiting, { type: 'linkDuplicate', orderId: DUPLICATE }).code).toBe('illegal_transition');
    expect(reason(merged(), { type: 'linkDuplicate', orderId: DUPLICATE }).code).toBe('illegal_transition');
  });

  test('an order carrying duplicates cannot itself be merged away', () => {
    const carrying = decideOk(newOrder(), { type: 'linkDuplicate', orderId: DUPLICATE }).order;
    expect(reason(carrying, { type: 'merge', intoOrderId: SURVIVOR }, actors.dispatcher).reason).toContain('merged into this one');
  });

  test('lets a duplicate go in any status, once', () => {
    const carrying = decideOk(inProgressAt('comm-a1'), { type: 'linkDuplicate', orderId: DUPLICATE }).order;
    const resolved = decideOk(carrying, { type: 'resolve', result: 'done' }, actors.handler('comm-a1')).order;
    const unlinked = decideOk(resolved, { type: 'unlinkDuplicate', orderId: DUPLICATE });
    expect(unlinked.order.duplicates).toEqual([]);
    expect(unlinked.events[0]).toMatchObject({ type: 'order.duplicate_unlinked' });
    expect(decideOk(unlinked.order, { type: 'unlinkDuplicate', orderId: DUPLICATE }).events).toEqual([]);
  });

  test('survivorOutcome: a result resolves the duplicates, an end without one releases them', () => {
    const carrying = decideOk(inProgressAt('comm-a1'), { type: 'linkDuplicate', orderId: DUPLICATE }).order;
    expect(survivorOutcome(carrying, decideOk(carrying, { type: 'resolve', result: '已维修' }, actors.handler('comm-a1')))).toEqual({ kind: 'resolved', result: '已维修' });
    expect(survivorOutcome(carrying, decideOk(carrying, { type: 'withdraw' }, actors.operator))).toEqual({ kind: 'ended' });
    expect(survivorOutcome(carrying, decideOk(carrying, { type: 'urge' }, actors.dispatcher))).toBeNull();
    const queued = decideOk(newOrder(), { type: 'linkDuplicate', orderId: DUPLICATE }).order;
    expect(survivorOutcome(queued, decideOk(queued, { type: 'answer', answer: '可到服务中心办理' }, actors.dispatcher))).toEqual({ kind: 'resolved', result: '可到服务中心办理' });
    expect(survivorOutcome(newOrder(), decideOk(newOrder(), { type: 'answer', answer: 'x' }, actors.dispatcher))).toBeNull();
  });
});

describe('answer from the knowledge base', () => {
  test('the answer event carries the entry and its version', () => {
    const decision = decideOk(newOrder(), { type: 'answer', answer: '工作日九点到五点', entryId: 'kb-1', entryVersion: 3 }, actors.dispatcher);
    expect(decision.events[0]).toMatchObject({ type: 'order.answered', data: { answer: '工作日九点到五点', entryId: 'kb-1', entryVersion: 3 } });
  });

  test('a malformed entry reference is invalid input', () => {
    expect(reason(newOrder(), { type: 'answer', answer: 'x', entryId: '' }, actors.dispatcher).code).toBe('invalid_input');
    expect(reason(newOrder(), { type: 'answer', answer: 'x', entryId: 'kb-1', entryVersion: 0 }, actors.dispatcher).code).toBe('invalid_input');
  });
});
