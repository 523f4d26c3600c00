import { z } from 'zod';
import { PRIORITIES } from './deadlines';
import { LEVELS } from './ladder';
import { ORDER_STATUSES, ROLES } from './order';
import { isValidTrackingCode } from './trackingCode';
import { lifecycleEventId } from './lifecycle';

/**
 * The Kafka contract. Both topics are keyed by order id, so one order's events stay in one
 * partition and arrive in order. Consumers must parse with these schemas: a message that fails is
 * parked on the topic's dead-letter queue instead of blocking the partition.
 */
export const TOPICS = {
  placed: 'orders.placed',
  lifecycle: 'orders.lifecycle',
  placedDlq: 'orders.placed.dlq',
  lifecycleDlq: 'orders.lifecycle.dlq',
} as const;

export { workflowIdFor, lifecycleEventId, stampEvents, type LifecycleEventDraft } from './lifecycle';

/** Custom search attributes of the order workflow, with their Temporal index types. */
export const SEARCH_ATTRIBUTES = {
  OrderStatus: 'Keyword',
  OrderLevel: 'Keyword',
  OrderUnit: 'Keyword',
  OrderCategory: 'Keyword',
  OrderDeadline: 'Datetime',
  OrderOverdue: 'Bool',
  OrderBounces: 'Int',
} as const;
export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

export const CHANNELS = ['hotline', 'letter', 'email', 'wechat', 'web', 'open311', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const MAX_CONTENT_LENGTH = 4000;

const isoDateTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);

export const attachmentSchema = z.object({
  id: z.string().min(1),
  fileName: text(255),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'not a MIME type'),
  size: z.number().int().nonnegative(),
});

export const orderPlacedSchema = z.object({
  eventId: z.string().min(1),
  type: z.literal('order.placed'),
  orderId: z.uuid(),
  trackingCode: z.string().refine(isValidTrackingCode, 'not a valid tracking code'),
  /** Hash of the resident's secret; the secret itself never travels. */
  secretHash: z.string().min(1),
  channel: z.enum(CHANNELS),
  content: text(MAX_CONTENT_LENGTH),
  categoryCode: z.string().min(1).optional(),
  priority: z.enum(PRIORITIES),
  location: z
    .object({
      address: text(500).optional(),
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
    })
    .optional(),
  contact: z
    .object({
      name: text(100).optional(),
      phone: z
        .string()
        .regex(/^\+?[\d\s-]{5,20}$/, 'not a phone number')
        .optional(),
      email: z.email().optional(),
      wechatOpenId: z.string().min(1).max(128).optional(),
    })
    .optional(),
  attachments: z.array(attachmentSchema).max(20),
  placedAt: isoDateTime,
});
export type OrderPlaced = z.infer<typeof orderPlacedSchema>;
export type Attachment = z.infer<typeof attachmentSchema>;

export const LIFECYCLE_EVENT_TYPES = [
  'order.placed',
  'order.answered',
  'order.dispatched',
  'order.accepted',
  'order.opinion_given',
  'order.resolved',
  'order.returned',
  'order.escalated',
  'order.urged',
  'order.rated',
  'order.reopened',
  'order.closed',
  'order.invalidated',
  'order.merged',
  'order.withdrawn',
  'order.buck_passing_flagged',
  'order.supervisor_alerted',
  'order.accountability_recorded',
  'order.callback_flagged',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export const actorSchema = z.object({
  role: z.enum(ROLES),
  id: z.string().min(1).optional(),
  unitId: z.string().min(1).optional(),
});

export const lifecycleEventSchema = z
  .object({
    eventId: z.string().min(1),
    orderId: z.uuid(),
    seq: z.number().int().min(1),
    type: z.enum(LIFECYCLE_EVENT_TYPES),
    at: isoDateTime,
    actor: actorSchema,
    /** The order's status after the event. */
    status: z.enum(ORDER_STATUSES),
    level: z.enum(LEVELS).optional(),
    unitId: z.string().min(1).optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .refine((event) => event.eventId === lifecycleEventId(event.orderId, event.seq), {
    message: 'eventId must be <workflowId>#<seq>',
    path: ['eventId'],
  });
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
