// The one place an order is built and published. Every channel ends here: it builds the
// order.placed event, checks it against the Kafka contract, and answers only once Kafka
// acknowledged it (idempotent producer, acks -1, key = order id).
import { orderPlacedSchema, type Attachment, type OrderPlaced } from '@diandan/domain';
import { HttpError, counter, validate, type Logger } from '@diandan/platform';
import type { Producer } from 'kafkajs';
import { BatchPublisher } from './batching';
import type { OrderIdentities, OrderIdentity } from './identity';

/** What a channel knows about a need; identity, time and defaults are added here. */
export type OrderDraft = Pick<OrderPlaced, 'channel' | 'content'> &
  Partial<Pick<OrderPlaced, 'categoryCode' | 'priority' | 'location' | 'contact'>> & { attachments?: Attachment[] };

export interface PlacedOrder {
  orderId: string;
  trackingCode: string;
  secret: string;
  placedAt: string;
}

export interface PlacerOptions {
  producer: Producer;
  topic: string;
  identities: OrderIdentities;
  logger: Logger;
  /** Longest wait for Kafka's acknowledgement before answering 503 (default 4 s: WeChat waits 5 s). */
  publishTimeoutMs?: number;
  now?: () => Date;
}

export const RETRY_AFTER_SECONDS = 5;

const placedTotal = counter({ name: 'diandan_orders_placed_total', help: 'Orders placed (acknowledged by Kafka), per channel.', labelNames: ['channel'] });
const notPlacedTotal = counter({ name: 'diandan_orders_not_placed_total', help: 'Orders refused with 503 because Kafka did not acknowledge, per channel.', labelNames: ['channel'] });

export class KafkaUnavailableError extends HttpError {
  constructor(cause: unknown) {
    super(503, 'unavailable', 'the order could not be recorded right now; please try again (with the same Idempotency-Key)', undefined, {
      'Retry-After': String(RETRY_AFTER_SECONDS),
    });
    this.cause = cause;
  }
}

function withDeadline<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kafka did not acknowledge within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Drops undefined fields and empty objects, so the event has no `location: {}`. */
function compact<T extends object>(value: T | undefined): T | undefined {
  if (!value) return undefined;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== '');
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

export class Placer {
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  private readonly publisher: BatchPublisher;

  constructor(private readonly options: PlacerOptions) {
    this.timeoutMs = options.publishTimeoutMs ?? 4000;
    this.now = options.now ?? (() => new Date());
    this.publisher = new BatchPublisher(options.producer, options.topic);
  }

  identify(source?: readonly string[]): OrderIdentity {
    return this.options.identities.identify(source);
  }

  /** Builds, validates and publishes the order; resolves once Kafka acknowledged it. */
  async place(draft: OrderDraft, identity: OrderIdentity = this.identify()): Promise<PlacedOrder> {
    const placedAt = this.now().toISOString();
    const event: OrderPlaced = validate(orderPlacedSchema, {
      eventId: `placed-${identity.orderId}`,
      type: 'order.placed',
      orderId: identity.orderId,
      trackingCode: identity.trackingCode,
      secretHash: identity.secretHash,
      channel: draft.channel,
      content: draft.content,
      categoryCode: draft.categoryCode || undefined,
      priority: draft.priority ?? 'normal',
      location: compact(draft.location),
      contact: compact(draft.contact),
      attachments: draft.attachments ?? [],
      placedAt,
    });
    try {
      await withDeadline(this.timeoutMs, this.publisher.publish({ key: event.orderId, value: event, headers: { 'event-type': event.type } }));
    } catch (error) {
      notPlacedTotal.inc({ channel: event.channel });
      this.options.logger.error({ orderId: event.orderId, channel: event.channel, err: error }, 'order not placed: kafka unavailable');
      throw new KafkaUnavailableError(error);
    }
    placedTotal.inc({ channel: event.channel });
    this.options.logger.info({ orderId: event.orderId, channel: event.channel }, 'order placed');
    return { orderId: identity.orderId, trackingCode: identity.trackingCode, secret: identity.secret, placedAt };
  }
}
