import { DEFAULT_BUCK_PASSING_POLICY, detectBuckPassing, type BuckPassingPolicy } from './buckPassing';
import { eventDraft, type LifecycleEventDraft } from './lifecycle';
import type { LifecycleData } from './events';
import type { LifecycleEventType } from './names';
import { normaliseText } from './text';
import { nextLevel, responsibleUnit, type CategoryRouting, type Level, type Unit, type UnitTree } from './ladder';
import { checkDispatchDown, checkOfficer } from './officers';
import {
  dispatchFits,
  RATINGS,
  TRANSITIONS,
  isAllowed,
  stageForStatus,
  type Actor,
  type Assignment,
  type Command,
  type CommandType,
  type OrderSnapshot,
  type OrderStatus,
} from './order';
import type { Stage } from './deadlines';
import { ok, reject, type Result } from './result';

/**
 * The one place that says yes or no to a change of an order. Pure: the workflow calls it inside
 * an update validator and handler, stores the new snapshot and publishes the events.
 */

export interface DecisionContext {
  readonly units: UnitTree;
  /** Per category code. */
  readonly routing?: Readonly<Record<string, CategoryRouting>>;
  readonly buckPassing?: BuckPassingPolicy;
}

export interface Decision {
  readonly order: OrderSnapshot;
  /** Oldest first; may be empty (never for an accepted command that changes something). */
  readonly events: readonly LifecycleEventDraft[];
}

export const MAX_TEXT_LENGTH = 4000;

const LABELS: Record<CommandType, string> = {
  answer: 'answer',
  dispatch: 'dispatch',
  markInvalid: 'mark invalid',
  merge: 'merge',
  unmerge: 'un-merge',
  resolveMerged: 'resolve through the order it was merged into',
  linkDuplicate: 'take a duplicate on',
  unlinkDuplicate: 'let a duplicate go',
  accept: 'accept',
  opinion: 'give an opinion',
  resolve: 'resolve',
  return: 'return',
  escalate: 'escalate',
  urge: 'urge',
  rate: 'rate',
  withdraw: 'withdraw',
  bundle: 'bundle into a project',
  deadlinePassed: 'act on a deadline',
};

const STATUS_PHRASES: Record<OrderStatus, string> = {
  placed: 'still in the dispatch queue',
  answered: 'answered',
  dispatched: 'dispatched and not yet accepted',
  accepted: 'accepted and waiting for a preliminary opinion',
  in_progress: 'in progress',
  bundled: 'bundled into a project and resolved when the project completes',
  resolved: 'resolved',
  awaiting_rating: 'already resolved and awaiting rating',
  closed: 'closed',
  invalid: 'marked invalid',
  merged: 'merged into another order',
  withdrawn: 'withdrawn',
};

function illegalReason(command: CommandType, status: OrderStatus): string {
  const cannot = `cannot ${LABELS[command]}`;
  if (command === 'rate' && ['placed', 'dispatched', 'accepted', 'in_progress'].includes(status)) {
    return `${cannot}: order is not resolved yet`;
  }
  if (command === 'accept' && status === 'placed') return `${cannot}: order is not dispatched yet`;
  if (command === 'accept' && (status === 'accepted' || status === 'in_progress')) return `${cannot}: order is already accepted`;
  if ((command === 'resolve' || command === 'opinion') && status === 'dispatched') return `${cannot}: order is not accepted yet`;
  if (command === 'resolve' && status === 'accepted') return `${cannot}: give a preliminary opinion (初步意见) first`;
  if (command === 'escalate' && status === 'placed') return `${cannot}: order is not dispatched yet; dispatch it to a unit`;
  return `${cannot}: order is ${STATUS_PHRASES[status]}`;
}

/** Non-blank, bounded free text; returns the trimmed text or a rejection naming the field. */
function requireText(value: string | undefined, command: CommandType, field: string): Result<string> {
  // Normalised like intake's text (./text): what the event carries must be storable everywhere.
  const trimmed = typeof value === 'string' ? normaliseText(value).trim() : '';
  if (trimmed === '') return reject('invalid_input', `${LABELS[command]} needs ${field}`);
  if (trimmed.length > MAX_TEXT_LENGTH) {
    return reject('invalid_input', `${LABELS[command]}: ${field} is longer than ${MAX_TEXT_LENGTH} characters`);
  }
  return ok(trimmed);
}

