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
import { actors, apply, awaitingRatingAt, CONTEXT, dispatchedTo, inProgressAt, newOrder, TREE } from './fixtures';

const UNIT = 'comm-a1';
const SURVIVOR = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const mergedOrder = (): OrderSnapshot => apply(newOrder(), [{ type: 'merge', intoOrderId: SURVIVOR }, { role: 'dispatcher' }]);

/** For each command, an order where the command is legal, so only the actor decides. */
const SCENES: Record<CommandType, [() => OrderSnapshot, Command]> = {
  answer: [newOrder, { type: 'answer', answer: 'opening hours are 9 to 5' }],
  dispatch: [newOrder, { type: 'dispatch', unitId: UNIT }],
  markInvalid: [newOrder, { type: 'markInvalid', reason: 'spam' }],
  merge: [newOrder, { type: 'merge', intoOrderId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a' }],
  unmerge: [mergedOrder, { type: 'unmerge', reason: 'not the same need' }],
  resolveMerged: [mergedOrder, { type: 'resolveMerged', survivorOrderId: SURVIVOR, result: 'done for both' }],
  linkDuplicate: [newOrder, { type: 'linkDuplicate', orderId: '1d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a' }],
  unlinkDuplicate: [() => apply(newOrder(), [{ type: 'linkDuplicate', orderId: 'dup-1' }, { role: 'system' }]), { type: 'unlinkDuplicate', orderId: 'dup-1' }],
  accept: [() => dispatchedTo(UNIT), { type: 'accept' }],
  opinion: [() => apply(dispatchedTo(UNIT), [{ type: 'accept' }, actors.handler(UNIT)]), { type: 'opinion', opinion: 'we will call' }],
  resolve: [() => inProgressAt(UNIT), { type: 'resolve', result: 'called' }],
  return: [() => dispatchedTo(UNIT), { type: 'return', reason: 'not ours' }],
  escalate: [() => dispatchedTo(UNIT), { type: 'escalate', reason: 'needs the street' }],
  urge: [() => dispatchedTo(UNIT), { type: 'urge' }],
  rate: [() => awaitingRatingAt(UNIT), { type: 'rate', rating: 'satisfied' }],
  withdraw: [() => dispatchedTo(UNIT), { type: 'withdraw' }],
  bundle: [newOrder, { type: 'bundle', projectId: 'p-1', unitId: UNIT }],
  deadlinePassed: [() => dispatchedTo(UNIT), { type: 'deadlinePassed', stage: 'accept' }],
};

/** Written out rather than read from PERMISSIONS, so that a change there has to change this too. */
const ALLOWED: Record<Role, CommandType[]> = {
  resident: ['urge', 'rate', 'withdraw'],
  operator: ['answer', 'markInvalid', 'merge', 'withdraw'],
  dispatcher: ['answer', 'dispatch', 'markInvalid', 'merge', 'unmerge', 'escalate', 'urge'],
  unit_handler: ['accept', 'opinion', 'resolve', 'return', 'escalate'],
  street_officer: ['dispatch', 'escalate', 'urge'],
  district_officer: ['dispatch', 'urge'],
  supervisor: ['escalate', 'urge'],
  evaluator: [],
  admin: [],
  system: ['dispatch', 'unmerge', 'resolveMerged', 'linkDuplicate', 'unlinkDuplicate', 'escalate', 'urge', 'bundle', 'deadlinePassed'],
};

/** Officers act on orders at their level within their branch; their scenes put the order there. */
const OFFICERS: Partial<Record<Role, { unit: string; down: string }>> = {
  street_officer: { unit: 'street-a', down: 'comm-a1' },
  district_officer: { unit: 'fed', down: 'street-a' },
};
const actorFor = (role: Role): Actor => {
  const officer = OFFICERS[role];
  if (officer) return { role, id: `o-${role}`, unitId: officer.unit };
  return role === 'unit_handler' ? actors.handler(UNIT) : { role };
};
const sceneFor = (role: Role, commandType: CommandType): [() => OrderSnapshot, Command] => {
  const officer = OFFICERS[role];
  if (!officer) return SCENES[commandType];
  const command: Command = commandType === 'dispatch' ? { type: 'dispatch', unitId: officer.down } : SCENES[commandType][1];
  return [() => dispatchedTo(officer.unit), command];
};

describe('role × command', () => {
  const cases = ROLES.flatMap((role) => COMMAND_TYPES.map((command) => [role, command, ALLOWED[role].includes(command)] as const));

  test.each(cases)('%s → %s allowed: %s', (role, commandType, allowed) => {
    const [order, command] = sceneFor(role, commandType);
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

describe('officers: a street or district officer works what reached its level in its branch', () => {
  const streetOfficer: Actor = { role: 'street_officer', id: 'so-1', unitId: 'street-a' };
  const districtOfficer: Actor = { role: 'district_officer', id: 'do-1', unitId: 'fed' };
  const climbed = () => apply(dispatchedTo('comm-a1'), [{ type: 'escalate', reason: '社区协调不了' }, actors.handler('comm-a1')]);

  test('officer.dispatchDownCheck: an order that climbed to the street goes down to another community of the street', () => {
    const order = climbed();
    expect(order).toMatchObject({ unitId: 'street-a', level: 'street' });
    const result = decide(order, { type: 'dispatch', unitId: 'comm-a2' }, streetOfficer, CONTEXT);
    expect(result.ok && result.value.order).toMatchObject({ status: 'dispatched', unitId: 'comm-a2', level: 'community' });
    expect(result.ok && result.value.order.assignments.at(-1)).toEqual({ unitId: 'comm-a2', level: 'community', via: 'dispatch' });
    expect(result.ok && result.value.events[0]).toMatchObject({ type: 'order.dispatched', unitId: 'comm-a2', data: { unitName: '东二社区' } });
  });

  test('officer.accepted: dispatch down works until the work starts (opinion given)', () => {
    const accepted = apply(climbed(), [{ type: 'accept' }, actors.handler('street-a')]);
    expect(decide(accepted, { type: 'dispatch', unitId: 'sec-a-social' }, streetOfficer, CONTEXT).ok).toBe(true);
    const working = apply(accepted, [{ type: 'opinion', opinion: '街道牵头' }, actors.handler('street-a')]);
    expect(decide(working, { type: 'dispatch', unitId: 'comm-a2' }, streetOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
  });

  test('officer.scopeCheck: not outside the branch, not above, not to itself, not below its level, not from the queue', () => {
    const order = climbed();
    expect(decide(order, { type: 'dispatch', unitId: 'comm-b1' }, streetOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'out_of_scope', reason: 'cannot dispatch: 西一社区 is not a unit below 东街道' } });
    expect(decide(order, { type: 'dispatch', unitId: 'fed' }, streetOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(decide(order, { type: 'dispatch', unitId: 'street-a' }, streetOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(decide(dispatchedTo('comm-a1'), { type: 'urge' }, streetOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(decide(dispatchedTo('street-b'), { type: 'escalate', reason: 'x' }, streetOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
    expect(decide(newOrder(), { type: 'dispatch', unitId: 'comm-a1' }, streetOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
  });

  test('officer.unitCheck: an officer needs a unit at its own level', () => {
    expect(decide(climbed(), { type: 'urge' }, { role: 'street_officer', id: 'x', unitId: 'comm-a1' }, CONTEXT)).toMatchObject({ ok: false, error: { code: 'forbidden', reason: 'cannot urge: 东一社区 is not a street-level unit' } });
    expect(decide(climbed(), { type: 'urge' }, { role: 'street_officer', id: 'x' }, CONTEXT)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  test('officer.districtCheck: a district officer sends an order at a department down to a street, and escalates nothing', () => {
    const atDepartment = dispatchedTo('dept-civil');
    expect(decide(atDepartment, { type: 'dispatch', unitId: 'street-b' }, districtOfficer, CONTEXT).ok).toBe(true);
    expect(decide(atDepartment, { type: 'escalate', reason: 'x' }, districtOfficer, CONTEXT)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  test('officer.dispatcherCheck: the dispatcher dispatches only from the queue; a dispatched order is returned or escalated', () => {
    expect(decide(dispatchedTo('comm-a1'), { type: 'dispatch', unitId: 'comm-a2' }, actors.dispatcher, CONTEXT)).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
    expect(availableCommands(dispatchedTo('comm-a1'), actors.dispatcher)).not.toContain('dispatch');
  });

  test('officer.buttonsCheck: the officer sees dispatch, escalate and urge on what reached its level', () => {
    expect(availableCommands(climbed(), streetOfficer, TREE)).toEqual(['dispatch', 'escalate', 'urge']);
    expect(availableCommands(dispatchedTo('sec-a-social'), streetOfficer, TREE)).toEqual(['dispatch', 'escalate', 'urge']);
    expect(availableCommands(dispatchedTo('sec-a-social'), streetOfficer)).toEqual([]);
    expect(availableCommands(dispatchedTo('comm-a1'), streetOfficer, TREE)).toEqual([]);
  });
});
