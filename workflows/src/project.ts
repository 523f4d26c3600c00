// The project workflow (workflow id `project-<projectId>`): the one writer of a project. It plans
// the milestones in working time, bundles every linked order through the order's own `act` update,
// warns at 80 % of a milestone and escalates when one is missed, takes progress updates, and on
// completion resolves every linked order through the same update — so each resident is notified
// and rates as for any other order. Every change leaves as an event on projects.lifecycle.
import { ApplicationFailure, allHandlersFinished, condition, patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  buildUnitTree,
  decideProject,
  nextMilestoneTimer,
  projectSearchValues,
  projectEventId,
  type Actor,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectEventData,
  type ProjectEventDraft,
  type ProjectEventType,
  type ProjectSnapshot,
  type UnitTree,
} from '@diandan/domain/rules';
import type { Activities } from './activities';
import { projectAttributes } from './searchAttributes';
import type { ProjectActivities } from './projectActivities';
import { projectActUpdate, projectStateQuery, type ProjectInput, type ProjectView } from './projectContract';

const local = proxyLocalActivities<Activities & ProjectActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// Updates of order workflows go through the Temporal server: ordinary activities, retried until the
// server answers (a refusal by the order's domain is an answer, not a failure).
const orders = proxyActivities<ProjectActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const SYSTEM: Actor = { role: 'system' };

/** Projects started before the search attributes existed replay without them. */
const SEARCH_ATTRIBUTES_PATCH = 'project-search-attributes';

export async function project(input: ProjectInput): Promise<ProjectView> {
  const systemActor: Actor = { role: 'system', id: workflowInfo().workflowId };
  const reference = await local.loadDecisionContext();
  const units: UnitTree = buildUnitTree(reference.units);
  const milestones = await local.planMilestones({ start: new Date().toISOString(), plans: input.milestones });

  let snapshot: ProjectSnapshot = { projectId: input.projectId, status: 'active', ownerUnitId: input.ownerUnitId, origin: input.origin, milestones, orderIds: [], percent: 0 };
  const timeline: ProjectEvent[] = [];
  const outbox: ProjectEvent[] = [];
  let resolution: ProjectView['resolution'] = null;
  const view = (): ProjectView => ({ project: snapshot, title: input.title, timeline: [...timeline], resolution });

  const record = <T extends ProjectEventType>(type: T, data: ProjectEventData<T>, actor: Actor): void => {
    const seq = timeline.length + 1;
    const event = {
      eventId: projectEventId(input.projectId, seq),
      projectId: input.projectId,
      seq,
      at: new Date().toISOString(),
      actor,
      status: snapshot.status,
      ownerUnitId: snapshot.ownerUnitId,
      percent: snapshot.percent,
      type,
      data,
    } as ProjectEvent;
    timeline.push(event);
    outbox.push(event);
  };
  const recordDrafts = (drafts: readonly ProjectEventDraft[], actor: Actor): void => {
    for (const draft of drafts) record(draft.type, draft.data as never, actor);
  };

  const decideSafely = (command: ProjectCommand, actor: Actor) => {
    let decision: ReturnType<typeof decideProject>;
    try {
      decision = decideProject(snapshot, command, actor, { units, now: new Date().toISOString() });
    } catch {
      throw ApplicationFailure.create({ type: 'invalid_input', message: 'malformed command or actor', nonRetryable: true });
    }
    if (!decision.ok) throw ApplicationFailure.create({ type: decision.error.code, message: decision.error.reason, nonRetryable: true });
    return decision.value;
  };
  const apply = (command: ProjectCommand, actor: Actor): void => {
    const decision = decideSafely(command, actor);
    snapshot = decision.project;
    recordDrafts(decision.events, actor);
  };

  setHandler(projectStateQuery, view);
  setHandler(
    projectActUpdate,
    ({ command, actor }) => {
      apply(command, actor);
      return view();
    },
    {
      validator: ({ command, actor }) => {
        if (command?.type === 'milestoneTimer') throw ApplicationFailure.create({ type: 'forbidden', message: 'milestone timers are the project’s own', nonRetryable: true });
        decideSafely(command, actor);
      },
    },
  );

  const flush = async (): Promise<void> => {
    while (outbox.length > 0) await local.publishProjectEvents(outbox.splice(0, outbox.length));
  };

  record(
    'project.created',
    {
      title: input.title,
      ...(input.description ? { description: input.description } : {}),
      origin: input.origin,
      ...(input.bundleId ? { bundleId: input.bundleId } : {}),
      ...(input.cycleId ? { cycleId: input.cycleId } : {}),
      ...(input.proposalId ? { proposalId: input.proposalId } : {}),
      ...(input.budget === undefined ? {} : { budget: input.budget }),
      ownerUnitId: input.ownerUnitId,
      milestones: milestones.map((m) => ({ ...m })),
      orderIds: input.orderIds,
    },
    input.createdBy,
  );
  await flush();

  // 两个打包: each order's own workflow takes it into the project (or says why not).
  const linking = await Promise.all(input.orderIds.map((orderId) => orders.bundleOrder({ orderId, projectId: input.projectId, unitId: input.ownerUnitId, actor: systemActor })));
  const linked = linking.filter((r) => r.ok).map((r) => r.orderId);
  snapshot = { ...snapshot, orderIds: linked };
  record('project.orders_linked', { linked, refused: linking.filter((r) => !r.ok).map((r) => ({ orderId: r.orderId, reason: r.reason ?? '' })) }, SYSTEM);

  // Upserted when they change (status, unit, next due milestone, a miss): one visibility write each.
  let publishedAttributes = '';
  const publishAttributes = (): void => {
    const values = projectSearchValues(snapshot);
    const key = JSON.stringify(values);
    if (key === publishedAttributes || !patched(SEARCH_ATTRIBUTES_PATCH)) return;
    publishedAttributes = key;
    upsertSearchAttributes([
      { key: projectAttributes.status, value: values.status },
      { key: projectAttributes.unit, value: values.unit },
      { key: projectAttributes.origin, value: values.origin },
      { key: projectAttributes.overdue, value: values.overdue },
      // Unset once no milestone is ahead, so "ProjectDeadline < now" lists only projects behind.
      { key: projectAttributes.deadline, value: values.deadline === null ? null : new Date(values.deadline) },
    ]);
  };

  for (;;) {
    publishAttributes();
    await flush();
    if (snapshot.status !== 'active') break;
    const timer = nextMilestoneTimer(snapshot);
    const changed = () => outbox.length > 0 || snapshot.status !== 'active';
    if (timer === null) {
      await condition(changed);
      continue;
    }
    const wait = Date.parse(timer.at) - Date.now();
    if (wait > 0 && (await condition(changed, wait))) continue;
    apply({ type: 'milestoneTimer', milestoneId: timer.milestoneId, phase: timer.phase }, SYSTEM);
  }

  // Completed: every linked order is resolved with the project's result, through its own workflow.
  const completed = timeline.find((e) => e.type === 'project.completed');
  const result = completed?.type === 'project.completed' ? completed.data.result : input.title;
  const resolving = await Promise.all(snapshot.orderIds.map((orderId) => orders.resolveBundledOrder({ orderId, projectId: input.projectId, result, actor: systemActor })));
  resolution = {
    resolved: resolving.filter((r) => r.ok).map((r) => r.orderId),
    skipped: resolving.filter((r) => !r.ok).map((r) => ({ orderId: r.orderId, reason: r.reason ?? '' })),
  };
  record('project.orders_resolved', resolution, SYSTEM);
  publishAttributes();
  await flush();
  await condition(allHandlersFinished);
  return view();
}