function optionalText(value: string | undefined, command: CommandType, field: string): Result<string | undefined> {
  return value === undefined || value.trim() === '' ? ok(undefined) : requireText(value, command, field);
}

const at = (order: OrderSnapshot): Pick<LifecycleEventDraft, 'level' | 'unitId'> => ({
  ...(order.level === null ? {} : { level: order.level }),
  ...(order.unitId === null ? {} : { unitId: order.unitId }),
});

const draft = <T extends LifecycleEventType>(order: OrderSnapshot, type: T, data: LifecycleData<T>): LifecycleEventDraft =>
  eventDraft(type, { status: order.status, ...at(order) }, data);

const decided = (order: OrderSnapshot, ...events: LifecycleEventDraft[]): Result<Decision> => ok({ order, events });

/** Moves the order to a unit and checks the new assignment history for buck-passing. */
function assign(
  order: OrderSnapshot,
  unit: Unit,
  via: Assignment['via'],
  context: DecisionContext,
): { order: OrderSnapshot; flag?: LifecycleEventDraft } {
  const moved: OrderSnapshot = {
    ...order,
    status: 'dispatched',
    level: unit.level,
    unitId: unit.id,
    assignments: [...order.assignments, { unitId: unit.id, level: unit.level, via }],
  };
  return withBuckPassingCheck(moved, context);
}

function withBuckPassingCheck(order: OrderSnapshot, context: DecisionContext): { order: OrderSnapshot; flag?: LifecycleEventDraft } {
  if (order.buckPassingFlagged) return { order };
  const finding = detectBuckPassing(
    { returns: order.bounces, assignedUnitIds: order.assignments.map((a) => a.unitId) },
    context.buckPassing ?? DEFAULT_BUCK_PASSING_POLICY,
  );
  if (!finding.flagged) return { order };
  const flagged = { ...order, buckPassingFlagged: true };
  return {
    order: flagged,
    flag: draft(flagged, 'order.buck_passing_flagged', {
      patterns: [...finding.patterns],
      returns: finding.returns,
      ...(finding.pingPong ? { pingPong: [finding.pingPong[0], finding.pingPong[1]] as [string, string] } : {}),
    }),
  };
}

function findUnitOneLevelUp(order: OrderSnapshot, context: DecisionContext): Result<Unit> {
  const up = order.level === null ? null : nextLevel(order.level);
  if (order.level === null || up === null) {
    return reject('illegal_transition', 'cannot escalate: order is already at district level, the top of the ladder');
  }
  const routing = order.categoryCode === undefined ? undefined : context.routing?.[order.categoryCode];
  return responsibleUnit(context.units, routing, order.unitId, up);
}

function checkActor(order: OrderSnapshot, command: CommandType, actor: Actor, context: DecisionContext): Result<true> {
  if (!isAllowed(actor.role, command)) {
    const role = actor.role.replace('_', ' ');
    const who =
      actor.role === 'evaluator'
        ? 'evaluators have read-only access'
        : `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} may not ${LABELS[command]} orders`;
    return reject('forbidden', `cannot ${LABELS[command]}: ${who}`);
  }
  if (actor.role === 'unit_handler') {
    if (!actor.unitId) return reject('forbidden', `cannot ${LABELS[command]}: the unit handler has no unit`);
    if (order.unitId !== actor.unitId) {
      return reject(
        'out_of_scope',
        order.unitId === null
          ? `cannot ${LABELS[command]}: order is not assigned to any unit`
          : `cannot ${LABELS[command]}: order is assigned to another unit, not ${actor.unitId}`,
      );
    }
  }
  return checkOfficer(order, actor, context.units, LABELS[command]);
}

/**
 * Decides a command: role, then unit scope, then the transition table, then the command's input.
 * On success returns the new snapshot and the lifecycle events to publish, in order.
 */
