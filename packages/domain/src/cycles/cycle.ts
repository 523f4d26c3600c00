// The annual cycle (年度周期) of one organisation: public solicitation of proposals at the start of
// the year (年初公开征求意见), selection by the joint meeting, publication of the year's service list,
// implementation, a mid-year review, the third-party evaluation at year end (年底第三方评估) and the
// public annual report. The phases follow each other in a fixed order; each begins at a date, and
// the `annualCycle` workflow (one writer per cycle, id = cycle id) moves from one to the next when
// the date comes. An administrator may move a date that has not come yet, with a reason; what a
// phase allows (proposals, supports, decisions, scores…) is decided here. Pure: the workflow
// imports this through ../rules.
import type { WorkingCalendar } from '../calendar';
import type { Actor, Role } from '../order';
import { ok, reject, type Result } from '../result';
import { normaliseText } from '../text';

/** The seven phases, in the order they happen. */
export const CYCLE_PHASES = ['solicitation', 'selection', 'publication', 'implementation', 'midyear_review', 'evaluation', 'report'] as const;
export type CyclePhase = (typeof CYCLE_PHASES)[number];

/**
 * Where a cycle can be: before its first phase (`planned`), in one of the phases, or `closed` once
 * the report phase has ended (the workflow then completes).
 */
export const CYCLE_STATES = ['planned', ...CYCLE_PHASES, 'closed'] as const;
export type CycleState = (typeof CYCLE_STATES)[number];

/** The instants a cycle's dates name: each phase's start, and `closed` (the end of the report phase). */
export const CYCLE_BOUNDARIES = [...CYCLE_PHASES, 'closed'] as const;
export type CycleBoundary = (typeof CYCLE_BOUNDARIES)[number];

/** When each phase begins, and when the cycle closes; ISO instants, strictly increasing in CYCLE_BOUNDARIES order. */
export type CycleDates = Readonly<Record<CycleBoundary, string>>;

export const CYCLE_PHASE_NAMES_ZH: Readonly<Record<CycleState, string>> = {
  planned: '未开始',
  solicitation: '公开征集',
  selection: '审议遴选',
  publication: '公布服务清单',
  implementation: '组织实施',
  midyear_review: '年中评估',
  evaluation: '年底第三方评估',
  report: '年度报告公开',
  closed: '已结束',
};

/** `cycle-<organisationId>-<year>`: the read model's id and the workflow id, so a second start is a no-op. */
export const cycleIdFor = (organisationId: string, year: number): string => `cycle-${organisationId}-${year}`;

/** Stable across retries, so consumers can upsert by it. */
export const cycleEventId = (cycleId: string, seq: number): string => `${cycleId}#${seq}`;

/**
 * Default start of each boundary as [month, day] (the year of the cycle; `closed` in the next
 * year). Each is moved to the first working day on or after it, at the start of office hours, so
 * that a phase never opens on a holiday (Spring Festival can fall in selection, National Day in
 * implementation; neither is a boundary here). From the seed: solicitation at the start of the
 * year, two months to collect proposals; March for the joint meeting; the list published in April
 * with two weeks of public notice (公示); implementation from mid-April; the mid-year review in
 * July; the third-party evaluation from mid-November; the report before the year ends.
 */
export const DEFAULT_CYCLE_ANCHORS: Readonly<Record<CycleBoundary, readonly [month: number, day: number]>> = {
  solicitation: [1, 1],
  selection: [3, 1],
  publication: [4, 1],
  implementation: [4, 15],
  midyear_review: [7, 1],
  evaluation: [11, 16],
  report: [12, 21],
  closed: [1, 1],
};

const MINUTE_MS = 60_000;

/**
 * The start of office hours on the first working day on or after `date` ("YYYY-MM-DD", local
 * calendar date of the working calendar). One working minute after local midnight, less that
 * minute, is exactly the opening of the first office window of that working day.
 */
export function firstWorkingStartOnOrAfter(date: string, calendar: WorkingCalendar, utcOffsetMinutes = 480): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  const localMidnight = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - utcOffsetMinutes * MINUTE_MS;
  return new Date(calendar.addWorkingTime(new Date(localMidnight), 1).getTime() - MINUTE_MS);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The default dates of a year's cycle on the working calendar (DEFAULT_CYCLE_ANCHORS). */
