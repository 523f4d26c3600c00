// The Kafka contract: every message on every topic is a member of a discriminated union with its
// own payload schema, and producers and consumers are typed by the inferred types. Consumers parse
// with these schemas; a message that fails is parked on the topic's dead-letter queue instead of
// blocking the partition. Text fields must be normalised (./text): whatever passes this contract
// can be stored by every consumer (PostgreSQL refuses U+0000 and lone surrogates).
import { z } from 'zod';
import { PRIORITIES, STAGES } from './deadlines';
import { LEVELS } from './ladder';
import { ORDER_STATUSES, RATINGS, ROLES } from './order';
import { isValidTrackingCode } from './trackingCode';
import { lifecycleEventId } from './lifecycle';
import { CHANNELS, LIFECYCLE_EVENT_TYPES, type LifecycleEventType } from './names';
import { isNormalText } from './text';
import { NOTICE_CHANNELS } from './notices';

export * from './names';
export { workflowIdFor, lifecycleEventId, stampEvents, type LifecycleEventDraft } from './lifecycle';

export const MAX_CONTENT_LENGTH = 4000;
/** Free text staff write into an event (opinion, result, reasons); the domain bounds it too. */
const MAX_NOTE_LENGTH = 4000;

const isoDateTime = z.iso.datetime({ offset: true });
/** Normalised (./text), trimmed, non-blank, bounded. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(isNormalText, 'contains characters that cannot be stored (NUL, lone surrogates, controls or bidi formatting)');
const unitId = z.string().min(1);
const level = z.enum(LEVELS);

export const attachmentSchema = z.object({
  /** `<orderId>-<n>` for what a resident sent: the download route's id. */
  id: z.string().min(1).max(200),
  fileName: text(255),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'not a MIME type'),
  size: z.number().int().nonnegative(),
  /** sha256 of the bytes, hex: lets a download prove it served what was received. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const locationSchema = z.object({
  address: text(500).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
});
export type OrderLocation = z.infer<typeof locationSchema>;

/** Contact details in clear: only ever inside a sealed envelope (`sealedContact`), never on Kafka as such. */
export const contactSchema = z.object({
  name: text(100).optional(),
  phone: z
    .string()
    .regex(/^\+?[\d\s-]{5,20}$/, 'not a phone number')
    .optional(),
  email: z.email().optional(),
  wechatOpenId: z.string().min(1).max(128).optional(),
  /** The channel the resident wants notices on, when not the one they came from (it needs its address above). */
  notifyBy: z.enum(NOTICE_CHANNELS).optional(),
});
export type Contact = z.infer<typeof contactSchema>;

/** orders.placed: every fact intake accepted. The read model takes its intake facts from here. */
export const orderPlacedSchema = z.object({
  eventId: z.string().min(1),
  type: z.literal('order.placed'),
  orderId: z.uuid(),
  trackingCode: z.string().refine(isValidTrackingCode, 'not a valid tracking code'),
  /** Hash of the resident's secret; the secret itself never travels. */
  secretHash: z.string().min(1),
  channel: z.enum(CHANNELS),
  content: text(MAX_CONTENT_LENGTH),
  categoryCode: text(64).optional(),
  priority: z.enum(PRIORITIES),
  location: locationSchema.optional(),
  /**
   * The resident's contact details, AES-256-GCM sealed with a key id (packages/platform sealing):
   * `v1.<keyId>.<iv>.<ciphertext+tag>`. Only services/feedback holds the key to open it.
   */
  sealedContact: z
    .string()
    .regex(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/, 'not a sealed contact')
    .optional(),
  attachments: z.array(attachmentSchema).max(20),
  placedAt: isoDateTime,
});
export type OrderPlaced = z.infer<typeof orderPlacedSchema>;

export const actorSchema = z.object({
  role: z.enum(ROLES),
  id: z.string().min(1).optional(),
  unitId: z.string().min(1).optional(),
});

/** The clock of the stage the order is in; `overdue`: it passed and the order could not move. */
export const runningDeadlineSchema = z.object({
  stage: z.enum(STAGES),
  dueAt: isoDateTime,
  warnAt: isoDateTime,
  overdue: z.boolean(),
  /** Counted into a year without a holiday schedule (Monday–Friday there): it may fall on a holiday. */
  unscheduled: z.boolean().optional(),
});
export type EventDeadline = z.infer<typeof runningDeadlineSchema>;

