// Likely-duplicate lookup at placing, against a large read model (docs/merge.md, "Benchmark"):
// the same function the staff API calls (lookupDuplicates: indexed candidate query + the domain's
// scoring) for orders placed "now" into a district holding N orders over 24 months.
//
// Creates its own database (diandan_bench_duplicates; never the shared one), migrates it, loads a
// synthetic district — 12 streets × 8 communities, 40 categories, N orders spread over 24 months,
// most of the older ones closed — with multi-row INSERT … SELECT FROM unnest, then times R lookups.
//
//   (ROOT=$PWD; source infra/local/env.sh; npx tsx services/dispatch/bench/duplicates.bench.ts --orders 1000000 --runs 300)
//   --reuse skips the load (the database from a previous run)
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { buildUnitTree, DEFAULT_DUPLICATE_SETTINGS, type Unit } from '@diandan/domain';
import { createPrisma } from '@diandan/platform';
import { lookupDuplicates } from '../src/duplicates/lookup';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const ORDERS = Number(arg('orders', '1000000'));
const RUNS = Number(arg('runs', '300'));
const REUSE = process.argv.includes('--reuse');
const DATABASE = 'diandan_bench_duplicates';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 4);
const SPAN_DAYS = 730;

const baseUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:55432/diandan');
const benchUrl = new URL(baseUrl.toString());
benchUrl.pathname = `/${DATABASE}`;

// A deterministic generator (mulberry32): the same district and orders every run.
function random(seed = 20261130): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNITS: Unit[] = [{ id: 'b-fed', name: '区群团联合会', kind: 'district_federation', level: 'district', parentId: null }];
const COMMUNITIES: Unit[] = [];
for (let s = 0; s < 12; s++) {
  UNITS.push({ id: `b-s${s}`, name: `第${s}号街道`, kind: 'street', level: 'street', parentId: 'b-fed' });
  for (let c = 0; c < 8; c++) {
    const community: Unit = { id: `b-s${s}-c${c}`, name: `第${s}号街道第${c}号社区`, kind: 'community', level: 'community', parentId: `b-s${s}` };
    UNITS.push(community);
    COMMUNITIES.push(community);
  }
}
const CATEGORIES = Array.from({ length: 40 }, (_, i) => ({ code: `b-cat-${i}`, name: `类别${i}`, keywords: [`关键词${i}`] }));
const NEEDS = [
  '门口的路灯坏了一个星期，晚上很黑，请尽快维修',
  '工地老板拖欠三个月工资，请帮忙讨薪',
  '希望开设四点半课堂，孩子放学后没人照看',
  '楼道堆放杂物存在消防隐患，请清理',
  '独居老人需要上门看望和助餐服务',
  '小区垃圾桶太少，垃圾满地',
  '夜间施工噪音太大影响休息',
  '希望组织免费技能培训',
];
const TAILS = ['', '，谢谢', '，麻烦尽快', '，已经反映过一次', '，很多居民都有意见'];

function orderAt(rand: () => number, placedAt: number) {
  const community = COMMUNITIES[Math.floor(rand() * COMMUNITIES.length)]!;
  const age = NOW - placedAt;
  // Recent orders are mostly open; older ones mostly done.
  const open = rand() < (age < 30 * DAY ? 0.6 : 0.03);
  return {
    id: randomUUID(),
    trackingCode: `DD-BNCH-${Math.floor(rand() * 1e6)}`,
    status: open ? (['placed', 'dispatched', 'accepted', 'in_progress'] as const)[Math.floor(rand() * 4)]! : 'closed',
    categoryCode: CATEGORIES[Math.floor(rand() * CATEGORIES.length)]!.code,
    content: `${community.name}${NEEDS[Math.floor(rand() * NEEDS.length)]!}${TAILS[Math.floor(rand() * TAILS.length)]!}`,
    address: `${community.name}${1 + Math.floor(rand() * 30)}栋`,
    placedAt: new Date(placedAt),
  };
}

async function load(): Promise<void> {
  const admin = new Client({ connectionString: baseUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  execFileSync('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], { cwd: path.join(__dirname, '../../../infra'), env: { ...process.env, DATABASE_URL: benchUrl.toString() }, stdio: 'ignore' });
  const pg = new Client({ connectionString: benchUrl.toString() });
  await pg.connect();
  for (const u of UNITS) await pg.query(`INSERT INTO "Unit" (id, name, kind, level, "parentId", "updatedAt") VALUES ($1, $2, $3::"UnitKind", $4::"Level", $5, now())`, [u.id, u.name, u.kind, u.level, u.parentId]);
  for (const c of CATEGORIES) await pg.query(`INSERT INTO "Category" (code, name, keywords, "updatedAt") VALUES ($1, $2, $3, now())`, [c.code, c.name, c.keywords]);
  const rand = random();
  const started = performance.now();
  const BATCH = 10_000;
  for (let done = 0; done < ORDERS; done += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, ORDERS - done) }, () => orderAt(rand, NOW - rand() * SPAN_DAYS * DAY));
    const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await pg.query(
      `INSERT INTO "Order" (id, "trackingCode", channel, status, "categoryCode", content, address, "placedAt", "updatedAt")
       SELECT id, tc, 'web', st, c, ct, ad, pa, now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS t(id, tc, st, c, ct, ad, pa)`,
      [col('id'), col('trackingCode'), col('status'), col('categoryCode'), col('content'), col('address'), col('placedAt')],
    );
    if ((done / BATCH) % 10 === 0) process.stdout.write(`  loaded ${done + rows.length} orders (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  await pg.query('ANALYZE "Order"');
  await pg.end();
  console.log(`load: ${ORDERS.toLocaleString('en')} orders in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  if (!REUSE) await load();
  const prisma = createPrisma(benchUrl.toString(), { maxConnections: 2 });
  const catalogue = { categories: CATEGORIES, tree: buildUnitTree(UNITS) };
  const rand = random(7);
  const times: number[] = [];
  let candidates = 0;
  let found = 0;
  const split = { queryMs: 0, scoreMs: 0, candidates: 0 };
  for (let i = 0; i < RUNS + 10; i++) {
    const order = { ...orderAt(rand, NOW), lat: null, lng: null };
    const t0 = performance.now();
    const matches = await lookupDuplicates(prisma, order, catalogue, DEFAULT_DUPLICATE_SETTINGS, i >= 10 ? split : undefined);
    const ms = performance.now() - t0;
    if (i >= 10) {
      times.push(ms);
      found += matches.length;
      candidates += matches.length > 0 ? 1 : 0;
    }
  }
  const [open] = await prisma.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM "Order" WHERE status <> 'closed'`;
  await prisma.$disconnect();
  times.sort((a, b) => a - b);
  console.log(
    [
      `duplicate lookup at placing: ${ORDERS.toLocaleString('en')} orders in the read model (${Number(open?.n ?? 0).toLocaleString('en')} open), window ${DEFAULT_DUPLICATE_SETTINGS.windowDays} days, ${RUNS} lookups`,
      `  p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
      `  per lookup: candidate query ${(split.queryMs / RUNS).toFixed(1)} ms, scoring ${(split.scoreMs / RUNS).toFixed(1)} ms, ${Math.round(split.candidates / RUNS)} candidates read`,
      `  ${candidates}/${RUNS} new orders had likely duplicates (${(found / RUNS).toFixed(1)} offered on average)`,
      `  aim p95 < 50 ms: ${percentile(times, 95) < 50 ? 'met' : 'NOT met'}`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
