// Readiness checks for /readyz: each asks its server a real question, with a short timeout.
import type { Connection } from '@temporalio/client';
import type { Admin } from 'kafkajs';
import type { PrismaClient } from '@prisma/client';
import { consumerCounters } from './consumerCounters';
import type { ReadinessCheck } from './http';

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const kafkaReady = (admin: Admin): ReadinessCheck => async () => {
  await within(2000, 'kafka', admin.describeCluster());
};

export const postgresReady = (prisma: PrismaClient): ReadinessCheck => async () => {
  await within(2000, 'postgres', prisma.$queryRaw`select 1`);
};

export const temporalReady = (connection: Connection): ReadinessCheck => async () => {
  await within(2000, 'temporal', connection.workflowService.getSystemInfo({}));
};

/**
 * Every consumer runner of this process is consuming: one that crashed and waits for its restart
 * (consumerCounters().running false) makes the process not ready, so an orchestrator or the
 * operator sees it instead of a healthy process that no longer reads its topic.
 */
export const consumersReady = (): ReadinessCheck => async () => {
  const down = consumerCounters().filter((c) => !c.running);
  if (down.length > 0) throw new Error(`consumer ${down.map((c) => `${c.groupId} (${c.topic})`).join(', ')} crashed; restarting`);
};