const note = text(MAX_NOTE_LENGTH);
const stage = z.enum(STAGES);

/**
 * Payload per lifecycle event type. What the workflow decides on travels here; the resident's
 * text does not (it reaches the read model from orders.placed). `content`, `address` and
 * `secretHash` on order.placed are the v1 shape, still accepted so that old events project.
 */
export const LIFECYCLE_DATA = {
  'order.placed': z.object({
    trackingCode: z.string().min(1),
    channel: z.enum(CHANNELS),
    priority: z.enum(PRIORITIES),
    placedAt: isoDateTime,
    categoryCode: z.string().min(1).optional(),
    /** v1 only. */
    content: z.string().optional(),
    /** v1 only. */
    address: z.string().optional(),
    /** v1 only. */
    secretHash: z.string().optional(),
  }),
  'order.answered': z.object({
    answer: note,
    /** The knowledge-base entry (知识库) the answer came from, and its version at that moment. */
    entryId: z.string().min(1).max(64).optional(),
    entryVersion: z.number().int().min(1).optional(),
  }),
  'order.dispatched': z.object({ unitName: z.string() }),
  'order.accepted': z.object({}),
  'order.opinion_given': z.object({ opinion: note }),
  'order.resolved': z.object({
    result: note,
    attachments: z.array(attachmentSchema).max(20).optional(),
    /** Set when a project's completion resolved the order (两个打包). */
    projectId: z.string().min(1).optional(),
    /** Resolved by the order it was merged into (docs/merge.md): that order's id and tracking code. */
    viaOrderId: z.string().min(1).optional(),
    viaTrackingCode: z.string().min(1).optional(),
  }),
  'order.returned': z.object({ reason: note, fromUnitId: unitId.nullable(), bounces: z.number().int().min(1) }),
  'order.escalated': z.object({
    trigger: z.enum(['manual', 'deadline']),
    /** A manual escalation's reason. */
    reason: note.optional(),
    /** The stage whose deadline passed (trigger `deadline`). */
    stage: stage.optional(),
    fromUnitId: unitId.nullable(),
    fromLevel: level.nullable(),
    unitName: z.string(),
  }),
  'order.urged': z.object({
    note: note.optional(),
    /** Set when the workflow urges at 80 % of a stage's time (automatic). */
    stage: stage.optional(),
    automatic: z.literal(true).optional(),
    dueAt: isoDateTime.optional(),
  }),
  'order.rated': z.object({ rating: z.enum(RATINGS), comment: note.optional() }),
  'order.reopened': z.object({
    /** No unit above the one that failed: back to the dispatch queue. */
    toQueue: z.literal(true).optional(),
    fromUnitId: unitId.nullable(),
    fromLevel: level.nullable().optional(),
    unitName: z.string().optional(),
  }),
  'order.closed': z.object({ outcome: z.enum(['rated', 'unrated']), rating: z.enum(RATINGS).optional() }),
  'order.invalidated': z.object({ reason: note }),
  'order.merged': z.object({ intoOrderId: z.string().min(1), intoTrackingCode: z.string().min(1).optional() }),
  /** Back to the dispatch queue: a dispatcher's un-merge (`manual`) or the survivor ended unresolved. */
  'order.unmerged': z.object({ fromOrderId: z.string().min(1), trigger: z.enum(['manual', 'survivor_ended']), reason: note.optional() }),
  /** On the survivor: an order was merged into it and is resolved by its result. */
  'order.duplicate_linked': z.object({ orderId: z.string().min(1), trackingCode: z.string().min(1).optional() }),
  'order.duplicate_unlinked': z.object({ orderId: z.string().min(1) }),
  'order.withdrawn': z.object({ reason: note.optional() }),
  'order.buck_passing_flagged': z.object({
    patterns: z.array(z.enum(['returns', 'ping_pong'])),
    returns: z.number().int().min(0),
    pingPong: z.tuple([z.string(), z.string()]).optional(),
  }),
  'order.supervisor_alerted': z.object({ stage, reason: z.string().min(1) }),
  'order.accountability_recorded': z.object({ stage, unitId: unitId.nullable() }),
  'order.callback_flagged': z.object({ reason: z.string().min(1) }),
  'order.bundled': z.object({ projectId: z.string().min(1), unitName: z.string() }),
} as const satisfies Record<LifecycleEventType, z.ZodType>;

export type LifecycleData<T extends LifecycleEventType> = z.infer<(typeof LIFECYCLE_DATA)[T]>;

