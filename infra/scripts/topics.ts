// Creates the Kafka topics diandan needs (idempotent): orders.placed, orders.lifecycle and a
// dead-letter topic for each. Partition count: KAFKA_PARTITIONS (default 6); key = order id, so
// one order's events stay in order on one partition.
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '@diandan/domain';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
  const partitions = Number(process.env.KAFKA_PARTITIONS ?? 6);
  const admin = new Kafka({ clientId: 'diandan-topics', brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = Object.values(TOPICS).filter((t) => !existing.has(t));
    if (wanted.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      });
    }
    console.log(`  ✓ topics ${Object.values(TOPICS).join(', ')}${wanted.length ? ` (created ${wanted.length})` : ''}`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error('topic setup failed:', err);
  process.exit(1);
});
