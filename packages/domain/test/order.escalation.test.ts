import { decide, type Actor, type Command, type OrderSnapshot } from '../src';
import { actors, apply, awaitingRatingAt, CONTEXT, dispatchedTo, inProgressAt, newOrder } from './fixtures';

const decideOk = (order: OrderSnapshot, command: Command, actor: Actor) => {
  const result = decide(order, command, actor, CONTEXT);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
};

describe('escalate by hand', () => {
  test('a community climbs to its own street', () => {
    const { order, events } = decideOk(
      dispatchedTo('comm-a2'),
      { type: 'escalate', reason: 'needs the street' },
      actors.handler('comm-a2'),
    );
    expect(order).toMatchObject({ status: 'dispatched', level: 'street', unitId: 'street-a' });
    expect(order.assignments.at(-1)).toEqual({ unitId: 'street-a', level: 'street', via: 'escalate' });
    expect(events).toEqual([
      {
        type: 'order.escalated',
        status: 'dispatched',
        level: 'street',
        unitId: 'street-a',
        data: { trigger: 'manual', reason: 'needs the street', fromUnitId: 'comm-a2', fromLevel: 'community', unitName: '东街道' },
      },
    ]);
  });

  test("category routing picks the responsible section inside the order's street", () => {
    const { order } = decideOk(dispatchedTo('comm-b1', 'employment'), { type: 'escalate', reason: 'job fair' }, actors.supervisor);
    expect(order.unitId).toBe('sec-b-social');
  });

  test('a supervisor may name the unit, which must sit one level up', () => {
    const ok = decideOk(inProgressAt('comm-a1'), { type: 'escalate', reason: 'x', toUnitId: 'street-b' }, actors.supervisor);
    expect(ok.order.unitId).toBe('street-b');
    const wrongLevel = decide(inProgressAt('comm-a1'), { type: 'escalate', reason: 'x', toUnitId: 'union' }, actors.supervisor, CONTEXT);
    expect(wrongLevel).toEqual({
      ok: false,
      error: { code: 'invalid_input', reason: 'cannot escalate: 区总工会 is not a street-level unit' },
    });
  });

  test('the district is the top of the ladder', () => {
    expect(decide(dispatchedTo('dept-civil'), { type: 'escalate', reason: 'x' }, actors.supervisor, CONTEXT)).toEqual({
      ok: false,
      error: { code: 'illegal_transition', reason: 'cannot escalate: order is already at district level, the top of the ladder' },
    });
  });
});

describe('deadline passed', () => {
  const system = actors.system;

  test('accept deadline below district: the order escalates by itself', () => {
    const { order, events } = decideOk(dispatchedTo('comm-a1'), { type: 'deadlinePassed', stage: 'accept' }, system);
    expect(order).toMatchObject({ status: 'dispatched', level: 'street', unitId: 'street-a' });
    expect(events[0]).toMatchObject({ type: 'order.escalated', data: { trigger: 'deadline', stage: 'accept', fromUnitId: 'comm-a1' } });
  });

  test('resolve deadline at street level escalates to the district federation', () => {
    const { order } = decideOk(inProgressAt('street-a'), { type: 'deadlinePassed', stage: 'resolve' }, system);
    expect(order).toMatchObject({ level: 'district', unitId: 'fed' });
  });

  test('at district level a breach raises a supervisor alert and an accountability record (追责)', () => {
    const before = inProgressAt('dept-civil');
    const { order, events } = decideOk(before, { type: 'deadlinePassed', stage: 'resolve' }, system);
    expect(order).toBe(before);
    expect(events.map((e) => e.type)).toEqual(['order.supervisor_alerted', 'order.accountability_recorded']);
    expect(events[1]?.data).toEqual({ stage: 'resolve', unitId: 'dept-civil' });
  });

  test('triage deadline alerts the supervisor; there is no unit to escalate from', () => {
    const { order, events } = decideOk(newOrder(), { type: 'deadlinePassed', stage: 'triage' }, system);
    expect(order.status).toBe('placed');
    expect(events).toEqual([
      { type: 'order.supervisor_alerted', status: 'placed', data: { stage: 'triage', reason: 'not dispatched in time' } },
    ]);
  });

  test('rating window expiry closes unrated and flags a callback (回访)', () => {
    const { order, events } = decideOk(awaitingRatingAt('comm-a1'), { type: 'deadlinePassed', stage: 'rating' }, system);
    expect(order.status).toBe('closed');
    expect(order.rating).toBeUndefined();
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['order.closed', { outcome: 'unrated' }],
      ['order.callback_flagged', { reason: 'rating window expired' }],
    ]);
  });

  test('a stale timer for an earlier stage is refused', () => {
    expect(decide(inProgressAt('comm-a1'), { type: 'deadlinePassed', stage: 'accept' }, system, CONTEXT)).toEqual({
      ok: false,
      error: { code: 'illegal_transition', reason: 'the accept deadline no longer runs: order is in progress' },
    });
  });

  test('only the system acts on deadlines', () => {
    const result = decide(dispatchedTo('comm-a1'), { type: 'deadlinePassed', stage: 'accept' }, actors.supervisor, CONTEXT);
    expect(result.ok || result.error.code).toBe('forbidden');
  });
});

describe('rating: dissatisfied reopens once, one level up', () => {
  test('first dissatisfied rating reopens at the next level', () => {
    const { order, events } = decideOk(
      awaitingRatingAt('comm-a1'),
      { type: 'rate', rating: 'dissatisfied', comment: '没解决' },
      actors.resident,
    );
    expect(order).toMatchObject({ status: 'dispatched', reopened: true, level: 'street', unitId: 'street-a', rating: 'dissatisfied' });
    expect(order.assignments.at(-1)?.via).toBe('reopen');
    expect(events.map((e) => e.type)).toEqual(['order.rated', 'order.reopened']);
    expect(events[0]?.data).toEqual({ rating: 'dissatisfied', comment: '没解决' });
  });

  test('second dissatisfied rating closes the order', () => {
    const reopened = apply(awaitingRatingAt('comm-a1'), [{ type: 'rate', rating: 'dissatisfied' }, actors.resident]);
    const again = apply(
      reopened,
      [{ type: 'accept' }, actors.handler('street-a')],
      [{ type: 'opinion', opinion: 'street will coordinate' }, actors.handler('street-a')],
      [{ type: 'resolve', result: 'coordinated with the property company' }, actors.handler('street-a')],
    );
    const { order, events } = decideOk(again, { type: 'rate', rating: 'dissatisfied' }, actors.resident);
    expect(order.status).toBe('closed');
    expect(events.map((e) => e.type)).toEqual(['order.rated', 'order.closed']);
  });

  test('at district level the district federation takes the reopened order', () => {
    const { order } = decideOk(awaitingRatingAt('dept-civil'), { type: 'rate', rating: 'dissatisfied' }, actors.resident);
    expect(order).toMatchObject({ status: 'dispatched', level: 'district', unitId: 'fed' });
  });
});
