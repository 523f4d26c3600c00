// The live feed: lifecycle events as they happen, fanned out to server-sent-event subscribers.
// Each process reads orders.lifecycle with a consumer group of its own (every process must see
// every event; the feed is a view, not a worker), starting at the newest offset.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Kafka, Consumer } from 'kafkajs';
import { lifecycleEventSchema, type LifecycleEvent } from '@diandan/domain';
import type { Logger } from '@diandan/platform';

export type FeedListener = (event: LifecycleEvent) => void;

export class FeedHub {
  private readonly listeners = new Set<FeedListener>();

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  publish(event: LifecycleEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

export interface FeedConsumerOptions {
  kafka: Kafka;
  hub: FeedHub;
  topic: string;
  /** Prefix of this process's own consumer group. */
  groupPrefix: string;
  logger: Logger;
}

/** Feeds the hub from Kafka. Bad messages are skipped: the projector's dead-letter topic has them. */
export async function startFeedConsumer({ kafka, hub, topic, groupPrefix, logger }: FeedConsumerOptions): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `${groupPrefix}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      try {
        const parsed = lifecycleEventSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        if (parsed.success) hub.publish(parsed.data);
      } catch (error) {
        logger.debug({ err: error }, 'feed: unreadable message skipped');
      }
    },
  });
  return consumer;
}
