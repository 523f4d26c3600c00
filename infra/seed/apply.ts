// Writes the demo district and its staff into a database. Inserts only what is missing, and never
// changes a row that exists: an administrator may have renamed a unit, deactivated it, re-routed a
// category or changed a user's role, unit or password, and `npm run up` (which seeds every time)
// must not undo that. A demo user an admin deleted comes back; one an admin changed stays changed.
import { hashPassword } from '@diandan/platform';
import type { PrismaClient } from '@prisma/client';
import { DEMO_CATEGORIES, DEMO_UNITS } from './district';
import { DEMO_PASSWORD, DEMO_USERS } from './users';

export async function seedDemoDistrict(prisma: PrismaClient): Promise<void> {
  // Parents before children: DEMO_UNITS is ordered so, and the inserts run one by one.
  for (const unit of DEMO_UNITS) {
    await prisma.unit.upsert({ where: { id: unit.id }, create: unit, update: {} });
  }
  for (const { resolveDays, sensitive, ...category } of DEMO_CATEGORIES) {
    // In the domain's policy format (packages/domain deadlines.ts): working days per level.
    const day = (amount: number) => ({ amount, unit: 'working_day' });
    const deadlines = resolveDays
      ? { normal: { resolve: { community: day(resolveDays.community), street: day(resolveDays.street), district: day(resolveDays.district) } } }
      : {};
    await prisma.category.upsert({ where: { code: category.code }, create: { ...category, deadlines, sensitive: sensitive ?? false }, update: {} });
  }
}

export async function seedDemoUsers(prisma: PrismaClient, password = DEMO_PASSWORD): Promise<void> {
  const existing = new Set((await prisma.user.findMany({ where: { username: { in: DEMO_USERS.map((u) => u.username) } }, select: { username: true } })).map((u) => u.username));
  if (DEMO_USERS.every((u) => existing.has(u.username))) return;
  const passwordHash = await hashPassword(password);
  for (const user of DEMO_USERS.filter((u) => !existing.has(u.username))) {
    await prisma.user.upsert({ where: { username: user.username }, create: { ...user, passwordHash }, update: {} });
  }
}