export function defaultCycleDates(year: number, calendar: WorkingCalendar, anchors = DEFAULT_CYCLE_ANCHORS): CycleDates {
  const dates = Object.fromEntries(
    CYCLE_BOUNDARIES.map((boundary) => {
      const [month, day] = anchors[boundary];
      const inYear = boundary === 'closed' ? year + 1 : year;
      return [boundary, firstWorkingStartOnOrAfter(`${inYear}-${pad(month)}-${pad(day)}`, calendar).toISOString()];
    }),
  ) as Record<CycleBoundary, string>;
  const problem = cycleDatesProblem(dates);
  if (problem) throw new Error(`default cycle dates of ${year}: ${problem}`);
  return dates;
}

/** Why a set of dates cannot be a cycle's (missing, not an instant, out of order), or null. */
export function cycleDatesProblem(dates: Partial<Record<CycleBoundary, unknown>>): string | null {
  let previous: { boundary: CycleBoundary; ms: number } | null = null;
  for (const boundary of CYCLE_BOUNDARIES) {
    const value = dates[boundary];
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) return `${boundary} needs an ISO date and time`;
    if (previous && ms <= previous.ms) return `${boundary} must begin after ${previous.boundary}`;
    previous = { boundary, ms };
  }
  return null;
}

/** Where the cycle is at an instant: the last boundary at or before it, `planned` before the first. */
export function cycleStateAt(dates: CycleDates, at: Date): CycleState {
  let state: CycleState = 'planned';
  for (const boundary of CYCLE_BOUNDARIES) {
    if (Date.parse(dates[boundary]) <= at.getTime()) state = boundary;
  }
  return state;
}

/** The next boundary after an instant (the workflow's next timer), or null once closed. */
export function nextCycleBoundary(dates: CycleDates, at: Date): { boundary: CycleBoundary; at: string } | null {
  const next = CYCLE_BOUNDARIES.find((boundary) => Date.parse(dates[boundary]) > at.getTime());
  return next === undefined ? null : { boundary: next, at: dates[next] };
}

/** The states a cycle passes through from `from` (exclusive) to `to` (inclusive), in order. */
export function cycleStatesBetween(from: CycleState, to: CycleState): CycleState[] {
  const i = CYCLE_STATES.indexOf(from);
  const j = CYCLE_STATES.indexOf(to);
  return j > i ? CYCLE_STATES.slice(i + 1, j + 1) : [];
}

/** The evaluation phase (scores may be given and revised) is open exactly while the cycle is in it. */
export const isEvaluationOpen = (state: CycleState): boolean => state === 'evaluation';

/** What people do during a year; each is allowed in some phases only (CYCLE_PHASE_ACTIONS). */
export const CYCLE_ACTIONS = [
  /** A resident (or staff for them) submits a proposal (提议). */
  'propose',
  /** A resident supports (附议) a proposal. */
  'support',
  /** Staff merge duplicate proposals; their supports move with them. */
  'mergeProposals',
  /** The joint meeting accepts or declines a proposal, with a public reason. */
  'decideProposal',
  /** An accepted proposal becomes a project of the year's service list. */
  'createProject',
  /** An evaluator gives or revises scores and comments. */
  'score',
  /** The annual report is generated and published. */
  'publishReport',
] as const;
export type CycleAction = (typeof CYCLE_ACTIONS)[number];

export const CYCLE_PHASE_ACTIONS: Readonly<Record<CycleState, readonly CycleAction[]>> = {
  planned: [],
  solicitation: ['propose', 'support', 'mergeProposals'],
  // Merging continues while the joint meeting reads the proposals; decisions may already make projects.
  selection: ['mergeProposals', 'decideProposal', 'createProject'],
  // The list is public (公示); a late project from an accepted proposal can still be set up.
  publication: ['createProject'],
  implementation: [],
  midyear_review: [],
  evaluation: ['score'],
  report: ['publishReport'],
  closed: [],
};

