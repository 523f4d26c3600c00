// The live feed: lifecycle events as they happen, fanned out to server-sent-event subscribers.
// Each process reads orders.lifecycle with a consumer group of its own (every process must see
// every event; the feed is a view, not a worker), starting at the newest offset.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Kafka, Consumer } from 'kafkajs';
import { lifecycleEventSchema, type LifecycleEvent } from '@diandan/domain';
import type { Logger } from '@diandan/platform';

/** What the feed adds to an event: the order's tracking code, which people recognise (ids they do not). */
export interface FeedExtras {
  trackingCode?: string;
}

export type FeedListener = (event: LifecycleEvent, extras: FeedExtras) => void;

export class FeedHub {
  private readonly listeners = new Set<FeedListener>();

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  publish(event: LifecycleEvent, extras: FeedExtras = {}): void {
    for (const listener of this.listeners) listener(event, extras);
  }
}

export interface FeedConsumerOptions {
  kafka: Kafka;
  hub: FeedHub;
  topic: string;
  /** Prefix of this process's own consumer group. */
  groupPrefix: string;
  logger: Logger;
  /** The tracking code of an order not seen placed by this process (the read model); none: no code. */
  trackingCodeOf?: (orderId: string) => Promise<string | null | undefined>;
}

/** Orders whose tracking code the feed remembers (placed events fill it; the oldest go first). */
const REMEMBERED_CODES = 10_000;

/** Feeds the hub from Kafka. Bad messages are skipped: the projector's dead-letter topic has them. */
export async function startFeedConsumer({ kafka, hub, topic, groupPrefix, logger, trackingCodeOf }: FeedConsumerOptions): Promise<Consumer> {
  const codes = new Map<string, string>();
  const remember = (orderId: string, code: string) => {
    codes.set(orderId, code);
    if (codes.size > REMEMBERED_CODES) codes.delete(codes.keys().next().value as string);
  };
  const codeOf = async (event: LifecycleEvent): Promise<string | undefined> => {
    const placed = event.type === 'order.placed' ? (event.data as { trackingCode?: string }).trackingCode : undefined;
    if (placed) remember(event.orderId, placed);
    const known = codes.get(event.orderId);
    if (known || !trackingCodeOf) return known;
    try {
      const found = await trackingCodeOf(event.orderId);
      // A row the projector has not filled yet carries a provisional code: not one to show.
      if (!found || found.startsWith('pending:')) return undefined;
      remember(event.orderId, found);
      return found;
    } catch (error) {
      logger.debug({ err: error }, 'feed: tracking code lookup failed; event sent without it');
      return undefined;
    }
  };
  const consumer = kafka.consumer({ groupId: `${groupPrefix}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      try {
        const parsed = lifecycleEventSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        if (parsed.success) {
          const trackingCode = await codeOf(parsed.data);
          hub.publish(parsed.data, trackingCode ? { trackingCode } : {});
        }
      } catch (error) {
        logger.debug({ err: error }, 'feed: unreadable message skipped');
      }
    },
  });
  return consumer;
}
