// Benchmark (not a test): autocannon against POST /v1/orders of a real intake (real Kafka, acks -1)
// and, in the same run, against a bare express endpoint that answers 202 — the ceiling of
// express + HTTP on this machine. The servers run in a child process so that autocannon does not
// share their event loop. Events go to a topic of their own (never the real orders.placed),
// deleted at the end.
//
//   source infra/local/env.sh   # KAFKA_BROKERS, DATABASE_URL (ROOT=/work/main)
//   npx tsx services/intake/bench/intake.bench.ts [seconds=10] [connections=32]
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createKafka, createLogger, createPrisma, ensureTopics, listen, sealingKeysSchema, topicNames } from '@diandan/platform';
import { createIntakeApp } from '../src/app';
import { createRequestPathProducer } from '../src/producer';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:55432/diandan';
const logger = createLogger('intake-bench', 'warn');

async function serve(topic: string): Promise<void> {
  const kafka = createKafka({ brokers, clientId: 'diandan-bench' }, logger);
  const producer = createRequestPathProducer(kafka);
  await producer.connect();
  const { app } = createIntakeApp({
    logger,
    producer,
    prisma: createPrisma(databaseUrl, { maxConnections: 2 }),
    settings: {
      secretKey: 'bench-intake-secret-key-0123456789abcdef',
      placedTopic: topic,
      h5Origin: 'http://127.0.0.1',
      open311ApiKeys: [],
      operatorTokens: [],
      rateLimitPerMinute: 10_000_000,
      wechat: { token: 't', appId: '', aesKey: '' },
      feedback: { url: 'http://127.0.0.1:9', serviceToken: 'bench-feedback-service-token-0123456789' }, // not benchmarked
      contactSealKeys: sealingKeysSchema.parse(`bench:${Buffer.alloc(32, 1).toString('base64')}`),
      attachmentsDir: path.join(os.tmpdir(), 'diandan-bench'),
      attachmentMaxBytes: 1024,
    },
  });
  const bare = express();
  bare.use(express.json());
  bare.post('/v1/orders', (_req, res) => {
    res.status(202).json({ orderId: randomUUID(), status: 'placed' });
  });
  const intakeServer = await listen(app, 0, '127.0.0.1');
  const bareServer = await listen(bare, 0, '127.0.0.1');
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`PORTS ${JSON.stringify({ intake: (intakeServer.address() as AddressInfo).port, bare: (bareServer.address() as AddressInfo).port })}\n`);
}

interface Figures {
  target: string;
  ordersPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(target: string, port: number, seconds: number, connections: number): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/orders`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content: '小区路灯坏了，晚上出行不便', location: { address: '江北区观音桥街道' }, contact: { phone: '13800138000' } }),
    connections,
    duration: seconds,
  });
  return {
    target,
    ordersPerSecond: Math.round(result['2xx'] / seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'serve') return serve(arg!);
  const seconds = Math.min(Number(mode ?? 10) || 10, 20);
  const connections = Number(arg ?? 32) || 32;
  const kafka = createKafka({ brokers, clientId: 'diandan-bench' }, logger);
  const topic = topicNames(`bench-${Date.now().toString(36)}-`).placed;
  await ensureTopics(kafka, [topic], Number(process.env.KAFKA_PARTITIONS ?? 6));

  const child = spawn(process.execPath, [...process.execArgv, __filename, 'serve', topic], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<{ intake: number; bare: number }>((resolve, reject) => {
    // The child's stdout also carries its logs; the ports come on a line of their own.
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = /^PORTS (.*)$/m.exec(buffered)?.[1];
      if (line) resolve(JSON.parse(line) as { intake: number; bare: number });
    });
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  try {
    // Warm-up: JIT, Kafka connections and metadata.
    await load('warm-up', ports.intake, 2, connections);
    const bare = await load('bare express 202', ports.bare, seconds, connections);
    const intake = await load('intake POST /v1/orders (Kafka acks -1)', ports.intake, seconds, connections);
    console.table([bare, intake]);
    console.log(`ratio intake/bare: ${(intake.ordersPerSecond / bare.ordersPerSecond).toFixed(2)}  (${os.cpus().length} cores, ${connections} connections, ${seconds} s per target)`);
  } finally {
    child.kill('SIGTERM');
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
