// Benchmark of the monthly bundling (两个打包): a month of N orders (default 100,000) clustered into
// proposed bundles — time and memory.
//
//   (ROOT=$PWD; source infra/local/env.sh; npx tsx workflows/bench/bundling.bench.ts [--orders 100000] [--no-db])
//
// 1. The pure clustering (packages/domain proposeBundles) over synthetic orders: wall time, heap
//    and RSS growth. 2. Unless --no-db: the whole run as the Schedule does it (runBundling: read
//    the month's open orders from PostgreSQL, cluster, store bundles) in a database of its own
//    (diandan_bench_bundling; never the shared one), beside the raw limit — a plain SELECT of the
//    same rows — with the ratios. Deterministic: the same --seed gives the same orders.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { proposeBundles, type BundlingOrder } from '@diandan/domain';
import { createPrisma } from '@diandan/platform';
import { runBundling } from '../src/projectActivities';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const ORDERS = Number(arg('orders', '100000'));
const SEED = Number(arg('seed', '7'));
const MONTH = '2026-10';
const DATABASE = 'diandan_bench_bundling';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Needs as residents write them: each category has a few, said in different ways.
const NEEDS = [
  '代购返乡火车票', '小区楼道灯坏了需要维修', '希望开设四点半课堂', '老年食堂饭菜太咸', '拖欠工资三个月讨薪', '想参加电工技能培训', '养老保险转移手续怎么办',
  '工地受伤工伤认定', '网上入会操作不会', '社区健身器材损坏', '垃圾分类站气味大', '停车位不够乱停车', '独居老人需要探访', '电动车充电桩不足',
  '夜间施工噪音扰民', '家门口道路积水', '社区图书室开放时间太短', '外卖骑手没有休息点', '环卫工人夏季防暑', '女职工哺乳室',
];
const FILLERS = ['希望尽快解决', '谢谢', '已经反映过多次', '麻烦社区帮忙', '请相关部门处理', '能否安排', '家里老人着急', ''];

function syntheticMonth(n: number): { orders: BundlingOrder[]; communities: string[]; categories: string[] } {
  const next = random(SEED);
  const communities = Array.from({ length: 100 }, (_, i) => `bb-comm-${i}`);
  const categories = Array.from({ length: 40 }, (_, i) => `bb-cat-${i}`);
  const start = Date.parse(`${MONTH}-01T00:00:00+08:00`);
  const orders: BundlingOrder[] = [];
  for (let i = 0; i < n; i++) {
    const category = Math.floor(next() * categories.length);
    // A category's needs: three of the list, so that a category × area group holds a few clusters.
    const need = NEEDS[(category * 3 + Math.floor(next() * 3)) % NEEDS.length]!;
    const filler = FILLERS[Math.floor(next() * FILLERS.length)]!;
    orders.push({
      id: randomUUID(),
      categoryCode: categories[category]!,
      areaId: communities[Math.floor(next() * communities.length)]!,
      content: `${next() < 0.5 ? '我想' : ''}${need}，${filler}${Math.floor(next() * 100)}号楼`,
      placedAt: new Date(start + Math.floor(next() * 30 * 86400_000)).toISOString(),
    });
  }
  return { orders, communities, categories };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const { orders, communities, categories } = syntheticMonth(ORDERS);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const before = process.memoryUsage();
  const t0 = performance.now();
  const bundles = proposeBundles(orders);
  const clusterMs = performance.now() - t0;
  const after = process.memoryUsage();
  const bundled = bundles.reduce((sum, b) => sum + b.orderIds.length, 0);
  console.log(`orders ${ORDERS.toLocaleString()} (40 categories × 100 communities, one month)`);
  console.log(`clustering (pure):        ${clusterMs.toFixed(0)} ms, ${bundles.length} bundles holding ${bundled.toLocaleString()} orders; heap +${mb(after.heapUsed - before.heapUsed)}, RSS ${mb(before.rss)} → peak ${mb(peakRss)}`);

  if (process.argv.includes('--no-db')) {
    clearInterval(sampler);
    return;
  }
  const baseUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:55432/diandan');
  const benchUrl = new URL(baseUrl.toString());
  benchUrl.pathname = `/${DATABASE}`;
  const admin = new Client({ connectionString: baseUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  execFileSync('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], { cwd: path.join(__dirname, '../../infra'), env: { ...process.env, DATABASE_URL: benchUrl.toString() }, stdio: 'ignore' });
  const pg = new Client({ connectionString: benchUrl.toString() });
  await pg.connect();
  await pg.query(`INSERT INTO "Unit" (id, name, kind, level, "updatedAt") VALUES ('bb-street', '基准街道', 'street', 'street', now())`);
  for (const [i, id] of communities.entries()) await pg.query(`INSERT INTO "Unit" (id, name, kind, level, "parentId", "updatedAt") VALUES ($1, $2, 'community', 'community', 'bb-street', now())`, [id, `基准${i}号社区`]);
  for (const code of categories) await pg.query(`INSERT INTO "Category" (code, name, "updatedAt") VALUES ($1, $1, now())`, [code]);
  const loadStart = performance.now();
  for (let i = 0; i < orders.length; i += 2000) {
    const batch = orders.slice(i, i + 2000);
    const values = batch.map((_, j) => `($${j * 5 + 1}::uuid, 'BB', 'web', 'dispatched', $${j * 5 + 2}, $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5}::timestamptz, now())`).join(',');
    await pg.query(`INSERT INTO "Order" (id, "trackingCode", channel, status, "unitId", "categoryCode", content, "placedAt", "updatedAt") VALUES ${values}`, batch.flatMap((o) => [o.id, o.areaId, o.categoryCode, o.content, o.placedAt]));
  }
  await pg.query('ANALYZE "Order"');
  console.log(`loaded the month into ${DATABASE} in ${((performance.now() - loadStart) / 1000).toFixed(1)} s (each order held by its community)`);

  const s0 = performance.now();
  const raw = await pg.query(`SELECT id, "categoryCode", address, "unitId", content, "placedAt" FROM "Order" WHERE "placedAt" >= $1 AND "placedAt" < $2 AND status = ANY($3)`, [
    new Date(`${MONTH}-01T00:00:00+08:00`), new Date('2026-11-01T00:00:00+08:00'), ['placed', 'dispatched', 'accepted', 'in_progress'],
  ]);
  const selectMs = performance.now() - s0;

  const prisma = createPrisma(benchUrl.toString(), { maxConnections: 2 });
  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  const r0 = performance.now();
  const summary = await runBundling(prisma, { month: MONTH, trigger: 'on_demand', runId: 'bench-1' });
  const runMs = performance.now() - r0;
  const r1 = performance.now();
  await runBundling(prisma, { month: MONTH, trigger: 'on_demand', runId: 'bench-2' });
  const rerunMs = performance.now() - r1;
  clearInterval(sampler);
  console.log(`raw limit (plain SELECT of the ${raw.rowCount?.toLocaleString()} rows): ${selectMs.toFixed(0)} ms`);
  console.log(`whole run (read + cluster + store): ${runMs.toFixed(0)} ms → ${summary.bundles} bundles of ${summary.orders.toLocaleString()} orders; RSS ${mb(rssBefore)} → peak ${mb(peakRss)}`);
  console.log(`the same month again (upserts, supersedes nothing new): ${rerunMs.toFixed(0)} ms`);
  console.log(`ratios: whole run / plain SELECT ${(runMs / selectMs).toFixed(1)}×, whole run / pure clustering ${(runMs / clusterMs).toFixed(1)}×`);
  await prisma.$disconnect();
  await pg.end();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