export function decide(order: OrderSnapshot, command: Command, actor: Actor, context: DecisionContext): Result<Decision> {
  const permitted = checkActor(order, command.type, actor, context);
  if (!permitted.ok) return permitted;
  // Merging twice into the same order is the same merge (a retried request); letting go of a
  // duplicate is bookkeeping the survivor accepts whatever its status.
  const repeated = repeatedMerge(order, command);
  if (repeated) return repeated;
  if (command.type === 'unlinkDuplicate') return unlinkDuplicate(order, command.orderId);
  if (!TRANSITIONS[order.status].includes(command.type)) {
    return reject('illegal_transition', illegalReason(command.type, order.status), { command: command.type, status: order.status });
  }
  if (command.type === 'dispatch' && !dispatchFits(order, actor)) {
    return reject(
      'illegal_transition',
      order.status === 'placed'
        ? 'cannot dispatch: the dispatch queue is the dispatcher’s; an officer dispatches what reached its level'
        : illegalReason('dispatch', order.status),
      { command: command.type, status: order.status },
    );
  }

  switch (command.type) {
    case 'answer': {
      const answer = requireText(command.answer, 'answer', 'an answer');
      if (!answer.ok) return answer;
      const entry = answerEntry(command);
      if (!entry.ok) return entry;
      const next: OrderSnapshot = { ...order, status: 'awaiting_rating' };
      return decided(next, draft(next, 'order.answered', { answer: answer.value, ...entry.value }));
    }

    case 'dispatch': {
      const unit = context.units.units.get(command.unitId);
      if (!unit) return reject('not_found', `cannot dispatch: unknown unit ${command.unitId}`);
      if (command.level !== undefined && command.level !== unit.level) {
        return reject('invalid_input', `cannot dispatch: ${unit.name} is a ${unit.level}-level unit, not ${command.level}`);
      }
      const down = checkDispatchDown(order, unit, actor, context.units);
      if (!down.ok) return down;
      const moved = assign(order, unit, 'dispatch', context);
      return decided(moved.order, draft(moved.order, 'order.dispatched', { unitName: unit.name }), ...(moved.flag ? [moved.flag] : []));
    }

    case 'markInvalid': {
      const reason = requireText(command.reason, 'markInvalid', 'a reason');
      if (!reason.ok) return reason;
      const next: OrderSnapshot = { ...order, status: 'invalid' };
      return decided(next, draft(next, 'order.invalidated', { reason: reason.value }));
    }

    case 'merge': {
      const into = typeof command.intoOrderId === 'string' ? command.intoOrderId.trim() : '';
      if (into === '') return reject('invalid_input', 'merge needs the order it duplicates');
      if (into === order.orderId) return reject('invalid_input', 'cannot merge: an order cannot duplicate itself');
      const carried = order.duplicates?.length ?? 0;
      if (carried > 0) {
        return reject('illegal_transition', `cannot merge: ${carried} other order(s) are merged into this one; merge the other order into it, or un-merge them first`);
      }
      const next: OrderSnapshot = { ...order, status: 'merged', mergedInto: into };
      const code = typeof command.intoTrackingCode === 'string' && command.intoTrackingCode !== '' ? { intoTrackingCode: command.intoTrackingCode } : {};
      return decided(next, draft(next, 'order.merged', { intoOrderId: into, ...code }));
    }

    case 'unmerge': {
      const reason = optionalText(command.reason, 'unmerge', 'a reason');
      if (!reason.ok) return reason;
      const from = order.mergedInto ?? '';
      const { mergedInto: _dropped, ...rest } = order;
      // Back to the queue, whoever held it before the merge: the need is judged afresh.
      const next: OrderSnapshot = { ...rest, status: 'placed', unitId: null };
      return decided(
        next,
        draft(next, 'order.unmerged', { fromOrderId: from, trigger: actor.role === 'system' ? 'survivor_ended' : 'manual', ...(reason.value === undefined ? {} : { reason: reason.value }) }),
      );
    }

    case 'resolveMerged': {
      if (command.survivorOrderId !== order.mergedInto) {
        return reject('illegal_transition', `cannot resolve: order is merged into ${order.mergedInto ?? 'no order'}, not ${command.survivorOrderId}`);
      }
      const result = requireText(command.result, 'resolveMerged', 'a result');
      if (!result.ok) return result;
      const next: OrderSnapshot = { ...order, status: 'awaiting_rating' };
      const code = command.survivorTrackingCode ? { viaTrackingCode: command.survivorTrackingCode } : {};
      return decided(next, draft(next, 'order.resolved', { result: result.value, viaOrderId: command.survivorOrderId, ...code }));
    }

    case 'linkDuplicate': {
      const id = typeof command.orderId === 'string' ? command.orderId.trim() : '';
      if (id === '' || id === order.orderId) return reject('invalid_input', 'cannot take a duplicate on: an order cannot duplicate itself');
      if (order.duplicates?.includes(id)) return decided(order);
      const next: OrderSnapshot = { ...order, duplicates: [...(order.duplicates ?? []), id] };
      const code = typeof command.trackingCode === 'string' && command.trackingCode !== '' ? { trackingCode: command.trackingCode } : {};
      return decided(next, draft(next, 'order.duplicate_linked', { orderId: id, ...code }));
    }

    case 'accept': {
      const next: OrderSnapshot = { ...order, status: 'accepted' };
      return decided(next, draft(next, 'order.accepted', {}));
    }

    case 'opinion': {
      const opinion = requireText(command.opinion, 'opinion', 'an opinion');
      if (!opinion.ok) return opinion;
      const next: OrderSnapshot = { ...order, status: 'in_progress' };
      return decided(next, draft(next, 'order.opinion_given', { opinion: opinion.value }));
    }

    case 'resolve': {
      // A bundled order is resolved by its project, and the system resolves nothing else.
      const byProject = order.status === 'bundled';
      if (byProject !== (actor.role === 'system')) {
        return byProject
          ? reject('illegal_transition', `cannot resolve: order is ${STATUS_PHRASES.bundled}`, { command: 'resolve', status: order.status })
          : reject('forbidden', 'cannot resolve: the system resolves only orders bundled into a project');
      }
      if (byProject && command.projectId !== order.projectId) {
        return reject('invalid_input', `cannot resolve: order is bundled into project ${order.projectId ?? '-'}, not ${command.projectId ?? '-'}`);
      }
      const result = requireText(command.result, 'resolve', 'a result');
      if (!result.ok) return result;
      const attachments = command.attachments ?? [];
      if (!Array.isArray(attachments) || attachments.length > 20) return reject('invalid_input', 'resolve takes at most 20 attachments');
      const next: OrderSnapshot = { ...order, status: 'awaiting_rating' };
      return decided(
        next,
        draft(next, 'order.resolved', { result: result.value, ...(attachments.length > 0 ? { attachments } : {}), ...(byProject ? { projectId: order.projectId } : {}) }),
      );
    }

    case 'bundle':
      return bundle(order, command, context);

    case 'return': {
      const reason = requireText(command.reason, 'return', 'a reason');
      if (!reason.ok) return reason;
      const returned: OrderSnapshot = { ...order, status: 'placed', unitId: null, bounces: order.bounces + 1 };
      const checked = withBuckPassingCheck(returned, context);
      const event = draft(checked.order, 'order.returned', { reason: reason.value, fromUnitId: order.unitId, bounces: returned.bounces });
      return decided(checked.order, event, ...(checked.flag ? [checked.flag] : []));
    }

    case 'escalate':
      return escalate(order, command, context);

    case 'urge': {
      const note = optionalText(command.note, 'urge', 'a note');
      if (!note.ok) return note;
      return decided(order, draft(order, 'order.urged', note.value === undefined ? {} : { note: note.value }));
    }

    case 'rate':
      return rate(order, command, context);

    case 'withdraw': {
      const reason = optionalText(command.reason, 'withdraw', 'a reason');
      if (!reason.ok) return reason;
      const next: OrderSnapshot = { ...order, status: 'withdrawn' };
      return decided(next, draft(next, 'order.withdrawn', reason.value === undefined ? {} : { reason: reason.value }));
    }

    case 'deadlinePassed':
      return deadlinePassed(order, command.stage, context);
  }
}

