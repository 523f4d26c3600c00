import { z } from 'zod';
import type { WorkingCalendar } from './calendar';
import { LEVELS, type Level } from './ladder';

/**
 * Deadlines as data, so that the federation can tune them per category without a release: the
 * policy is stored with the service catalog and validated with `deadlinePolicySchema` on load.
 */

export const PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** triage: placed → answered or dispatched; rating: the resident's window to rate. */
export const STAGES = ['triage', 'accept', 'opinion', 'resolve', 'rating'] as const;
export type Stage = (typeof STAGES)[number];

export const DURATION_UNITS = ['working_minute', 'working_hour', 'working_day', 'calendar_day'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** One duration for every level, or one per level (resolving takes longer higher up). */
export type StageRule = Duration | Readonly<Record<Level, Duration>>;
export type StageRules = Readonly<Record<Stage, StageRule>>;

export interface CategoryDeadlines {
  /** Replaces the default rule of a stage for normal orders (and, halved, for urgent ones). */
  readonly normal?: Partial<StageRules>;
  /** Taken as is for urgent orders, without the urgent factor. */
  readonly urgent?: Partial<StageRules>;
}

export interface DeadlinePolicy {
  readonly stages: StageRules;
  readonly categories: Readonly<Record<string, CategoryDeadlines>>;
  /** Fraction of a stage after which the handler is urged (催办). */
  readonly warnAtFraction: number;
  /**
   * Multiplies working-time stages of urgent orders without a category rule of their own. The
   * rating window is the resident's time, not the unit's, so urgency never shortens it.
   */
  readonly urgentFactor: number;
}

const durationSchema = z.object({ amount: z.number().positive().finite(), unit: z.enum(DURATION_UNITS) });
const perLevelSchema = z.object({ community: durationSchema, street: durationSchema, district: durationSchema });
const stageRuleSchema = z.union([durationSchema, perLevelSchema]);
const stageRulesSchema = z.object({
  triage: stageRuleSchema,
  accept: stageRuleSchema,
  opinion: stageRuleSchema,
  resolve: stageRuleSchema,
  rating: stageRuleSchema,
});

/**
 * A category's overrides, as administrators write them and workflows read them: checked on write
 * (the staff API answers 400 naming the field) and again on load. Unknown keys are refused, so a
 * typo ("normall", "accpet") is an error instead of an override that silently does nothing.
 */
export const categoryDeadlinesSchema = z
  .object({ normal: stageRulesSchema.partial().strict().optional(), urgent: stageRulesSchema.partial().strict().optional() })
  .strict() satisfies z.ZodType<CategoryDeadlines>;

export const deadlinePolicySchema = z.object({
  stages: stageRulesSchema,
  categories: z.record(z.string().min(1), categoryDeadlinesSchema),
  warnAtFraction: z.number().gt(0).lt(1),
  urgentFactor: z.number().gt(0).lte(1),
}) satisfies z.ZodType<DeadlinePolicy>;

const workingHours = (amount: number): Duration => ({ amount, unit: 'working_hour' });
const workingDays = (amount: number): Duration => ({ amount, unit: 'working_day' });

/** The figures of the design (§3): examples until the federation sets its own. */
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  stages: {
    triage: workingHours(2),
    accept: workingHours(4),
    opinion: workingDays(1),
    resolve: { community: workingDays(5), street: workingDays(10), district: workingDays(15) },
    rating: { amount: 7, unit: 'calendar_day' },
  },
  categories: {},
  warnAtFraction: 0.8,
  urgentFactor: 0.5,
};

const isDuration = (rule: StageRule): rule is Duration => 'unit' in rule;

export interface StageSpan {
  /** Minutes; working minutes unless `calendar` is true. */
  readonly minutes: number;
  readonly calendar: boolean;
}

/**
 * How long a stage may take. Before the first dispatch an order has no level; per-level rules
 * then read the community entry, where every order starts.
 */
export function stageSpan(
  policy: DeadlinePolicy,
  categoryCode: string | undefined,
  priority: Priority,
  level: Level | null,
  stage: Stage,
  calendar: Pick<WorkingCalendar, 'workingDayMinutes'>,
): StageSpan {
  const category = categoryCode === undefined ? undefined : policy.categories[categoryCode];
  const urgentRule = priority === 'urgent' ? category?.urgent?.[stage] : undefined;
  const rule = urgentRule ?? category?.normal?.[stage] ?? policy.stages[stage];
  const duration = isDuration(rule) ? rule : rule[level ?? LEVELS[0]];

  const minutesPerUnit: Record<DurationUnit, number> = {
    working_minute: 1,
    working_hour: 60,
    working_day: calendar.workingDayMinutes,
    calendar_day: 24 * 60,
  };
  const isCalendar = duration.unit === 'calendar_day';
  const factor = priority === 'urgent' && !urgentRule && !isCalendar ? policy.urgentFactor : 1;
  return { minutes: duration.amount * minutesPerUnit[duration.unit] * factor, calendar: isCalendar };
}

export interface StageDeadline {
  readonly dueAt: Date;
  /** When to urge (催办): `warnAtFraction` of the way to `dueAt`. */
  readonly warnAt: Date;
}

export function stageDeadline(
  policy: DeadlinePolicy,
  categoryCode: string | undefined,
  priority: Priority,
  level: Level | null,
  stage: Stage,
  from: Date,
  calendar: WorkingCalendar,
): StageDeadline {
  const span = stageSpan(policy, categoryCode, priority, level, stage, calendar);
  // Whole minutes keep deadlines readable on screens and stable across recomputation.
  const warnMinutes = Math.round(span.minutes * policy.warnAtFraction);
  if (span.calendar) {
    return {
      dueAt: new Date(from.getTime() + span.minutes * 60_000),
      warnAt: new Date(from.getTime() + warnMinutes * 60_000),
    };
  }
  return {
    dueAt: calendar.addWorkingTime(from, span.minutes),
    warnAt: calendar.addWorkingTime(from, warnMinutes),
  };
}
