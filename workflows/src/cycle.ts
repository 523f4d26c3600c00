// The annualCycle workflow (workflow id = cycle id `cycle-<organisationId>-<year>`): the one writer
// of an organisation's year. It waits for the next phase's date and moves on by itself; an
// administrator's moved date (an update, validated by the domain's moveCycleDate) wakes it and the
// timer is set again for the new date; the joint meeting's decisions on proposals are recorded
// here so that they are checked against the phase that allows them. Every change is an event on
// cycles.lifecycle and shows in the search attributes (CyclePhase, CycleNextPhaseAt, …).
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  cycleEventId,
  cycleIdFor,
  cycleStateAt,
  cycleStatesBetween,
  mayInCycle,
  moveCycleDate,
  nextCycleBoundary,
  normaliseText,
  type Actor,
  type CycleDates,
  type CycleEvent,
  type CycleEventData,
  type CycleEventType,
  type CycleState,
  type Role,
} from '@diandan/domain/rules';
import type { CycleActivities } from './cycleActivities';
import { cycleAttributes } from './searchAttributes';
import {
  cycleStateQuery,
  decideProposalUpdate,
  moveCycleDateUpdate,
  type CycleDecision,
  type CycleInput,
  type CycleView,
  type DecideProposalRequest,
  type MoveDateRequest,
} from './cycleContract';

const local = proxyLocalActivities<CycleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const SYSTEM: Actor = { role: 'system' };
/** The joint meeting (联席会议) decides; dispatchers and supervisors sit in it for the federation. */
const DECIDERS: readonly Role[] = ['dispatcher', 'supervisor', 'admin'];
const MAX_DECISION_REASON = 2000;

const refuse = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};

export async function annualCycle(input: CycleInput): Promise<CycleView> {
  const cycleId = cycleIdFor(input.organisationId, input.year);
  if (workflowInfo().workflowId !== cycleId) refuse('invalid_input', `an annual cycle's workflow id must be ${cycleId}`);
  let dates: CycleDates = input.dates ?? (await local.cycleDefaultDates({ year: input.year }));
  let state: CycleState = cycleStateAt(dates, new Date());
  const timeline: CycleEvent[] = [];
  const outbox: CycleEvent[] = [];
  const decisions: CycleDecision[] = [];

  const view = (): CycleView => ({
    cycleId,
    organisationId: input.organisationId,
    year: input.year,
    state,
    dates,
    next: nextCycleBoundary(dates, new Date()),
    timeline: [...timeline],
    decisions: [...decisions],
  });

  const record = <T extends CycleEventType>(type: T, data: CycleEventData<T>, actor: Actor): void => {
    const seq = timeline.length + 1;
    const event = { eventId: cycleEventId(cycleId, seq), cycleId, organisationId: input.organisationId, year: input.year, seq, at: new Date().toISOString(), actor, state, type, data } as CycleEvent;
    timeline.push(event);
    outbox.push(event);
  };

  const syncSearchAttributes = (): void => {
    const next = nextCycleBoundary(dates, new Date());
    upsertSearchAttributes([
      { key: cycleAttributes.organisation, value: input.organisationId },
      { key: cycleAttributes.year, value: input.year },
      { key: cycleAttributes.phase, value: state },
      { key: cycleAttributes.nextPhaseAt, value: next ? new Date(next.at) : null },
    ]);
  };

  const flushOutbox = async (): Promise<void> => {
    while (outbox.length > 0) await local.publishCycleEvents(outbox.splice(0, outbox.length));
  };

  const checkMove = (request: MoveDateRequest) => {
    const moved = moveCycleDate(dates, request, request.actor, new Date());
    if (!moved.ok) return refuse(moved.error.code, moved.error.reason);
    return moved.value;
  };

  const checkDecision = (request: DecideProposalRequest): { reason: string; repeated: boolean } => {
    if (!request?.actor || !DECIDERS.includes(request.actor.role)) refuse('forbidden', `a ${String(request?.actor?.role ?? 'caller').replace('_', ' ')} may not decide on proposals`);
    const allowed = mayInCycle(state, 'decideProposal');
    if (!allowed.ok) refuse(allowed.error.code, allowed.error.reason);
    if (typeof request.proposalId !== 'string' || request.proposalId === '') refuse('invalid_input', 'needs a proposalId');
    if (request.decision !== 'accepted' && request.decision !== 'declined') refuse('invalid_input', 'decision must be accepted or declined');
    if (request.projectId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(request.projectId)) refuse('invalid_input', 'projectId must be a uuid');
    const reason = typeof request.reason === 'string' ? normaliseText(request.reason).trim() : '';
    if (reason === '') refuse('invalid_input', 'needs a public reason');
    if (reason.length > MAX_DECISION_REASON) refuse('invalid_input', `reason is longer than ${MAX_DECISION_REASON} characters`);
    const earlier = decisions.find((d) => d.proposalId === request.proposalId);
    if (earlier && earlier.decision !== request.decision) refuse('illegal_transition', `proposal ${request.proposalId} was already ${earlier.decision}`);
    // The same decision again (a retried request) changes nothing.
    return { reason, repeated: earlier !== undefined };
  };

  setHandler(cycleStateQuery, view);
  setHandler(
    moveCycleDateUpdate,
    (request) => {
      const moved = checkMove(request);
      dates = moved.dates;
      record('cycle.date_moved', { boundary: moved.boundary, from: moved.from, to: moved.to, reason: moved.reason, dates }, request.actor);
      return view();
    },
    { validator: (request) => void checkMove(request) },
  );
  setHandler(
    decideProposalUpdate,
    (request) => {
      const { reason, repeated } = checkDecision(request);
      if (!repeated) {
        const projectId = request.decision === 'accepted' && typeof request.projectId === 'string' ? { projectId: request.projectId } : {};
        decisions.push({ proposalId: request.proposalId, decision: request.decision, reason, at: new Date().toISOString(), ...projectId });
        record('cycle.proposal_decided', { proposalId: request.proposalId, decision: request.decision, reason, ...projectId }, request.actor);
      }
      return view();
    },
    { validator: (request) => void checkDecision(request) },
  );

  record('cycle.opened', { dates }, input.startedBy);

  /** Moves through every boundary whose date has come, one event per phase entered. */
  const onDate = (): void => {
    const reached = cycleStateAt(dates, new Date());
    for (const to of cycleStatesBetween(state, reached)) {
      const from = state;
      state = to;
      record('cycle.phase_changed', { from, to, trigger: 'date', scheduledAt: dates[to as Exclude<CycleState, 'planned'>] }, SYSTEM);
    }
  };

  /** True when an update arrived (a moved date: the timer is set again); false when the date came. */
  const waitForChangeOrDate = async (at: string): Promise<boolean> => {
    const wait = Date.parse(at) - Date.now();
    return wait > 0 && (await condition(() => outbox.length > 0, wait));
  };

  for (;;) {
    await flushOutbox();
    syncSearchAttributes();
    if (state === 'closed') break;
    const next = nextCycleBoundary(dates, new Date());
    if (next === null) {
      onDate();
      continue;
    }
    if (await waitForChangeOrDate(next.at)) continue;
    onDate();
  }
  await condition(allHandlersFinished);
  return view();
}
