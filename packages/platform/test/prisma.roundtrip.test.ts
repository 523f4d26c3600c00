// PostgreSQL through Prisma (adapter-pg, JS query compiler) on the real server, in this run's database.
import { randomUUID } from 'node:crypto';
import { createPrisma, type PrismaClient } from '../src';
import { env, unique as uniqueName } from '@diandan/testkit';

describe('Prisma on the real PostgreSQL', () => {
  let prisma: PrismaClient;
  beforeAll(() => {
    prisma = createPrisma(env('DATABASE_URL'));
  });
  afterAll(() => prisma.$disconnect());

  it('roundTrip.stateCheck: an order and its event written in one transaction read back with relations', async () => {
    const unitId = uniqueName('community');
    const orderId = randomUUID();
    await prisma.$transaction([
      prisma.unit.create({ data: { id: unitId, name: '五里店社区', kind: 'community', level: 'community' } }),
      prisma.order.create({
        data: {
          id: orderId,
          trackingCode: uniqueName('DD'),
          channel: 'web',
          status: 'placed',
          content: '希望社区开设四点半课堂',
          unitId,
          placedAt: new Date('2026-03-02T01:00:00Z'),
        },
      }),
      prisma.orderEvent.create({
        data: { id: `order-${orderId}#1`, orderId, seq: 1, type: 'order.placed', at: new Date(), actor: { role: 'resident' } },
      }),
    ]);
    const read = await prisma.order.findUniqueOrThrow({ where: { id: orderId }, include: { unit: true, events: true } });
    expect(read.unit?.name).toBe('五里店社区');
    expect(read.events.map((e) => e.type)).toEqual(['order.placed']);
    expect(read.placedAt.toISOString()).toBe('2026-03-02T01:00:00.000Z');
  });

  it('roundTrip.uniqueCheck: a second event with the same id is refused by the database', async () => {
    const orderId = randomUUID();
    await prisma.order.create({
      data: { id: orderId, trackingCode: uniqueName('DD'), channel: 'api', status: 'placed', content: 'x', placedAt: new Date() },
    });
    const event = { id: `order-${orderId}#1`, orderId, seq: 1, type: 'order.placed', at: new Date(), actor: {} };
    await prisma.orderEvent.create({ data: event });
    await expect(prisma.orderEvent.create({ data: event })).rejects.toThrow(/Unique constraint/);
  });
});