const ACTION_WORDS: Readonly<Record<CycleAction, string>> = {
  propose: 'proposals are taken',
  support: 'proposals can be supported',
  mergeProposals: 'proposals can be merged',
  decideProposal: 'proposals are accepted or declined',
  createProject: 'accepted proposals become projects',
  score: 'scores can be given or revised',
  publishReport: 'the annual report is published',
};

/** Whether the cycle's state allows an action; the rejection names the phases that would. */
export function mayInCycle(state: CycleState, action: CycleAction): Result<true> {
  if (CYCLE_PHASE_ACTIONS[state].includes(action)) return ok(true);
  const phases = CYCLE_STATES.filter((s) => CYCLE_PHASE_ACTIONS[s].includes(action));
  const where = phases.map((s) => `${s} (${CYCLE_PHASE_NAMES_ZH[s]})`).join(' or ');
  return reject('illegal_transition', `${ACTION_WORDS[action]} only in the ${where} phase; the cycle is in ${state} (${CYCLE_PHASE_NAMES_ZH[state]})`, {
    command: action,
    status: state,
  });
}

/** Who may move a cycle's dates. */
export const CYCLE_DATE_MOVERS: readonly Role[] = ['admin', 'system'];
export const MAX_MOVE_REASON_LENGTH = 500;

export interface CycleDateMove {
  readonly boundary: CycleBoundary;
  /** ISO instant. */
  readonly to: string;
  readonly reason: string;
}

export interface CycleDateMoved {
  readonly dates: CycleDates;
  readonly boundary: CycleBoundary;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/**
 * Moves one boundary's date. What it may not break: the past (a boundary already reached stays
 * where it was, and the new date must lie ahead of `now`), and the order of the phases (the new
 * date stays strictly between its neighbours: to lengthen a phase into the next one, move the
 * later date first). A reason is required: it is public and on the event.
 */
export function moveCycleDate(dates: CycleDates, move: CycleDateMove, actor: Actor, now: Date): Result<CycleDateMoved> {
  if (!CYCLE_DATE_MOVERS.includes(actor.role)) return reject('forbidden', `a ${actor.role.replace('_', ' ')} may not move a cycle's dates`);
  if (!(CYCLE_BOUNDARIES as readonly string[]).includes(move.boundary)) {
    return reject('invalid_input', `boundary must be one of ${CYCLE_BOUNDARIES.join(', ')}`);
  }
  const reason = typeof move.reason === 'string' ? normaliseText(move.reason).trim() : '';
  if (reason === '') return reject('invalid_input', 'needs a reason');
  if (reason.length > MAX_MOVE_REASON_LENGTH) return reject('invalid_input', `reason is longer than ${MAX_MOVE_REASON_LENGTH} characters`);
  const toMs = typeof move.to === 'string' ? Date.parse(move.to) : NaN;
  if (Number.isNaN(toMs)) return reject('invalid_input', 'to needs an ISO date and time');
  const from = dates[move.boundary];
  if (Date.parse(from) <= now.getTime()) {
    return reject('illegal_transition', `${move.boundary} began at ${from}; a date that has passed cannot move`, { command: 'moveDate', status: cycleStateAt(dates, now) });
  }
  if (toMs <= now.getTime()) return reject('invalid_input', `the new date ${move.to} has passed; a phase can only be moved into the future`);
  const index = CYCLE_BOUNDARIES.indexOf(move.boundary);
  const before = CYCLE_BOUNDARIES[index - 1];
  const after = CYCLE_BOUNDARIES[index + 1];
  if (before !== undefined && toMs <= Date.parse(dates[before])) {
    return reject('invalid_input', `${move.boundary} must begin after ${before} (${dates[before]})`);
  }
  if (after !== undefined && toMs >= Date.parse(dates[after])) {
    return reject('invalid_input', `${move.boundary} must begin before ${after} (${dates[after]}); move ${after} first`);
  }
  const to = new Date(toMs).toISOString();
  return ok({ dates: { ...dates, [move.boundary]: to }, boundary: move.boundary, from, to, reason });
}
