// Prometheus metrics, one way for every process (prom-client: the Node ecosystem's standard client,
// kept by the Prometheus community). Each process has one registry: the process's default metrics
// (CPU, memory, event-loop lag, GC) plus the business figures its edges register. HTTP services
// serve it at /metrics (createHttpApp mounts it); the worker serves it on its own port (serveMetrics).
// Figures that live in a database or in Kafka (open orders, consumer lag) are gauges computed when
// Prometheus scrapes, so no process keeps a copy that could drift.
import { createServer, type Server } from 'node:http';
import type { Admin } from 'kafkajs';
import { consumerCounters } from './consumerCounters';
import { Counter, Gauge, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration } from 'prom-client';

let registry: Registry | undefined;

/** The process's registry (created on first use, with Node's default metrics under `diandan_`). */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'diandan_' });
  }
  return registry;
}

/** A counter in the process's registry; asking twice for a name returns the same counter. */
export function counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  const existing = metricsRegistry().getSingleMetric(config.name);
  if (existing) return existing as Counter<L>;
  return new Counter({ ...config, registers: [metricsRegistry()] });
}

/** A gauge in the process's registry; `collect` (if given) refreshes it at every scrape. */
export function gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  const existing = metricsRegistry().getSingleMetric(config.name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ ...config, registers: [metricsRegistry()] });
}

/** The text Prometheus scrapes. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const reg = metricsRegistry();
  return { contentType: reg.contentType, body: await reg.metrics() };
}

/** A bare /metrics endpoint for processes without an HTTP app (the worker). Loopback by default. */
export function serveMetrics(port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metricsText().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * `diandan_kafka_consumer_lag{group,topic}`: messages a consumer group has not committed yet,
 * summed over partitions (latest offset − committed offset), read from the brokers at scrape time.
 * A group that never committed counts the whole topic.
 */
export function registerConsumerLag(admin: Admin, subscriptions: { group: string; topic: string }[]): void {
  gauge({
    name: 'diandan_kafka_consumer_lag',
    help: 'Messages not yet committed by a consumer group, per topic (summed over partitions).',
    labelNames: ['group', 'topic'],
    async collect() {
      await Promise.all(
        subscriptions.map(async ({ group, topic }) => {
          try {
            const [latest, committed] = await Promise.all([
              admin.fetchTopicOffsets(topic),
              admin.fetchOffsets({ groupId: group, topics: [topic] }),
            ]);
            const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
            let lag = 0;
            for (const p of latest) {
              const at = done.get(p.partition) ?? -1;
              lag += Math.max(0, Number(p.high) - (at < 0 ? Number(p.low) : at));
            }
            this.set({ group, topic }, lag);
          } catch {
            // Kafka unreachable: leave the last value; kafkajs already logged the outage.
          }
        }),
      );
    },
  });
}

/**
 * `diandan_consumer_running{group,topic}` (1 consuming, 0 crashed and restarting) and
 * `diandan_consumer_restarts{group,topic}` for every consumer runner of this process.
 */
export function registerConsumerRunners(): void {
  gauge({
    name: 'diandan_consumer_running',
    help: 'Whether a consumer runner is consuming (0 while a crashed consumer waits for its restart).',
    labelNames: ['group', 'topic'],
    collect() {
      this.reset();
      for (const c of consumerCounters()) this.set({ group: c.groupId, topic: c.topic }, c.running ? 1 : 0);
    },
  });
  gauge({
    name: 'diandan_consumer_restarts',
    help: 'Times the runner restarted a consumer that kafkajs would not restart.',
    labelNames: ['group', 'topic'],
    collect() {
      this.reset();
      for (const c of consumerCounters()) this.set({ group: c.groupId, topic: c.topic }, c.restarts);
    },
  });
}