const envelope = z.object({
  eventId: z.string().min(1),
  orderId: z.uuid(),
  seq: z.number().int().min(1),
  at: isoDateTime,
  actor: actorSchema,
  /** The order's status after the event. */
  status: z.enum(ORDER_STATUSES),
  level: level.optional(),
  unitId: unitId.optional(),
  /**
   * The running deadline after this event: an object (a clock runs), `null` (none runs: final or
   * transient state), absent (unchanged by this event). The workflow sets it on the newest event
   * of every batch it publishes, once the clock of the order's current stage is computed.
   */
  deadline: runningDeadlineSchema.nullable().optional(),
});
type Envelope = z.infer<typeof envelope>;

export type LifecycleEventOf<T extends LifecycleEventType> = Envelope & { type: T; data: LifecycleData<T> };
export type LifecycleEvent = { [T in LifecycleEventType]: LifecycleEventOf<T> }[LifecycleEventType];

const members = LIFECYCLE_EVENT_TYPES.map((type) => envelope.extend({ type: z.literal(type), data: LIFECYCLE_DATA[type] }));

export const lifecycleEventSchema = z
  .discriminatedUnion('type', members as [(typeof members)[number], ...(typeof members)[number][]])
  .refine((event) => event.eventId === lifecycleEventId(event.orderId, event.seq), {
    message: 'eventId must be <workflowId>#<seq>',
    path: ['eventId'],
  }) as unknown as z.ZodType<LifecycleEvent>;

/** Narrows an event to one type, with its payload typed. */
export const isEventOf = <T extends LifecycleEventType>(event: LifecycleEvent, type: T): event is Extract<LifecycleEvent, { type: T }> =>
  event.type === type;

/** A minimal valid payload per type (fixtures, benchmarks and docs build events from it). */
export const EXAMPLE_LIFECYCLE_DATA: { readonly [T in LifecycleEventType]: LifecycleData<T> } = {
  'order.placed': { trackingCode: 'DD-0000-0000', channel: 'api', priority: 'normal', placedAt: '2026-01-01T00:00:00.000Z' },
  'order.answered': { answer: '已当场答复' },
  'order.dispatched': { unitName: '社区' },
  'order.accepted': {},
  'order.opinion_given': { opinion: '已联系' },
  'order.resolved': { result: '已办结' },
  'order.returned': { reason: '不属于本单位', fromUnitId: null, bounces: 1 },
  'order.escalated': { trigger: 'manual', reason: '需上级协调', fromUnitId: null, fromLevel: null, unitName: '街道' },
  'order.urged': {},
  'order.rated': { rating: 'satisfied' },
  'order.reopened': { fromUnitId: null },
  'order.closed': { outcome: 'rated' },
  'order.invalidated': { reason: '无效' },
  'order.merged': { intoOrderId: '00000000-0000-4000-8000-000000000000' },
  'order.unmerged': { fromOrderId: '00000000-0000-4000-8000-000000000000', trigger: 'manual' },
  'order.duplicate_linked': { orderId: '00000000-0000-4000-8000-000000000000' },
  'order.duplicate_unlinked': { orderId: '00000000-0000-4000-8000-000000000000' },
  'order.withdrawn': {},
  'order.buck_passing_flagged': { patterns: ['returns'], returns: 3 },
  'order.supervisor_alerted': { stage: 'triage', reason: 'not dispatched in time' },
  'order.accountability_recorded': { stage: 'resolve', unitId: null },
  'order.callback_flagged': { reason: 'rating window expired' },
  'order.bundled': { projectId: 'project-0000', unitName: '社区' },
};

/**
 * Builds an event of any type from loose parts, for fixtures: the type's example payload with
 * `data` over it, and a `deadline` found in `data` (the v1 place) moved to the envelope.
 */
export function exampleEvent(parts: Omit<LifecycleEvent, 'data' | 'type'> & { type: LifecycleEventType; data?: Record<string, unknown> }): LifecycleEvent {
  const { deadline, ...data } = { ...EXAMPLE_LIFECYCLE_DATA[parts.type], ...(parts.data ?? {}) } as Record<string, unknown>;
  const moved = deadline === undefined ? {} : { deadline: { warnAt: (deadline as { dueAt: string }).dueAt, overdue: false, ...(deadline as object) } };
  return { ...parts, ...moved, data } as LifecycleEvent;
}
