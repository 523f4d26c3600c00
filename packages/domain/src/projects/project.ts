// A project (项目): many orders answered by one piece of work a unit carries out — from a monthly
// bundle (两个打包) or, in the annual cycle, from a chosen proposal. The same discipline as an
// order: one writer (the `project` workflow), commands decided here, milestones with deadlines in
// working time, a warning at 80 % and escalation when one is missed, every change an event on
// projects.lifecycle. Pure: the workflow imports this through ../rules.
import { ancestry, nextLevel, type Level, type UnitTree } from '../ladder';
import type { Actor, Role } from '../order';
import { ok, reject, type Result } from '../result';
import { normaliseText } from '../text';

export const PROJECT_STATUSES = ['active', 'completed'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** Where a project came from: a monthly bundle, or a proposal the annual cycle selected (issue 11). */
export const PROJECT_ORIGINS = ['bundle', 'proposal'] as const;
export type ProjectOrigin = (typeof PROJECT_ORIGINS)[number];

export const MILESTONE_STATES = ['open', 'warned', 'missed', 'reached'] as const;
export type MilestoneState = (typeof MILESTONE_STATES)[number];

/** What a supervisor plans: a name and how many working days after the project starts it is due. */
export interface MilestonePlan {
  readonly id: string;
  readonly name: string;
  readonly workingDays: number;
}

export interface Milestone extends MilestonePlan {
  readonly dueAt: string;
  /** 80 % of the working time from the project's start to `dueAt`. */
  readonly warnAt: string;
  readonly state: MilestoneState;
  readonly reachedAt?: string;
}

export interface ProjectSnapshot {
  readonly projectId: string;
  readonly status: ProjectStatus;
  readonly ownerUnitId: string;
  readonly origin: ProjectOrigin;
  /** Oldest due first. */
  readonly milestones: readonly Milestone[];
  /** Orders the project carries (those its orders' workflows accepted). */
  readonly orderIds: readonly string[];
  /** 0–100, as the unit last reported it. */
  readonly percent: number;
}

export type ProjectCommand =
  /** A progress update (进展): what was done, and how far the project is. */
  | { readonly type: 'progress'; readonly note: string; readonly percent: number }
  | { readonly type: 'reachMilestone'; readonly milestoneId: string; readonly note?: string }
  /** Completion: the result every linked order is resolved with. */
  | { readonly type: 'complete'; readonly result: string }
  /** A milestone's timer fired (the workflow's own). */
  | { readonly type: 'milestoneTimer'; readonly milestoneId: string; readonly phase: 'warn' | 'due' };
export type ProjectCommandType = ProjectCommand['type'];

export const PROJECT_PERMISSIONS: Readonly<Record<ProjectCommandType, readonly Role[]>> = {
  progress: ['unit_handler', 'supervisor'],
  reachMilestone: ['unit_handler', 'supervisor'],
  complete: ['unit_handler', 'supervisor'],
  milestoneTimer: ['system'],
};

export const MAX_MILESTONES = 20;
export const MAX_PROJECT_ORDERS = 1000;
const MAX_TEXT = 4000;

/** What a project decision records; the workflow stamps identity, time and actor. */
export type ProjectEventDraft =
  | { readonly type: 'project.progress_reported'; readonly data: { note: string; percent: number } }
  | { readonly type: 'project.milestone_reached'; readonly data: { milestoneId: string; note?: string; late: boolean } }
  | { readonly type: 'project.milestone_warned'; readonly data: { milestoneId: string; dueAt: string } }
  | {
      readonly type: 'project.milestone_missed';
      /** `escalatedToUnitId`: the unit one level up that now supervises; null at district level (追责). */
      readonly data: { milestoneId: string; dueAt: string; escalatedToUnitId: string | null; level: Level | null; accountability: boolean };
    }
  | { readonly type: 'project.completed'; readonly data: { result: string } };

export interface ProjectDecision {
  readonly project: ProjectSnapshot;
  readonly events: readonly ProjectEventDraft[];
}

export interface ProjectContext {
  readonly units: UnitTree;
  /** The instant of the decision (workflow time), ISO. */
  readonly now: string;
}

function text(value: unknown, what: string, optional = false): Result<string | undefined> {
  const trimmed = typeof value === 'string' ? normaliseText(value).trim() : '';
  if (trimmed === '') return optional ? ok(undefined) : reject('invalid_input', `needs ${what}`);
  if (trimmed.length > MAX_TEXT) return reject('invalid_input', `${what} is longer than ${MAX_TEXT} characters`);
  return ok(trimmed);
}

/** Whether the actor may command this project: its owning unit's handlers, supervisors, the system. */
function checkProjectActor(project: ProjectSnapshot, type: ProjectCommandType, actor: Actor): Result<true> {
  if (!PROJECT_PERMISSIONS[type].includes(actor.role)) return reject('forbidden', `a ${actor.role.replace('_', ' ')} may not ${type} a project`);
  if (actor.role === 'unit_handler' && actor.unitId !== project.ownerUnitId) {
    return reject('out_of_scope', `project ${project.projectId} belongs to unit ${project.ownerUnitId}`);
  }
  return ok(true);
}

/** The unit that supervises a project whose milestone was missed: one level up from its owner. */
export function projectEscalationTarget(tree: UnitTree, ownerUnitId: string): { unitId: string | null; level: Level | null } {
  const owner = tree.units.get(ownerUnitId);
  if (!owner) return { unitId: null, level: null };
  const up = nextLevel(owner.level);
  if (up === null) return { unitId: null, level: 'district' };
  const above = ancestry(tree, ownerUnitId).find((unit) => unit.id !== ownerUnitId && unit.level === up);
  return { unitId: above?.id ?? null, level: up };
}

/** The one place that says yes or no to a change of a project. */
export function decideProject(project: ProjectSnapshot, command: ProjectCommand, actor: Actor, context: ProjectContext): Result<ProjectDecision> {
  const permitted = checkProjectActor(project, command.type, actor);
  if (!permitted.ok) return permitted;
  if (project.status !== 'active') return reject('illegal_transition', `cannot ${command.type}: project is ${project.status}`);
  const milestone = (id: string) => project.milestones.find((m) => m.id === id);
  const withMilestone = (id: string, change: Partial<Milestone>): ProjectSnapshot => ({
    ...project,
    milestones: project.milestones.map((m) => (m.id === id ? { ...m, ...change } : m)),
  });

  switch (command.type) {
    case 'progress': {
      const note = text(command.note, 'a note');
      if (!note.ok) return note;
      if (typeof command.percent !== 'number' || !Number.isInteger(command.percent) || command.percent < 0 || command.percent > 100) {
        return reject('invalid_input', 'percent must be a whole number from 0 to 100');
      }
      const next = { ...project, percent: command.percent };
      return ok({ project: next, events: [{ type: 'project.progress_reported', data: { note: note.value!, percent: command.percent } }] });
    }
    case 'reachMilestone': {
      const found = milestone(command.milestoneId);
      if (!found) return reject('not_found', `no milestone ${command.milestoneId} in project ${project.projectId}`);
      if (found.state === 'reached') return reject('illegal_transition', `milestone ${found.name} is already reached`);
      const note = text(command.note, 'a note', true);
      if (!note.ok) return note;
      const late = found.state === 'missed' || Date.parse(context.now) > Date.parse(found.dueAt);
      return ok({
        project: withMilestone(found.id, { state: 'reached', reachedAt: context.now }),
        events: [{ type: 'project.milestone_reached', data: { milestoneId: found.id, late, ...(note.value ? { note: note.value } : {}) } }],
      });
    }
    case 'complete': {
      const result = text(command.result, 'a result');
      if (!result.ok) return result;
      const open = project.milestones.filter((m) => m.state !== 'reached');
      if (open.length > 0) return reject('illegal_transition', `cannot complete: milestones not reached yet: ${open.map((m) => m.name).join('、')}`);
      return ok({ project: { ...project, status: 'completed', percent: 100 }, events: [{ type: 'project.completed', data: { result: result.value! } }] });
    }
    case 'milestoneTimer': {
      const found = milestone(command.milestoneId);
      if (!found) return reject('not_found', `no milestone ${command.milestoneId}`);
      // A stale timer (the milestone moved on) changes nothing.
      if (command.phase === 'warn') {
        if (found.state !== 'open') return ok({ project, events: [] });
        return ok({ project: withMilestone(found.id, { state: 'warned' }), events: [{ type: 'project.milestone_warned', data: { milestoneId: found.id, dueAt: found.dueAt } }] });
      }
      if (found.state === 'reached' || found.state === 'missed') return ok({ project, events: [] });
      const target = projectEscalationTarget(context.units, project.ownerUnitId);
      return ok({
        project: withMilestone(found.id, { state: 'missed' }),
        events: [
          {
            type: 'project.milestone_missed',
            data: { milestoneId: found.id, dueAt: found.dueAt, escalatedToUnitId: target.unitId, level: target.level, accountability: target.unitId === null },
          },
        ],
      });
    }
  }
}

/** The next milestone timer to wait for: the earliest warning or due instant still ahead of its milestone. */
export function nextMilestoneTimer(project: ProjectSnapshot): { milestoneId: string; phase: 'warn' | 'due'; at: string } | null {
  let best: { milestoneId: string; phase: 'warn' | 'due'; at: string } | null = null;
  for (const m of project.milestones) {
    const candidate = m.state === 'open' ? { milestoneId: m.id, phase: 'warn' as const, at: m.warnAt } : m.state === 'warned' ? { milestoneId: m.id, phase: 'due' as const, at: m.dueAt } : null;
    if (candidate && (best === null || Date.parse(candidate.at) < Date.parse(best.at))) best = candidate;
  }
  return best;
}

/**
 * What the Temporal Web UI lists a project by: its status, owning unit and origin, the due instant
 * of its next milestone still to reach (none when all are reached or missed) and whether any
 * milestone was missed.
 */
export function projectSearchValues(project: ProjectSnapshot): { status: ProjectStatus; unit: string; origin: ProjectOrigin; deadline: string | null; overdue: boolean } {
  const ahead = project.milestones.filter((m) => m.state === 'open' || m.state === 'warned').map((m) => m.dueAt);
  ahead.sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    status: project.status,
    unit: project.ownerUnitId,
    origin: project.origin,
    deadline: ahead[0] ?? null,
    overdue: project.milestones.some((m) => m.state === 'missed'),
  };
}

/** Checks a supervisor's plan: 1–20 milestones, distinct ids and names, 1–500 working days. */
export function checkMilestonePlans(plans: readonly MilestonePlan[]): Result<readonly MilestonePlan[]> {
  if (plans.length === 0) return reject('invalid_input', 'a project needs at least one milestone');
  if (plans.length > MAX_MILESTONES) return reject('invalid_input', `a project has at most ${MAX_MILESTONES} milestones`);
  if (new Set(plans.map((p) => p.id)).size !== plans.length) return reject('invalid_input', 'milestone ids must be distinct');
  for (const plan of plans) {
    if (!Number.isInteger(plan.workingDays) || plan.workingDays < 1 || plan.workingDays > 500) {
      return reject('invalid_input', `milestone ${plan.name}: workingDays must be a whole number from 1 to 500`);
    }
  }
  return ok(plans);
}

export const projectWorkflowId = (projectId: string): string => `project-${projectId}`;
export const projectEventId = (projectId: string, seq: number): string => `${projectWorkflowId(projectId)}#${seq}`;
