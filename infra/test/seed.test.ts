// Seeding (run by every `npm run up`) inserts what is missing and never overwrites an
// administrator's edit. On a database of its own: the test changes demo rows other tests use.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createPrisma, type PrismaClient } from '@diandan/platform';
import { seedDemoDistrict, seedDemoUsers } from '../seed/apply';
import { DEMO_CATEGORIES, DEMO_UNITS } from '../seed/district';
import { DEMO_USERS } from '../seed/users';

const base = new URL(process.env.DATABASE_URL as string);
const database = `${base.pathname.slice(1)}_seed`;
const psql = (sql: string) => execFileSync('psql', ['-h', base.hostname, '-p', base.port, '-U', base.username, '-d', 'postgres', '-qc', sql]);
let prisma: PrismaClient;

beforeAll(() => {
  psql(`create database ${database}`);
  const url = new URL(base.toString());
  url.pathname = `/${database}`;
  execFileSync('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], { cwd: path.join(__dirname, '..'), env: { ...process.env, DATABASE_URL: url.toString() }, stdio: 'ignore' });
  prisma = createPrisma(url.toString(), { maxConnections: 2 });
}, 120_000);
afterAll(async () => {
  await prisma?.$disconnect();
  psql(`drop database if exists ${database} with (force)`);
});

describe('seeding keeps what administrators did', () => {
  it('seed.stateCheck: a second seed inserts only what is missing and changes nothing an admin changed', async () => {
    await seedDemoDistrict(prisma);
    await seedDemoUsers(prisma);
    expect(await prisma.unit.count()).toBe(DEMO_UNITS.length);
    expect(await prisma.category.count()).toBe(DEMO_CATEGORIES.length);
    expect((await prisma.category.findUniqueOrThrow({ where: { code: 'domestic-violence' } })).sensitive).toBe(true);

    // What an administrator does between two `npm run up`s.
    await prisma.unit.update({ where: { id: 'wulidian-center' }, data: { name: '五里店服务中心（已撤并）', active: false } });
    await prisma.category.update({ where: { code: 'anti-fraud' }, data: { keywords: ['电诈'], responsible: { district: 'trade-union' }, active: false } });
    await prisma.user.update({ where: { username: 'handler-union' }, data: { role: 'supervisor', unitId: 'district-federation', passwordHash: 'changed-by-admin', active: false } });
    await prisma.category.delete({ where: { code: 'pension' } });

    await seedDemoDistrict(prisma);
    await seedDemoUsers(prisma);

    expect(await prisma.unit.findUniqueOrThrow({ where: { id: 'wulidian-center' } })).toMatchObject({ name: '五里店服务中心（已撤并）', active: false });
    expect(await prisma.category.findUniqueOrThrow({ where: { code: 'anti-fraud' } })).toMatchObject({ keywords: ['电诈'], responsible: { district: 'trade-union' }, active: false });
    expect(await prisma.user.findUniqueOrThrow({ where: { username: 'handler-union' } })).toMatchObject({ role: 'supervisor', unitId: 'district-federation', passwordHash: 'changed-by-admin', active: false });
    // A demo row that was removed is missing, so it is inserted again.
    expect(await prisma.category.findUnique({ where: { code: 'pension' } })).not.toBeNull();
    expect(await prisma.user.count()).toBe(DEMO_USERS.length);
  });
});