function bundle(order: OrderSnapshot, command: Extract<Command, { type: 'bundle' }>, context: DecisionContext): Result<Decision> {
  const projectId = typeof command.projectId === 'string' ? command.projectId.trim() : '';
  if (projectId === '') return reject('invalid_input', 'bundle needs the project');
  const unit = context.units.units.get(command.unitId);
  if (!unit) return reject('not_found', `cannot bundle: unknown unit ${command.unitId}`);
  const next: OrderSnapshot = { ...order, status: 'bundled', projectId, unitId: unit.id, level: unit.level };
  return decided(next, draft(next, 'order.bundled', { projectId, unitName: unit.name }));
}

function answerEntry(command: Extract<Command, { type: 'answer' }>): Result<{ entryId?: string; entryVersion?: number }> {
  if (command.entryId === undefined) return ok({});
  if (typeof command.entryId !== 'string' || command.entryId.trim() === '' || command.entryId.length > 64) {
    return reject('invalid_input', 'answer: entryId must name a knowledge-base entry');
  }
  const version = command.entryVersion;
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) return reject('invalid_input', 'answer: entryVersion must be a positive integer');
  return ok({ entryId: command.entryId, ...(version === undefined ? {} : { entryVersion: version }) });
}

function repeatedMerge(order: OrderSnapshot, command: Command): Result<Decision> | null {
  return command.type === 'merge' && order.status === 'merged' && order.mergedInto === command.intoOrderId ? decided(order) : null;
}

