import { decide, ORDER_STATUSES, stageForStatus, TRANSITIONS, type Actor, type Command, type OrderSnapshot } from '../src';
import { actors, apply, awaitingRatingAt, CONTEXT, dispatchedTo, inProgressAt, newOrder, ORDER_ID } from './fixtures';

const accepted = (order: OrderSnapshot, command: Command, actor: Actor) => {
  const result = decide(order, command, actor, CONTEXT);
  if (!result.ok) throw new Error(`expected ${command.type} to be accepted, got: ${result.error.reason}`);
  return result.value;
};

const rejection = (order: OrderSnapshot, command: Command, actor: Actor) => {
  const result = decide(order, command, actor, CONTEXT);
  if (result.ok) throw new Error(`expected ${command.type} to be rejected`);
  return result.error;
};

describe('happy path: place → dispatch → accept → opinion → resolve → rate', () => {
  test('each step moves the order and emits one event carrying the state after', () => {
    const steps: [Command, Actor, string, string][] = [
      [{ type: 'dispatch', unitId: 'comm-a1', level: 'community' }, actors.dispatcher, 'dispatched', 'order.dispatched'],
      [{ type: 'accept' }, actors.handler('comm-a1'), 'accepted', 'order.accepted'],
      [{ type: 'opinion', opinion: 'we will visit on Monday' }, actors.handler('comm-a1'), 'in_progress', 'order.opinion_given'],
      [{ type: 'resolve', result: 'repaired the stair light' }, actors.handler('comm-a1'), 'awaiting_rating', 'order.resolved'],
      [{ type: 'rate', rating: 'satisfied', comment: '很好' }, actors.resident, 'closed', 'order.rated'],
    ];
    let order = newOrder();
    for (const [command, actor, status, eventType] of steps) {
      const decision = accepted(order, command, actor);
      expect(decision.order.status).toBe(status);
      expect(decision.events[0]).toMatchObject({ type: eventType, status });
      order = decision.order;
    }
    expect(order).toMatchObject({ status: 'closed', rating: 'satisfied', unitId: 'comm-a1', level: 'community' });
  });

  test('dispatch records the unit, its level and the assignment', () => {
    const { order, events } = accepted(newOrder(), { type: 'dispatch', unitId: 'sec-a-social' }, actors.dispatcher);
    expect(order).toMatchObject({ unitId: 'sec-a-social', level: 'street' });
    expect(order.assignments).toEqual([{ unitId: 'sec-a-social', level: 'street', via: 'dispatch' }]);
    expect(events).toEqual([
      { type: 'order.dispatched', status: 'dispatched', level: 'street', unitId: 'sec-a-social', data: { unitName: '东街道社会事务科' } },
    ]);
  });

  test('a satisfied rating closes with two events: rated, then closed', () => {
    const { events } = accepted(awaitingRatingAt('comm-a1'), { type: 'rate', rating: 'basically_satisfied' }, actors.resident);
    expect(events.map((e) => e.type)).toEqual(['order.rated', 'order.closed']);
    expect(events[1]?.data).toEqual({ outcome: 'rated', rating: 'basically_satisfied' });
  });
});

describe('answer on the spot (即接即办)', () => {
  test('goes straight to awaiting rating, because on-the-spot answers are rated too', () => {
    const { order, events } = accepted(newOrder(), { type: 'answer', answer: 'The service hall opens at 9.' }, actors.operator);
    expect(order.status).toBe('awaiting_rating');
    expect(events).toEqual([{ type: 'order.answered', status: 'awaiting_rating', data: { answer: 'The service hall opens at 9.' } }]);
  });

  test('needs an answer', () => {
    expect(rejection(newOrder(), { type: 'answer', answer: '   ' }, actors.operator)).toEqual({
      code: 'invalid_input',
      reason: 'answer needs an answer',
    });
  });

  test('a dissatisfied rating of an on-the-spot answer reopens to the dispatch queue', () => {
    const answered = apply(newOrder(), [{ type: 'answer', answer: 'see the website' }, actors.operator]);
    const { order, events } = accepted(answered, { type: 'rate', rating: 'dissatisfied' }, actors.resident);
    expect(order).toMatchObject({ status: 'placed', reopened: true, unitId: null });
    expect(events.map((e) => e.type)).toEqual(['order.rated', 'order.reopened']);
    expect(events[1]?.data).toMatchObject({ toQueue: true });
  });
});

describe('transient states', () => {
  test('answered and resolved accept no command: an order never rests there', () => {
    expect(TRANSITIONS.answered).toEqual([]);
    expect(TRANSITIONS.resolved).toEqual([]);
  });

  test('final states accept no command', () => {
    for (const status of ['closed', 'invalid', 'withdrawn'] as const) expect(TRANSITIONS[status]).toEqual([]);
    // A merged order waits for its survivor's result, or for a dispatcher's un-merge (docs/merge.md).
    expect(TRANSITIONS.merged).toEqual(['unmerge', 'resolveMerged']);
  });

  test('every status has a row in the transition table', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
  });
});

