// Health probe used by infra/local/diandan: exits 0 only when the server really answers.
import kafkajs from 'kafkajs';

const what = process.argv[2];
if (what === 'kafka') {
  const kafka = new kafkajs.Kafka({
    clientId: 'diandan-healthcheck',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(','),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    // `kafka N`: healthy only once N brokers have registered (the cluster profile runs three).
    const { brokers } = await admin.describeCluster();
    if (brokers.length < Number(process.argv[3] ?? 1)) process.exit(1);
    await admin.disconnect();
    process.exit(0);
  } catch {
    process.exit(1);
  }
} else {
  console.error(`unknown check: ${what}`);
  process.exit(2);
}