function unlinkDuplicate(order: OrderSnapshot, orderId: string): Result<Decision> {
  if (!order.duplicates?.includes(orderId)) return decided(order);
  const next: OrderSnapshot = { ...order, duplicates: order.duplicates.filter((id) => id !== orderId) };
  return decided(next, draft(next, 'order.duplicate_unlinked', { orderId }));
}

/**
 * What a survivor's change means for the orders merged into it (docs/merge.md): its result
 * resolves them; ending without a result (invalid, withdrawn) sends them back to the queue.
 * `null`: nothing to tell them.
 */
export function survivorOutcome(before: OrderSnapshot, decision: Decision): { kind: 'resolved'; result: string } | { kind: 'ended' } | null {
  const after = decision.order;
  if (!after.duplicates?.length || before.status === after.status) return null;
  for (const event of decision.events) {
    if (event.type === 'order.resolved') return { kind: 'resolved', result: (event.data as { result: string }).result };
    if (event.type === 'order.answered') return { kind: 'resolved', result: (event.data as { answer: string }).answer };
  }
  return after.status === 'invalid' || after.status === 'withdrawn' ? { kind: 'ended' } : null;
}

function escalate(order: OrderSnapshot, command: Extract<Command, { type: 'escalate' }>, context: DecisionContext): Result<Decision> {
  const reason = requireText(command.reason, 'escalate', 'a reason');
  if (!reason.ok) return reason;
  let target: Result<Unit>;
  if (command.toUnitId === undefined) {
    target = findUnitOneLevelUp(order, context);
  } else {
    const up = order.level === null ? null : nextLevel(order.level);
    const unit = context.units.units.get(command.toUnitId);
    if (up === null) target = reject('illegal_transition', 'cannot escalate: order is already at district level, the top of the ladder');
    else if (!unit) target = reject('not_found', `cannot escalate: unknown unit ${command.toUnitId}`);
    else if (unit.level !== up) target = reject('invalid_input', `cannot escalate: ${unit.name} is not a ${up}-level unit`);
    else target = ok(unit);
  }
  if (!target.ok) return target;
  const moved = assign(order, target.value, 'escalate', context);
  const event = draft(moved.order, 'order.escalated', {
    trigger: 'manual',
    reason: reason.value,
    fromUnitId: order.unitId,
    fromLevel: order.level,
    unitName: target.value.name,
  });
  return decided(moved.order, event, ...(moved.flag ? [moved.flag] : []));
}

