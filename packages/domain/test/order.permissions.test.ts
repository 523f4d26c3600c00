import {
  availableCommands,
  COMMAND_TYPES,
  decide,
  ROLES,
  type Actor,
  type Command,
  type CommandType,
  type OrderSnapshot,
  type Role,
} from '../src';
import { actors, apply, awaitingRatingAt, CONTEXT, dispatchedTo, inProgressAt, newOrder } from './fixtures';

const UNIT = 'comm-a1';

/** For each command, an order where the command is legal, so only the actor decides. */
const SCENES: Record<CommandType, [() => OrderSnapshot, Command]> = {
  answer: [newOrder, { type: 'answer', answer: 'opening hours are 9 to 5' }],
  dispatch: [newOrder, { type: 'dispatch', unitId: UNIT }],
  markInvalid: [newOrder, { type: 'markInvalid', reason: 'spam' }],
  merge: [newOrder, { type: 'merge', intoOrderId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a' }],
  accept: [() => dispatchedTo(UNIT), { type: 'accept' }],
  opinion: [() => apply(dispatchedTo(UNIT), [{ type: 'accept' }, actors.handler(UNIT)]), { type: 'opinion', opinion: 'we will call' }],
  resolve: [() => inProgressAt(UNIT), { type: 'resolve', result: 'called' }],
  return: [() => dispatchedTo(UNIT), { type: 'return', reason: 'not ours' }],
  escalate: [() => dispatchedTo(UNIT), { type: 'escalate', reason: 'needs the street' }],
  urge: [() => dispatchedTo(UNIT), { type: 'urge' }],
  rate: [() => awaitingRatingAt(UNIT), { type: 'rate', rating: 'satisfied' }],
  withdraw: [() => dispatchedTo(UNIT), { type: 'withdraw' }],
  deadlinePassed: [() => dispatchedTo(UNIT), { type: 'deadlinePassed', stage: 'accept' }],
};

/** Written out rather than read from PERMISSIONS, so that a change there has to change this too. */
const ALLOWED: Record<Role, CommandType[]> = {
  resident: ['urge', 'rate', 'withdraw'],
  operator: ['answer', 'markInvalid', 'merge', 'withdraw'],
  dispatcher: ['answer', 'dispatch', 'markInvalid', 'merge', 'escalate', 'urge'],
  unit_handler: ['accept', 'opinion', 'resolve', 'return', 'escalate'],
  supervisor: ['escalate', 'urge'],
  evaluator: [],
  admin: [],
  system: ['dispatch', 'escalate', 'urge', 'deadlinePassed'],
};

const actorFor = (role: Role): Actor => (role === 'unit_handler' ? actors.handler(UNIT) : { role });

describe('role × command', () => {
  const cases = ROLES.flatMap((role) => COMMAND_TYPES.map((command) => [role, command, ALLOWED[role].includes(command)] as const));

  test.each(cases)('%s → %s allowed: %s', (role, commandType, allowed) => {
    const [order, command] = SCENES[commandType];
    const result = decide(order(), command, actorFor(role), CONTEXT);
    if (allowed) {
      expect(result).toMatchObject({ ok: true });
    } else {
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  test('the refusal names the role and the command', () => {
    expect(decide(dispatchedTo(UNIT), { type: 'accept' }, actors.resident, CONTEXT)).toEqual({
      ok: false,
      error: { code: 'forbidden', reason: 'cannot accept: a resident may not accept orders' },
    });
    expect(decide(newOrder(), { type: 'answer', answer: 'x' }, actors.evaluator, CONTEXT)).toEqual({
      ok: false,
      error: { code: 'forbidden', reason: 'cannot answer: evaluators have read-only access' },
    });
    expect(decide(newOrder(), { type: 'dispatch', unitId: UNIT }, actors.admin, CONTEXT)).toMatchObject({
      error: { reason: 'cannot dispatch: an admin may not dispatch orders' },
    });
  });
});

describe('unit scope: a unit handler acts only on orders of their own unit', () => {
  test("another unit's handler cannot accept", () => {
    expect(decide(dispatchedTo('comm-a1'), { type: 'accept' }, actors.handler('comm-a2'), CONTEXT)).toEqual({
      ok: false,
      error: { code: 'out_of_scope', reason: 'cannot accept: order is assigned to another unit, not comm-a2' },
    });
  });

  test('the parent street cannot act on its community\u2019s order either', () => {
    const result = decide(inProgressAt('comm-a1'), { type: 'resolve', result: 'done' }, actors.handler('street-a'), CONTEXT);
    expect(result.ok || result.error.code).toBe('out_of_scope');
  });

  test('an order in the dispatch queue belongs to no unit', () => {
    const returned = apply(dispatchedTo('comm-a1'), [{ type: 'return', reason: 'not ours' }, actors.handler('comm-a1')]);
    expect(decide(returned, { type: 'accept' }, actors.handler('comm-a1'), CONTEXT)).toEqual({
      ok: false,
      error: { code: 'out_of_scope', reason: 'cannot accept: order is not assigned to any unit' },
    });
  });

  test('a unit handler without a unit is refused', () => {
    expect(decide(dispatchedTo('comm-a1'), { type: 'accept' }, { role: 'unit_handler', id: 'h' }, CONTEXT)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  test('after escalation the new unit handles it and the old one no longer can', () => {
    const escalated = apply(dispatchedTo('comm-a1'), [{ type: 'escalate', reason: 'street level' }, actors.handler('comm-a1')]);
    expect(decide(escalated, { type: 'accept' }, actors.handler('comm-a1'), CONTEXT).ok).toBe(false);
    expect(decide(escalated, { type: 'accept' }, actors.handler('street-a'), CONTEXT).ok).toBe(true);
  });
});

describe('availableCommands', () => {
  test('shows a unit handler the buttons for their own dispatched order', () => {
    expect(availableCommands(dispatchedTo('comm-a1'), actors.handler('comm-a1'))).toEqual(['accept', 'return', 'escalate']);
  });

  test("shows nothing for another unit's order", () => {
    expect(availableCommands(dispatchedTo('comm-a1'), actors.handler('comm-b1'))).toEqual([]);
  });

  test('shows the resident rate once resolved', () => {
    expect(availableCommands(awaitingRatingAt('comm-a1'), actors.resident)).toEqual(['rate']);
  });

  test('shows the dispatcher the queue actions', () => {
    expect(availableCommands(newOrder(), actors.dispatcher)).toEqual(['answer', 'dispatch', 'markInvalid', 'merge', 'urge']);
  });
});
