// The one place an order is built and published. Every channel ends here: it builds the
// order.placed event, checks it against the Kafka contract, and answers only once Kafka
// acknowledged it (idempotent producer, acks -1, key = order id).
import { contactSchema, normaliseStrings, orderPlacedSchema, type Attachment, type Contact, type OrderPlaced } from '@diandan/domain';
import { BatchingPublisher, HttpError, counter, validate, type Logger, type Sealer } from '@diandan/platform';
import type { Producer } from 'kafkajs';
import { z } from 'zod';
import type { OrderIdentities, OrderIdentity } from './identity';

/** What a channel knows about a need; identity, time and defaults are added here. */
export type OrderDraft = Pick<OrderPlaced, 'channel' | 'content'> &
  Partial<Pick<OrderPlaced, 'categoryCode' | 'priority' | 'location'>> & { contact?: Contact; attachments?: Attachment[] };

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
  /** Seals the contact details before they go on Kafka (CONTACT_SEAL_KEYS). */
  sealer: Sealer;
  logger: Logger;
  /** Longest wait for Kafka's acknowledgement before answering 503 (default 4 s: WeChat waits 5 s). */
  publishTimeoutMs?: number;
  now?: () => Date;
}

export const RETRY_AFTER_SECONDS = 5;

const contactEnvelope = z.object({ contact: contactSchema });
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
  private readonly publisher: BatchingPublisher;

  constructor(private readonly options: PlacerOptions) {
    this.timeoutMs = options.publishTimeoutMs ?? 4000;
    this.now = options.now ?? (() => new Date());
    // Group commit: while a produce request is in flight the next orders gather for the one after
    // (intake's own flush-every-turn publisher sent many small requests that queued in kafkajs).
    this.publisher = new BatchingPublisher(options.producer);
  }

  identify(source?: readonly string[]): OrderIdentity {
    return this.options.identities.identify(source);
  }

  /**
   * Builds, validates and publishes the order; resolves once Kafka acknowledged it. Every channel
   * ends here, so every text is normalised here, the same way (packages/domain text.ts): NUL and
   * controls removed, lone surrogates replaced, bidi formatting removed. Text left empty by that is
   * a 400 like any empty text.
   */
  async place(raw: OrderDraft, identity: OrderIdentity = this.identify()): Promise<PlacedOrder> {
    const draft = normaliseStrings(raw);
    const placedAt = this.now().toISOString();
    const contact = compact(draft.contact);
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
      // Checked in clear, then sealed: only services/feedback can open it.
      sealedContact: contact === undefined ? undefined : this.options.sealer.seal(JSON.stringify(validate(contactEnvelope, { contact }).contact)),
      attachments: draft.attachments ?? [],
      placedAt,
    });
    try {
      await withDeadline(this.timeoutMs, this.publisher.publish(this.options.topic, [{ key: event.orderId, value: event, headers: { 'event-type': event.type } }]));
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