function rate(order: OrderSnapshot, command: Extract<Command, { type: 'rate' }>, context: DecisionContext): Result<Decision> {
  if (!RATINGS.includes(command.rating)) {
    return reject('invalid_input', `rate needs one of ${RATINGS.join(', ')} (满意 / 基本满意 / 不满意)`);
  }
  const comment = optionalText(command.comment, 'rate', 'a comment');
  if (!comment.ok) return comment;
  const rated: OrderSnapshot = { ...order, rating: command.rating };
  const ratedData = { rating: command.rating, ...(comment.value === undefined ? {} : { comment: comment.value }) };

  if (command.rating !== 'dissatisfied' || order.reopened) {
    const closed: OrderSnapshot = { ...rated, status: 'closed' };
    return decided(
      closed,
      draft(closed, 'order.rated', ratedData),
      draft(closed, 'order.closed', { outcome: 'rated', rating: command.rating }),
    );
  }

  // Reopened once, one level up: the unit that failed the resident does not simply try again.
  const reopening: OrderSnapshot = { ...rated, reopened: true };
  const target = reopenTarget(order, context);
  if (!target) {
    // Answered on the spot, or no unit above: a dispatcher decides who takes it over.
    const queued: OrderSnapshot = { ...reopening, status: 'placed', unitId: null };
    return decided(
      queued,
      draft(queued, 'order.rated', ratedData),
      draft(queued, 'order.reopened', { toQueue: true, fromUnitId: order.unitId }),
    );
  }
  const moved = assign(reopening, target, 'reopen', context);
  return decided(
    moved.order,
    draft(moved.order, 'order.rated', ratedData),
    draft(moved.order, 'order.reopened', { fromUnitId: order.unitId, fromLevel: order.level, unitName: target.name }),
    ...(moved.flag ? [moved.flag] : []),
  );
}

/** At district level there is no level up; the district federation itself takes the order over. */
function reopenTarget(order: OrderSnapshot, context: DecisionContext): Unit | null {
  if (order.unitId === null || order.level === null) return null;
  const up: Level = nextLevel(order.level) ?? 'district';
  const routing = up === order.level || order.categoryCode === undefined ? undefined : context.routing?.[order.categoryCode];
  const found = responsibleUnit(context.units, routing, order.unitId, up);
  return found.ok ? found.value : null;
}

function deadlinePassed(order: OrderSnapshot, stage: Stage, context: DecisionContext): Result<Decision> {
  const running = stageForStatus(order.status);
  if (stage !== running) {
    return reject('illegal_transition', `the ${stage} deadline no longer runs: order is ${STATUS_PHRASES[order.status]}`);
  }
  if (running === 'rating') {
    // Silence is not satisfaction: closed unrated, and a person calls back (回访) to ask.
    const closed: OrderSnapshot = { ...order, status: 'closed' };
    return decided(
      closed,
      draft(closed, 'order.closed', { outcome: 'unrated' }),
      draft(closed, 'order.callback_flagged', { reason: 'rating window expired' }),
    );
  }
  if (running === 'triage') {
    return decided(order, draft(order, 'order.supervisor_alerted', { stage, reason: 'not dispatched in time' }));
  }
  if (order.level === 'district') {
    // Nowhere left to climb: the breach becomes a supervision and accountability matter (追责).
    return decided(
      order,
      draft(order, 'order.supervisor_alerted', { stage, reason: 'deadline passed at district level' }),
      draft(order, 'order.accountability_recorded', { stage, unitId: order.unitId }),
    );
  }
  const target = findUnitOneLevelUp(order, context);
  if (!target.ok) {
    return decided(order, draft(order, 'order.supervisor_alerted', { stage, reason: `cannot escalate by itself: ${target.error.reason}` }));
  }
  const moved = assign(order, target.value, 'escalate', context);
  const event = draft(moved.order, 'order.escalated', {
    trigger: 'deadline',
    stage,
    fromUnitId: order.unitId,
    fromLevel: order.level,
    unitName: target.value.name,
  });
  return decided(moved.order, event, ...(moved.flag ? [moved.flag] : []));
}
