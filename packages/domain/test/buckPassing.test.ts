import { decide, detectBuckPassing, type Actor, type Command, type OrderSnapshot } from '../src';
import { actors, CONTEXT, newOrder } from './fixtures';

describe('detectBuckPassing', () => {
  test('a clean history is not flagged', () => {
    expect(detectBuckPassing({ returns: 1, assignedUnitIds: ['comm-a1', 'comm-a2', 'street-a'] })).toEqual({
      flagged: false,
      patterns: [],
      returns: 1,
    });
  });

  test('three returns flag by default', () => {
    expect(detectBuckPassing({ returns: 2, assignedUnitIds: [] }).flagged).toBe(false);
    expect(detectBuckPassing({ returns: 3, assignedUnitIds: [] })).toMatchObject({ flagged: true, patterns: ['returns'] });
  });

  test('the return threshold is configurable', () => {
    expect(detectBuckPassing({ returns: 2, assignedUnitIds: [] }, { maxReturns: 2 }).flagged).toBe(true);
  });

  test('A → B → A is a ping-pong between the same two units', () => {
    expect(detectBuckPassing({ returns: 2, assignedUnitIds: ['comm-a1', 'comm-a2', 'comm-a1'] })).toEqual({
      flagged: true,
      patterns: ['ping_pong'],
      pingPong: ['comm-a1', 'comm-a2'],
      returns: 2,
    });
  });

  test('being dispatched twice in a row to the same unit is one stay, not a ping-pong', () => {
    expect(detectBuckPassing({ returns: 1, assignedUnitIds: ['comm-a1', 'comm-a1', 'comm-a2'] }).flagged).toBe(false);
  });

  test('both patterns are reported together', () => {
    expect(detectBuckPassing({ returns: 4, assignedUnitIds: ['x', 'y', 'z', 'y'] }).patterns).toEqual(['returns', 'ping_pong']);
  });
});

describe('buck-passing in the order lifecycle', () => {
  const step = (order: OrderSnapshot, command: Command, actor: Actor) => {
    const result = decide(order, command, actor, CONTEXT);
    if (!result.ok) throw new Error(result.error.reason);
    return result.value;
  };
  const bounce = (order: OrderSnapshot, unitId: string) => {
    const dispatched = step(order, { type: 'dispatch', unitId }, actors.dispatcher);
    const returned = step(dispatched.order, { type: 'return', reason: '不归我们管' }, actors.handler(unitId));
    return { dispatched, returned };
  };

  test('dispatching back to a unit that returned it raises the flag once', () => {
    const first = bounce(newOrder(), 'comm-a1');
    const second = bounce(first.returned.order, 'comm-a2');
    const back = step(second.returned.order, { type: 'dispatch', unitId: 'comm-a1' }, actors.dispatcher);
    expect(back.events.map((e) => e.type)).toEqual(['order.dispatched', 'order.buck_passing_flagged']);
    expect(back.events[1]?.data).toEqual({ patterns: ['ping_pong'], returns: 2, pingPong: ['comm-a1', 'comm-a2'] });
    expect(back.order.buckPassingFlagged).toBe(true);

    const again = step(back.order, { type: 'return', reason: 'still not ours' }, actors.handler('comm-a1'));
    expect(again.events.map((e) => e.type)).toEqual(['order.returned']);
  });

  test('the third return raises the flag on the return itself', () => {
    let order = newOrder();
    for (const unitId of ['comm-a1', 'comm-a2']) order = bounce(order, unitId).returned.order;
    const { returned } = bounce(order, 'comm-b1');
    expect(returned.order.bounces).toBe(3);
    expect(returned.events.map((e) => e.type)).toEqual(['order.returned', 'order.buck_passing_flagged']);
  });

  test('the threshold comes from the decision context', () => {
    const strict = { ...CONTEXT, buckPassing: { maxReturns: 1 } };
    const dispatched = decide(newOrder(), { type: 'dispatch', unitId: 'comm-a1' }, actors.dispatcher, strict);
    if (!dispatched.ok) throw new Error(dispatched.error.reason);
    const returned = decide(dispatched.value.order, { type: 'return', reason: 'no' }, actors.handler('comm-a1'), strict);
    expect(returned.ok && returned.value.events.map((e) => e.type)).toEqual(['order.returned', 'order.buck_passing_flagged']);
  });
});
