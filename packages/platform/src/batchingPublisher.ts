// Group commit for a process that publishes on behalf of many concurrent callers (the worker's
// workflows, each waiting for its own events): while a produce request is in flight, the events of
// everyone who asks meanwhile gather, and the next request carries all of them. At low load a call
// goes out at once (no added latency); under load the requests grow instead of queueing one per
// call behind kafkajs' five in-flight requests per broker — which is what held the first workflow
// task of an order for seconds (docs/performance.md). Each caller's promise settles with the
// request that carried its events: resolved only once Kafka acknowledged them (acks -1), rejected
// with the request's error otherwise — an event is never acknowledged that Kafka did not take.
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { OutgoingEvent } from './kafka';

interface Waiting {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface BatchingPublisherOptions {
  /** Produce requests of this publisher in flight at once (default 2). */
  maxInFlight?: number;
  /** Messages per request at most (default 1000); one caller's events always travel together. */
  maxBatch?: number;
}

export interface PublisherStats {
  requests: number;
  events: number;
  /** Largest number of callers one request carried. */
  largestRequest: number;
}

export class BatchingPublisher {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  readonly stats: PublisherStats = { requests: 0, events: 0, largestRequest: 0 };

  constructor(
    private readonly producer: Producer,
    options: BatchingPublisherOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.maxBatch = Math.max(1, options.maxBatch ?? 1000);
  }

  /** Resolves once every replica acknowledged these events (with whatever travelled beside them). */
  publish(topic: string, events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      // Serialised here, so that a value JSON cannot carry fails its own caller only.
      const messages = events.map((e) => ({ key: e.key, value: JSON.stringify(e.value), ...(e.headers ? { headers: e.headers } : {}) }));
      this.waiting.push({ topic, messages, resolve, reject });
      // Callers of the same turn of the event loop share the request even when one could go now.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) this.send(this.take());
  }

  /** The oldest callers whose events fit in one request (at least one caller). */
  private take(): Waiting[] {
    let count = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || count + this.waiting[n]!.messages.length <= this.maxBatch)) {
      count += this.waiting[n]!.messages.length;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private send(batch: Waiting[]): void {
    const byTopic = new Map<string, TopicMessages>();
    for (const w of batch) {
      const entry = byTopic.get(w.topic) ?? { topic: w.topic, messages: [] };
      byTopic.set(w.topic, entry);
      // Kept in each caller's order: one order's events reach its partition in sequence.
      entry.messages.push(...w.messages);
    }
    this.inFlight++;
    this.stats.requests++;
    this.stats.events += batch.reduce((sum, w) => sum + w.messages.length, 0);
    this.stats.largestRequest = Math.max(this.stats.largestRequest, batch.length);
    this.producer
      .sendBatch({ topicMessages: [...byTopic.values()], acks: -1 })
      .then(
        () => batch.forEach((w) => w.resolve()),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }
}