describe('illegal transitions are rejected with a reason', () => {
  const closed = apply(awaitingRatingAt('comm-a1'), [{ type: 'rate', rating: 'satisfied' }, actors.resident]);

  test.each<[string, () => OrderSnapshot, Command, Actor, string]>([
    ['accept a closed order', () => closed, { type: 'accept' }, actors.handler('comm-a1'), 'cannot accept: order is closed'],
    [
      'rate before resolution',
      () => inProgressAt('comm-a1'),
      { type: 'rate', rating: 'satisfied' },
      actors.resident,
      'cannot rate: order is not resolved yet',
    ],
    ['rate twice', () => closed, { type: 'rate', rating: 'satisfied' }, actors.resident, 'cannot rate: order is closed'],
    [
      'accept twice',
      () => apply(dispatchedTo('comm-a1'), [{ type: 'accept' }, actors.handler('comm-a1')]),
      { type: 'accept' },
      actors.handler('comm-a1'),
      'cannot accept: order is already accepted',
    ],
    [
      'resolve before an opinion',
      () => apply(dispatchedTo('comm-a1'), [{ type: 'accept' }, actors.handler('comm-a1')]),
      { type: 'resolve', result: 'done' },
      actors.handler('comm-a1'),
      'cannot resolve: give a preliminary opinion (初步意见) first',
    ],
    [
      'resolve before accepting',
      () => dispatchedTo('comm-a1'),
      { type: 'resolve', result: 'done' },
      actors.handler('comm-a1'),
      'cannot resolve: order is not accepted yet',
    ],
    [
      'withdraw after resolution',
      () => awaitingRatingAt('comm-a1'),
      { type: 'withdraw' },
      actors.resident,
      'cannot withdraw: order is already resolved and awaiting rating',
    ],
    [
      'dispatch an order already dispatched',
      () => dispatchedTo('comm-a1'),
      { type: 'dispatch', unitId: 'comm-a2' },
      actors.dispatcher,
      'cannot dispatch: order is dispatched and not yet accepted',
    ],
    [
      'return after the opinion',
      () => inProgressAt('comm-a1'),
      { type: 'return', reason: 'not ours' },
      actors.handler('comm-a1'),
      'cannot return: order is in progress',
    ],
    [
      'escalate from the queue',
      newOrder,
      { type: 'escalate', reason: 'too hard' },
      actors.supervisor,
      'cannot escalate: order is not dispatched yet; dispatch it to a unit',
    ],
    [
      'mark a dispatched order invalid',
      () => dispatchedTo('comm-a1'),
      { type: 'markInvalid', reason: 'spam' },
      actors.dispatcher,
      'cannot mark invalid: order is dispatched and not yet accepted',
    ],
    ['urge a closed order', () => closed, { type: 'urge' }, actors.resident, 'cannot urge: order is closed'],
  ])('%s', (_name, order, command, actor, reason) => {
    expect(rejection(order(), command, actor)).toEqual({ code: 'illegal_transition', reason, detail: { command: command.type, status: order().status } });
  });
});

describe('required input', () => {
  test('resolve needs a result', () => {
    expect(rejection(inProgressAt('comm-a1'), { type: 'resolve', result: '' }, actors.handler('comm-a1'))).toEqual({
      code: 'invalid_input',
      reason: 'resolve needs a result',
    });
  });

  test('opinion, return, mark invalid and escalate need their text', () => {
    const accepted = apply(dispatchedTo('comm-a1'), [{ type: 'accept' }, actors.handler('comm-a1')]);
    expect(rejection(accepted, { type: 'opinion', opinion: ' ' }, actors.handler('comm-a1')).reason).toBe(
      'give an opinion needs an opinion',
    );
    expect(rejection(accepted, { type: 'return', reason: '' }, actors.handler('comm-a1')).reason).toBe('return needs a reason');
    expect(rejection(accepted, { type: 'escalate', reason: '' }, actors.handler('comm-a1')).reason).toBe('escalate needs a reason');
    expect(rejection(newOrder(), { type: 'markInvalid', reason: '' }, actors.dispatcher).reason).toBe('mark invalid needs a reason');
  });

  test('text longer than 4000 characters is refused', () => {
    const result = rejection(inProgressAt('comm-a1'), { type: 'resolve', result: '办'.repeat(4001) }, actors.handler('comm-a1'));
    expect(result.code).toBe('invalid_input');
  });

  test('text is stored trimmed', () => {
    const { events } = accepted(inProgressAt('comm-a1'), { type: 'resolve', result: '  fixed  ' }, actors.handler('comm-a1'));
    expect(events[0]?.data).toEqual({ result: 'fixed' });
  });

  test('a rating outside the three answers is refused', () => {
    const bogus = { type: 'rate', rating: 'meh' } as unknown as Command;
    expect(rejection(awaitingRatingAt('comm-a1'), bogus, actors.resident).code).toBe('invalid_input');
  });

  test('dispatch to an unknown unit or with the wrong level is refused', () => {
    expect(rejection(newOrder(), { type: 'dispatch', unitId: 'nowhere' }, actors.dispatcher)).toEqual({
      code: 'not_found',
      reason: 'cannot dispatch: unknown unit nowhere',
    });
    expect(rejection(newOrder(), { type: 'dispatch', unitId: 'comm-a1', level: 'street' }, actors.dispatcher).reason).toBe(
      'cannot dispatch: 东一社区 is a community-level unit, not street',
    );
  });
});

