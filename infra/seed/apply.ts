// Writes the demo district and its staff into a database. Idempotent: upserts by id, code and
// username; an existing user keeps its password (an admin may have changed it).
import bcrypt from 'bcryptjs';
import type { PrismaClient } from '@prisma/client';
import { DEMO_CATEGORIES, DEMO_UNITS } from './district';
import { DEMO_PASSWORD, DEMO_USERS } from './users';

export async function seedDemoDistrict(prisma: PrismaClient): Promise<void> {
  // Parents before children: DEMO_UNITS is ordered so, and upserts run one by one.
  for (const unit of DEMO_UNITS) {
    await prisma.unit.upsert({ where: { id: unit.id }, create: unit, update: { name: unit.name, kind: unit.kind, level: unit.level, parentId: unit.parentId } });
  }
  for (const { resolveDays, ...category } of DEMO_CATEGORIES) {
    // In the domain's policy format (packages/domain deadlines.ts): working days per level.
    const day = (amount: number) => ({ amount, unit: 'working_day' });
    const deadlines = resolveDays
      ? { normal: { resolve: { community: day(resolveDays.community), street: day(resolveDays.street), district: day(resolveDays.district) } } }
      : {};
    await prisma.category.upsert({ where: { code: category.code }, create: { ...category, deadlines }, update: { ...category, deadlines } });
  }
}

export async function seedDemoUsers(prisma: PrismaClient, password = DEMO_PASSWORD): Promise<void> {
  const passwordHash = await bcrypt.hash(password, 10);
  for (const user of DEMO_USERS) {
    await prisma.user.upsert({
      where: { username: user.username },
      create: { ...user, passwordHash },
      update: { role: user.role, unitId: user.unitId, displayName: user.displayName },
    });
  }
}
