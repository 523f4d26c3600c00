// Tracking codes are not unique (35 random bits): two orders sharing a code are told apart by
// their secrets, on the real PostgreSQL read model.
import { randomUUID } from 'node:crypto';
import { generateTrackingCode } from '@diandan/domain';
import { createPrisma, type PrismaClient } from '@diandan/platform';
import { hashSecret } from '../src/identity';
import { OrderTracker } from '../src/tracking';

describe('tracking with colliding codes', () => {
  let prisma: PrismaClient;
  beforeAll(() => {
    prisma = createPrisma(process.env.DATABASE_URL as string);
  });
  afterAll(() => prisma.$disconnect());

  it('collision.stateCheck: each secret finds its own order; a code alone answers nothing when ambiguous', async () => {
    const code = generateTrackingCode(() => Uint8Array.from([7, 7, 7, 7, 7, 7, 7]));
    const orders = [
      { id: randomUUID(), secret: `secret-a-${randomUUID()}`, content: '路灯坏了' },
      { id: randomUUID(), secret: `secret-b-${randomUUID()}`, content: '小区垃圾没人清运' },
    ];
    for (const o of orders) {
      await prisma.order.create({
        data: {
          id: o.id,
          trackingCode: code,
          channel: 'web',
          status: 'placed',
          content: o.content,
          placedAt: new Date(),
          secretHash: hashSecret(o.secret),
        },
      });
    }
    const tracker = new OrderTracker(prisma);
    expect((await tracker.track(code, orders[0]!.secret)).content).toBe('路灯坏了');
    expect((await tracker.track(code.toLowerCase().replaceAll('-', ' '), orders[1]!.secret)).content).toBe('小区垃圾没人清运');
    await expect(tracker.track(code, 'wrong')).rejects.toMatchObject({ status: 404 });
    expect(await tracker.statusOf(code)).toBeNull();
  });
});