describe('return (退单)', () => {
  test('sends the order back to the dispatch queue and counts a bounce', () => {
    const { order, events } = accepted(dispatchedTo('comm-a1'), { type: 'return', reason: '不属于本社区' }, actors.handler('comm-a1'));
    expect(order).toMatchObject({ status: 'placed', unitId: null, bounces: 1, level: 'community' });
    expect(events).toEqual([
      { type: 'order.returned', status: 'placed', level: 'community', data: { reason: '不属于本社区', fromUnitId: 'comm-a1', bounces: 1 } },
    ]);
  });

  test('is allowed after accepting too, while no opinion is given', () => {
    const order = apply(dispatchedTo('comm-a1'), [{ type: 'accept' }, actors.handler('comm-a1')]);
    expect(accepted(order, { type: 'return', reason: 'wrong community' }, actors.handler('comm-a1')).order.status).toBe('placed');
  });
});

describe('merge, invalid, withdraw', () => {
  test('merge marks a duplicate and remembers the surviving order', () => {
    const other = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
    const { order, events } = accepted(newOrder(), { type: 'merge', intoOrderId: other }, actors.dispatcher);
    expect(order).toMatchObject({ status: 'merged', mergedInto: other });
    expect(events[0]).toMatchObject({ type: 'order.merged', data: { intoOrderId: other } });
  });

  test('an order cannot be merged into itself', () => {
    expect(rejection(newOrder(), { type: 'merge', intoOrderId: ORDER_ID }, actors.dispatcher).reason).toBe(
      'cannot merge: an order cannot duplicate itself',
    );
  });

  test('mark invalid closes the order as invalid', () => {
    expect(accepted(newOrder(), { type: 'markInvalid', reason: 'advertising' }, actors.operator).order.status).toBe('invalid');
  });

  test.each(['placed', 'dispatched', 'accepted', 'in_progress'])('the resident may withdraw while %s', (status) => {
    const orders: Record<string, () => OrderSnapshot> = {
      placed: newOrder,
      dispatched: () => dispatchedTo('comm-a1'),
      accepted: () => apply(dispatchedTo('comm-a1'), [{ type: 'accept' }, actors.handler('comm-a1')]),
      in_progress: () => inProgressAt('comm-a1'),
    };
    const order = orders[status]?.() ?? newOrder();
    expect(order.status).toBe(status);
    const { order: after, events } = accepted(order, { type: 'withdraw', reason: 'solved it myself' }, actors.resident);
    expect(after.status).toBe('withdrawn');
    expect(events[0]).toMatchObject({ type: 'order.withdrawn', data: { reason: 'solved it myself' } });
  });
});

describe('urge (催办)', () => {
  test('leaves the order where it is and records the nudge', () => {
    const order = dispatchedTo('comm-a1');
    const { order: after, events } = accepted(order, { type: 'urge', note: 'please hurry' }, actors.resident);
    expect(after).toBe(order);
    expect(events).toEqual([
      { type: 'order.urged', status: 'dispatched', level: 'community', unitId: 'comm-a1', data: { note: 'please hurry' } },
    ]);
  });
});

describe('stageForStatus', () => {
  test('names the clock that runs in each resting status', () => {
    expect(ORDER_STATUSES.map((s) => [s, stageForStatus(s)])).toEqual([
      ['placed', 'triage'],
      ['answered', null],
      ['dispatched', 'accept'],
      ['accepted', 'opinion'],
      ['in_progress', 'resolve'],
      ['bundled', null],
      ['resolved', null],
      ['awaiting_rating', 'rating'],
      ['closed', null],
      ['invalid', null],
      ['merged', null],
      ['withdrawn', null],
    ]);
  });
});

describe('resolve with attachments', () => {
  test('the result carries photos of the work; too many are refused', () => {
    const order = inProgressAt('comm-a1');
    const photo = { id: 'att-1', fileName: '修好的路灯.jpg', contentType: 'image/jpeg', size: 120_000 };
    const done = accepted(order, { type: 'resolve', result: '路灯已修复', attachments: [photo] }, actors.handler('comm-a1'));
    expect(done.events[0]?.data).toEqual({ result: '路灯已修复', attachments: [photo] });
    const many = Array.from({ length: 21 }, (_, i) => ({ ...photo, id: `att-${i}` }));
    expect(rejection(order, { type: 'resolve', result: '路灯已修复', attachments: many }, actors.handler('comm-a1')).code).toBe('invalid_input');
  });
});
