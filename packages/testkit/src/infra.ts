// Clients of the real servers for tests: Kafka with fresh topics, PostgreSQL on this run's database.
import { createKafka, createPrisma, ensureTopics, topicNames, type PrismaClient } from '@diandan/platform';
import type { Kafka } from 'kafkajs';
import { env, testLogger, unique } from './env';

export const kafkaFor = (what = 'test'): Kafka => createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: unique(what) }, testLogger('kafka-test'));

/** Fresh topics (and their dead-letter topics) for one test file. */
export async function freshTopics(what: string, partitions = 3): Promise<ReturnType<typeof topicNames>> {
  const topics = topicNames(`${unique(what)}-`);
  await ensureTopics(kafkaFor(what), Object.values(topics), partitions);
  return topics;
}

export const testPrisma = (maxConnections = 5): PrismaClient => createPrisma(env('DATABASE_URL'), { maxConnections });
