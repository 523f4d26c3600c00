// Creates the Kafka topics diandan needs (idempotent): orders.placed, orders.lifecycle and a
// dead-letter topic for each, under KAFKA_TOPIC_PREFIX. Partitions: KAFKA_PARTITIONS (default 6);
// the key is the order id, so one order's events stay in order on one partition.
import { createKafka, createLogger, ensureTopics, kafkaEnv, loadConfig, topicNames } from '@diandan/platform';
import { z } from 'zod';

async function main(): Promise<void> {
  const config = loadConfig({ ...kafkaEnv, KAFKA_PARTITIONS: z.coerce.number().int().min(1).default(6) });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-topics` }, createLogger('topics', 'warn'));
  const topics = Object.values(topicNames(config.KAFKA_TOPIC_PREFIX));
  const created = await ensureTopics(kafka, topics, config.KAFKA_PARTITIONS);
  console.log(`  ✓ topics ${topics.join(', ')}${created.length ? ` (created ${created.length})` : ''}`);
}

main().catch((err: unknown) => {
  console.error('topic setup failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
