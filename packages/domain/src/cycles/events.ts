// cycles.lifecycle: every change of an annual cycle, one member of a discriminated union per event
// type, as projects.lifecycle is for projects. Keyed by cycle id; the event id is
// `cycle-<organisationId>-<year>#<seq>`, so every consumer can upsert by it.
import { z } from 'zod';
import { actorSchema } from '../events';
import { isNormalText } from '../text';
import { CYCLE_BOUNDARIES, CYCLE_STATES, cycleDatesProblem, cycleEventId, MAX_MOVE_REASON_LENGTH, type CycleBoundary } from './cycle';

export const CYCLE_EVENT_TYPES = [
  /** The workflow started: organisation, year and the dates it will follow. */
  'cycle.opened',
  /** A boundary's date came (trigger `date`): the cycle is in its next phase, or closed. */
  'cycle.phase_changed',
  /** An administrator moved a date that had not come yet, with a (public) reason. */
  'cycle.date_moved',
  /** The joint meeting accepted or declined a proposal, with a public reason. */
  'cycle.proposal_decided',
] as const;
export type CycleEventType = (typeof CYCLE_EVENT_TYPES)[number];

const isoDateTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max).refine(isNormalText, 'contains characters that cannot be stored');
const boundary = z.enum(CYCLE_BOUNDARIES);
const state = z.enum(CYCLE_STATES);

export const cycleDatesSchema = z
  .object(Object.fromEntries(CYCLE_BOUNDARIES.map((b) => [b, isoDateTime])) as Record<CycleBoundary, typeof isoDateTime>)
  .superRefine((dates, ctx) => {
    const problem = cycleDatesProblem(dates);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const CYCLE_EVENT_DATA = {
  'cycle.opened': z.object({ dates: cycleDatesSchema }),
  'cycle.phase_changed': z.object({ from: state, to: state, trigger: z.enum(['date']), scheduledAt: isoDateTime }),
  'cycle.date_moved': z.object({ boundary, from: isoDateTime, to: isoDateTime, reason: text(MAX_MOVE_REASON_LENGTH), dates: cycleDatesSchema }),
  'cycle.proposal_decided': z.object({
    proposalId: z.string().min(1),
    decision: z.enum(['accepted', 'declined']),
    /** Public: shown with the proposal on the board and the resident pages. */
    reason: text(2000),
  }),
} as const satisfies Record<CycleEventType, z.ZodType>;

export type CycleEventData<T extends CycleEventType> = z.infer<(typeof CYCLE_EVENT_DATA)[T]>;

const envelope = z.object({
  eventId: z.string().min(1),
  cycleId: z.string().min(1),
  organisationId: z.string().min(1),
  year: z.number().int().min(2000).max(2200),
  seq: z.number().int().min(1),
  at: isoDateTime,
  actor: actorSchema,
  /** Where the cycle is after the event. */
  state,
});
type Envelope = z.infer<typeof envelope>;

export type CycleEventOf<T extends CycleEventType> = Envelope & { type: T; data: CycleEventData<T> };
export type CycleEvent = { [T in CycleEventType]: CycleEventOf<T> }[CycleEventType];

const members = CYCLE_EVENT_TYPES.map((type) => envelope.extend({ type: z.literal(type), data: CYCLE_EVENT_DATA[type] }));

export const cycleEventSchema = z
  .discriminatedUnion('type', members as [(typeof members)[number], ...(typeof members)[number][]])
  .refine((event) => event.eventId === cycleEventId(event.cycleId, event.seq), { message: 'eventId must be <cycleId>#<seq>', path: ['eventId'] }) as unknown as z.ZodType<CycleEvent>;
