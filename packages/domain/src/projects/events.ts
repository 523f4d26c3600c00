// projects.lifecycle: every change of a project, one member of a discriminated union per event
// type, as orders.lifecycle is for orders (../events). Keyed by project id; the event id is
// `project-<projectId>#<seq>`, so every consumer can upsert by it.
import { z } from 'zod';
import { LEVELS } from '../ladder';
import { actorSchema } from '../events';
import { isNormalText } from '../text';
import { MILESTONE_STATES, PROJECT_ORIGINS, PROJECT_STATUSES, projectEventId } from './project';

export const PROJECT_EVENT_TYPES = [
  'project.created',
  'project.orders_linked',
  'project.progress_reported',
  'project.milestone_warned',
  'project.milestone_missed',
  'project.milestone_reached',
  'project.completed',
  'project.orders_resolved',
] as const;
export type ProjectEventType = (typeof PROJECT_EVENT_TYPES)[number];

const isoDateTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max).refine(isNormalText, 'contains characters that cannot be stored');
const refusal = z.object({ orderId: z.string().min(1), reason: z.string() });

export const milestoneSchema = z.object({
  id: z.string().min(1).max(64),
  name: text(200),
  workingDays: z.number().int().min(1).max(500),
  dueAt: isoDateTime,
  warnAt: isoDateTime,
  state: z.enum(MILESTONE_STATES),
  reachedAt: isoDateTime.optional(),
});

export const PROJECT_EVENT_DATA = {
  'project.created': z.object({
    title: text(200),
    description: text(4000).optional(),
    origin: z.enum(PROJECT_ORIGINS),
    bundleId: z.string().min(1).optional(),
    /** The annual cycle (issue 11) that selected it, for projects from proposals. */
    cycleId: z.string().min(1).optional(),
    proposalId: z.string().min(1).optional(),
    /** Yuan; money is public information (design §1). */
    budget: z.number().nonnegative().optional(),
    ownerUnitId: z.string().min(1),
    milestones: z.array(milestoneSchema).min(1),
    /** The orders asked for; `project.orders_linked` says which ones the project carries. */
    orderIds: z.array(z.string().min(1)),
  }),
  'project.orders_linked': z.object({ linked: z.array(z.string().min(1)), refused: z.array(refusal) }),
  'project.progress_reported': z.object({ note: text(4000), percent: z.number().int().min(0).max(100) }),
  'project.milestone_warned': z.object({ milestoneId: z.string().min(1), dueAt: isoDateTime }),
  'project.milestone_missed': z.object({
    milestoneId: z.string().min(1),
    dueAt: isoDateTime,
    escalatedToUnitId: z.string().min(1).nullable(),
    level: z.enum(LEVELS).nullable(),
    accountability: z.boolean(),
  }),
  'project.milestone_reached': z.object({ milestoneId: z.string().min(1), note: text(4000).optional(), late: z.boolean() }),
  'project.completed': z.object({ result: text(4000) }),
  'project.orders_resolved': z.object({ resolved: z.array(z.string().min(1)), skipped: z.array(refusal) }),
} as const satisfies Record<ProjectEventType, z.ZodType>;

export type ProjectEventData<T extends ProjectEventType> = z.infer<(typeof PROJECT_EVENT_DATA)[T]>;

const envelope = z.object({
  eventId: z.string().min(1),
  projectId: z.string().min(1),
  seq: z.number().int().min(1),
  at: isoDateTime,
  actor: actorSchema,
  /** The project's status after the event. */
  status: z.enum(PROJECT_STATUSES),
  ownerUnitId: z.string().min(1),
  /** 0–100 after the event. */
  percent: z.number().int().min(0).max(100),
});
type Envelope = z.infer<typeof envelope>;

export type ProjectEventOf<T extends ProjectEventType> = Envelope & { type: T; data: ProjectEventData<T> };
export type ProjectEvent = { [T in ProjectEventType]: ProjectEventOf<T> }[ProjectEventType];

const members = PROJECT_EVENT_TYPES.map((type) => envelope.extend({ type: z.literal(type), data: PROJECT_EVENT_DATA[type] }));

export const projectEventSchema = z
  .discriminatedUnion('type', members as [(typeof members)[number], ...(typeof members)[number][]])
  .refine((event) => event.eventId === projectEventId(event.projectId, event.seq), { message: 'eventId must be project-<projectId>#<seq>', path: ['eventId'] }) as unknown as z.ZodType<ProjectEvent>;
