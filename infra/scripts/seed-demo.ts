// Seeds the demo district (units and the service catalogue). Idempotent: upserts by id/code.
import { createPrisma } from '@diandan/platform';
import { DEMO_CATEGORIES, DEMO_UNITS } from '../seed/district';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const prisma = createPrisma(url);
  try {
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
    console.log(`  ✓ demo district: ${DEMO_UNITS.length} units, ${DEMO_CATEGORIES.length} categories`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error('seeding failed:', err);
  process.exit(1);
});
