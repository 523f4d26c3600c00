// Plain counters of every consumer runner in this process, for logs now and a metrics endpoint
// later (prom-client gauges/counters can read `consumerCounters()` at scrape time). No dependency
// on a metrics library here on purpose: whoever exposes /metrics chooses it.

export interface ConsumerCounters {
  groupId: string;
  topic: string;
  /** Messages whose handler succeeded (offset committed after). */
  handled: number;
  /** Failed handler attempts that were retried (transient or not yet at maxAttempts). */
  retries: number;
  /** …of which the failure was classified transient (infrastructure down). */
  transientRetries: number;
  /** Messages parked on the dead-letter topic. */
  parked: number;
  /** Times this consumer joined its group (1 for a stable member; more means rebalances). */
  groupJoins: number;
  /** Times the kafkajs consumer crashed (it restarts itself when the error is retriable). */
  crashes: number;
  /** Times the runner restarted a consumer that kafkajs would not restart. */
  restarts: number;
  /** False while a crashed consumer waits for the runner to restart it (/readyz fails meanwhile). */
  running: boolean;
  /** Heartbeats sent while a message was being retried. */
  retryHeartbeats: number;
  /** Partitions whose current message is failing right now. */
  retrying: number;
  /** Since when the oldest failing message has been retried (ms since epoch), or null. */
  retryingSince: number | null;
}

const registry = new Set<ConsumerCounters>();

export function newConsumerCounters(groupId: string, topic: string): ConsumerCounters {
  const counters: ConsumerCounters = {
    groupId,
    topic,
    handled: 0,
    retries: 0,
    transientRetries: 0,
    parked: 0,
    groupJoins: 0,
    crashes: 0,
    restarts: 0,
    running: false,
    retryHeartbeats: 0,
    retrying: 0,
    retryingSince: null,
  };
  registry.add(counters);
  return counters;
}

export function forgetConsumerCounters(counters: ConsumerCounters): void {
  registry.delete(counters);
}

/** A snapshot of the counters of every running consumer runner of this process. */
export function consumerCounters(): ConsumerCounters[] {
  return [...registry].map((c) => ({ ...c }));
}
