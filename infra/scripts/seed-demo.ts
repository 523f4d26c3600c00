// Seeds the demo district (units, the service catalogue, staff users). Idempotent: inserts what is
// missing and never changes what exists (an administrator's edits survive every `npm run up`).
import { createPrisma } from '@diandan/platform';
import { seedDemoDistrict, seedDemoUsers } from '../seed/apply';
import { DEMO_CATEGORIES, DEMO_UNITS } from '../seed/district';
import { DEMO_USERS } from '../seed/users';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const prisma = createPrisma(url);
  try {
    await seedDemoDistrict(prisma);
    await seedDemoUsers(prisma);
    console.log(`  ✓ demo district: ${DEMO_UNITS.length} units, ${DEMO_CATEGORIES.length} categories, ${DEMO_USERS.length} staff users (docs/dispatch.md)`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error('seeding failed:', err);
  process.exit(1);
});
