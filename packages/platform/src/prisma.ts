// The Prisma client runs on the JS query compiler over node-postgres (adapter-pg): no native engine.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '@prisma/client';

export { PrismaClient };

export function createPrisma(databaseUrl: string, options: { maxConnections?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}

/** The read model's filter for the domain's `isOverdue` (packages/domain clock.ts): the one definition. */
export function overdueWhere(now: Date): Prisma.OrderWhereInput {
  return { OR: [{ overdue: true }, { deadlineAt: { lte: now } }] };
}

/** Its complement: not overdue by either half of the definition. */
export function notOverdueWhere(now: Date): Prisma.OrderWhereInput {
  return { overdue: false, OR: [{ deadlineAt: null }, { deadlineAt: { gt: now } }] };
}
