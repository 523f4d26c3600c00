// Creates the Kafka topics diandan needs (idempotent): orders.placed, orders.lifecycle and a
// dead-letter topic for each, under KAFKA_TOPIC_PREFIX. Partitions: KAFKA_PARTITIONS (default 6);
// the key is the order id, so one order's events stay in order on one partition. Replication:
// KAFKA_REPLICATION_FACTOR (1 on the one-broker profile, 3 in the cluster profile) and
// KAFKA_MIN_INSYNC_REPLICAS (2 in the cluster profile, so acks -1 means "on two brokers").
import { createKafka, createLogger, ensureTopics, kafkaEnv, loadConfig, topicNames } from '@diandan/platform';
import { z } from 'zod';

async function main(): Promise<void> {
  const config = loadConfig({
    ...kafkaEnv,
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).default(6),
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
    KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).default(1),
  });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-topics` }, createLogger('topics', 'warn'));
  const topics = Object.values(topicNames(config.KAFKA_TOPIC_PREFIX));
  const created = await ensureTopics(kafka, topics, config.KAFKA_PARTITIONS, {
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
  });
  const replicas = config.KAFKA_REPLICATION_FACTOR > 1 ? `, ${config.KAFKA_REPLICATION_FACTOR} replicas, min ISR ${config.KAFKA_MIN_INSYNC_REPLICAS}` : '';
  console.log(`  ✓ topics ${topics.join(', ')}${replicas}${created.length ? ` (created ${created.length})` : ''}`);
}

main().catch((err: unknown) => {
  console.error('topic setup failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
