// Group commit for the request path: the events of all requests that arrive in the same turn of
// the event loop go to Kafka in one produce request (acks -1), and every request waits for that
// acknowledgement. A produce request per order was what bounded throughput (see docs/intake.md);
// no latency is added, because the flush happens on the very next turn.
import { publish, type OutgoingEvent } from '@diandan/platform';
import type { Producer } from 'kafkajs';

interface Pending {
  event: OutgoingEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class BatchPublisher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves once Kafka acknowledged the batch that carried this event. */
  publish(event: OutgoingEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    publish(
      this.producer,
      this.topic,
      batch.map((p) => p.event),
    ).then(
      () => batch.forEach((p) => p.resolve()),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
  }
}
