// Benchmark of the KPI and board queries over a million orders (or ten).
//
//   (ROOT=$PWD; source infra/local/env.sh; npx tsx services/feedback/bench/kpis.bench.ts [--orders 1000000] [--runs 200] [--template 200000] [--reuse | --resume])
//
// --reuse queries what the bench database holds; --resume goes on copying where a stopped load
// left off (each copy commits on its own, so the database holds whole copies) up to --orders.
//
// Loading: `--template` orders (default 200,000, at most --orders) are synthesized one by one in
// this process; the rest are copies of them made inside PostgreSQL (INSERT … SELECT over
// generate_series: new ids, the same lifecycle shifted by a few seconds, same month), which is
// what makes 10 M orders a matter of minutes instead of ≈ 25 (docs/performance.md). The rates'
// distribution is the template's; the queries read the rollup (units × months × categories),
// whose size does not depend on the number of copies.
// Creates its own database (diandan_bench_kpis; never the shared one), migrates it, loads a
// synthetic district (155 units, 40 categories, 24 months) with N orders — each order's lifecycle
// folded into its KPI fact by the same code the consumer runs — builds the rollup, then times the
// queries the API serves and prints p50/p95. Deterministic: same --seed, same data.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createPrisma, type PrismaClient } from '@diandan/platform';
import { exampleEvent, type LifecycleEvent } from '@diandan/domain';
import { applyEvent, type OrderFact } from '../src/kpis/facts';
import { rebuildRollup } from '../src/kpis/rollupConsumer';
import { kpiReport } from '../src/kpis/report';
import { boardPage } from '../src/board/boardQuery';
import { seededRandom } from '../src/evaluator/sample';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const ORDERS = Number(arg('orders', '1000000'));
const RUNS = Number(arg('runs', '200'));
const SEED = arg('seed', 'diandan-bench');
const REUSE = process.argv.includes('--reuse');
const RESUME = process.argv.includes('--resume');
const TEMPLATE = Math.min(ORDERS, Number(arg('template', '200000')));
const DATABASE = 'diandan_bench_kpis';
const HOUR = 3600_000;

const baseUrl = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:55432/diandan');
const benchUrl = new URL(baseUrl.toString());
benchUrl.pathname = `/${DATABASE}`;

interface District {
  units: Array<{ id: string; name: string; kind: string; level: string; parentId: string | null }>;
  streets: string[];
  communitiesOf: Map<string, string[]>;
  sectionsOf: Map<string, string[]>;
  departments: string[];
  categories: string[];
}

function district(): District {
  const units: District['units'] = [{ id: 'b-fed', name: '区群团联合会', kind: 'district_federation', level: 'district', parentId: null }];
  const departments = Array.from({ length: 10 }, (_, i) => `b-dept-${i}`);
  for (const id of departments) units.push({ id, name: `区级部门${id.slice(7)}`, kind: 'district_department', level: 'district', parentId: 'b-fed' });
  const streets = Array.from({ length: 12 }, (_, i) => `b-street-${i}`);
  const communitiesOf = new Map<string, string[]>();
  const sectionsOf = new Map<string, string[]>();
  for (const street of streets) {
    units.push({ id: street, name: `第${street.slice(9)}街道`, kind: 'street', level: 'street', parentId: 'b-fed' });
    const sections = Array.from({ length: 3 }, (_, i) => `${street}-s${i}`);
    const communities = Array.from({ length: 8 }, (_, i) => `${street}-c${i}`);
    for (const id of sections) units.push({ id, name: `${street}科室${id.slice(-1)}`, kind: 'street_section', level: 'street', parentId: street });
    for (const id of communities) units.push({ id, name: `${street}社区${id.slice(-1)}`, kind: 'community', level: 'community', parentId: street });
    sectionsOf.set(street, sections);
    communitiesOf.set(street, communities);
  }
  return { units, streets, communitiesOf, sectionsOf, departments, categories: Array.from({ length: 40 }, (_, i) => `b-cat-${i}`) };
}

const MONTHS = Array.from({ length: 24 }, (_, i) => `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
const CONTENTS = ['小区路灯坏了一个月，晚上出行不安全', '工地老板拖欠三个月工资，电话13812345678', '希望开设买火车票服务点', '楼道堆放杂物存在消防隐患', '独居老人需要上门看望，联系人：王小明'];

interface OrderRow {
  id: string;
  trackingCode: string;
  status: string;
  level: string | null;
  unitId: string | null;
  categoryCode: string;
  content: string;
  placedAt: Date;
  dispatchedAt: Date | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  rating: string | null;
}

const uuidOf = (n: number): string => {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
};

/** One synthetic order: its lifecycle events (folded into the fact) and its read-model row. */
function synthesize(n: number, d: District, random: () => number): { row: OrderRow; fact: OrderFact } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const orderId = uuidOf(n);
  const month = pick(MONTHS);
  const placedAt = new Date(Date.parse(`${month}-01T00:00:00+08:00`) + Math.floor(random() * 27 * 24) * HOUR + Math.floor(random() * HOUR));
  const categoryCode = d.categories[Math.min(39, Math.floor(-Math.log(1 - random()) * 8))]!;
  const street = pick(d.streets);
  const events: Array<Omit<LifecycleEvent, 'eventId' | 'orderId' | 'seq' | 'actor' | 'data'> & { data: Record<string, unknown> }> = [];
  const push = (type: LifecycleEvent['type'], at: Date, status: LifecycleEvent['status'], data: Record<string, unknown> = {}, unitId?: string) =>
    events.push({ type, at: at.toISOString(), status, data, ...(unitId ? { unitId } : {}) });
  push('order.placed', placedAt, 'placed', { placedAt: placedAt.toISOString(), categoryCode, deadline: { stage: 'triage', dueAt: new Date(placedAt.getTime() + 2 * HOUR).toISOString() } });
  const row: OrderRow = { id: orderId, trackingCode: `BN-${n}`, status: 'placed', level: null, unitId: null, categoryCode, content: pick(CONTENTS), placedAt, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null, rating: null };

  const r = random();
  let t = placedAt.getTime() + random() * 3 * HOUR;
  if (r < 0.05) {
    push('order.withdrawn', new Date(t), 'withdrawn');
    Object.assign(row, { status: 'withdrawn', closedAt: new Date(t) });
  } else if (r < 0.2) {
    push('order.answered', new Date(t), 'awaiting_rating', { answer: '已当场答复' });
    Object.assign(row, { status: 'awaiting_rating', resolvedAt: new Date(t) });
  } else {
    const s = random();
    const [unitId, level] = s < 0.7 ? [pick(d.communitiesOf.get(street)!), 'community'] : s < 0.9 ? [pick(d.sectionsOf.get(street)!), 'street'] : [pick(d.departments), 'district'];
    push('order.dispatched', new Date(t), 'dispatched', { deadline: { stage: 'accept', dueAt: new Date(t + 4 * HOUR).toISOString() } }, unitId);
    Object.assign(row, { status: 'dispatched', unitId, level, dispatchedAt: new Date(t) });
    t += -Math.log(1 - random()) * 2 * HOUR;
    push('order.accepted', new Date(t), 'accepted', {}, unitId);
    Object.assign(row, { status: 'accepted', acceptedAt: new Date(t) });
    t += random() * 24 * HOUR;
    push('order.opinion_given', new Date(t), 'in_progress', { opinion: '已受理，正在协调' }, unitId);
    row.status = 'in_progress';
    if (random() < 0.9) {
      t += random() * 10 * 24 * HOUR;
      push('order.resolved', new Date(t), 'awaiting_rating', { result: '已办结' }, unitId);
      Object.assign(row, { status: 'awaiting_rating', resolvedAt: new Date(t) });
    }
  }
  if (row.status === 'awaiting_rating' && random() < 0.8) {
    const q = random();
    const rating = q < 0.7 ? 'satisfied' : q < 0.9 ? 'basically_satisfied' : 'dissatisfied';
    t += random() * 5 * 24 * HOUR;
    push('order.rated', new Date(t), 'closed', { rating }, row.unitId ?? undefined);
    push('order.closed', new Date(t), 'closed', { outcome: 'rated', rating }, row.unitId ?? undefined);
    Object.assign(row, { status: 'closed', rating, closedAt: new Date(t) });
  }
  let fact: OrderFact | null = null;
  events.forEach((e, i) => {
    fact = applyEvent(fact, exampleEvent({ ...e, eventId: `order-${orderId}#${i + 1}`, orderId, seq: i + 1, actor: { role: 'system' } })) ?? fact;
  });
  return { row, fact: fact! };
}

async function insertBatch(pg: Client, rows: OrderRow[], facts: OrderFact[]): Promise<void> {
  const col = <K extends keyof OrderRow>(k: K) => rows.map((r) => r[k]);
  await pg.query(
    `INSERT INTO "Order" (id, "trackingCode", channel, status, level, "unitId", "categoryCode", content, "placedAt", "dispatchedAt", "acceptedAt", "resolvedAt", "closedAt", rating, "updatedAt")
     SELECT id, tc, 'web', st, lv::"Level", u, c, ct, pa, da, aa, ra, ca, rt, now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::text[])
       AS t(id, tc, st, lv, u, c, ct, pa, da, aa, ra, ca, rt)`,
    [col('id'), col('trackingCode'), col('status'), col('level'), col('unitId'), col('categoryCode'), col('content'), col('placedAt'), col('dispatchedAt'), col('acceptedAt'), col('resolvedAt'), col('closedAt'), col('rating')],
  );
  const f = <K extends keyof OrderFact>(k: K) => facts.map((x) => x[k]);
  await pg.query(
    `INSERT INTO "KpiOrderFact" ("orderId", "lastSeq", month, "unitId", "categoryCode", received, excluded, responded, "respondedOnTime", "responseLate", "responseDueAt", resolved, rating,
       "responseUnitId", "responseFixed", "resolutionUnitId", "resolutionFixed", "satisfactionUnitId", "updatedAt")
     SELECT *, now() FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[], $8::bool[], $9::bool[], $10::bool[], $11::timestamptz[], $12::bool[], $13::text[],
       $14::text[], $15::bool[], $16::text[], $17::bool[], $18::text[])`,
    [
      f('orderId'), f('lastSeq'), f('month'), f('unitId'), f('categoryCode'), f('received'), f('excluded'), f('responded'), f('respondedOnTime'), f('responseLate'), f('responseDueAt'), f('resolved'), f('rating'),
      f('responseUnitId'), f('responseFixed'), f('resolutionUnitId'), f('resolutionFixed'), f('satisfactionUnitId'),
    ],
  );
}

/**
 * Orders TEMPLATE … ORDERS-1 as copies of the template made by PostgreSQL itself: copy c of
 * template order n is order n + c·TEMPLATE (its uuid is built the way uuidOf builds it), every
 * time shifted by c·7 s (at most minutes: the month, hence the fact's month, stays the same).
 */
async function copyTemplate(pg: Client, from = 1): Promise<void> {
  const copies = Math.ceil(ORDERS / TEMPLATE) - 1;
  const number = `('x' || right(t.id::text, 12))::bit(48)::bigint`;
  const numberOfFact = `('x' || right(t."orderId"::text, 12))::bit(48)::bigint`;
  const idOf = (n: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${n} + $1::bigint * ${TEMPLATE}), 12, '0'))::uuid`;
  const shift = `($1::int * interval '7 seconds')`;
  for (let c = from; c <= copies; c++) {
    const started = performance.now();
    await pg.query('BEGIN');
    await pg.query(
      `INSERT INTO "Order" (id, "trackingCode", channel, status, level, "unitId", "categoryCode", content, "placedAt", "dispatchedAt", "acceptedAt", "resolvedAt", "closedAt", rating, "updatedAt")
       SELECT ${idOf(number)}, 'BN-' || (${number} + $1::bigint * ${TEMPLATE}), channel, status, level, "unitId", "categoryCode", content,
              "placedAt" + ${shift}, "dispatchedAt" + ${shift}, "acceptedAt" + ${shift}, "resolvedAt" + ${shift}, "closedAt" + ${shift}, rating, now()
       FROM "Order" t WHERE t.id <= '00000000-0000-4000-8000-${(TEMPLATE - 1).toString(16).padStart(12, '0')}'::uuid
         AND ${number} + $1::bigint * ${TEMPLATE} < ${ORDERS}`,
      [c],
    );
    await pg.query(
      `INSERT INTO "KpiOrderFact" ("orderId", "lastSeq", month, "unitId", "categoryCode", received, excluded, responded, "respondedOnTime", "responseLate", "responseDueAt", resolved, rating,
         "responseUnitId", "responseFixed", "resolutionUnitId", "resolutionFixed", "satisfactionUnitId", "updatedAt")
       SELECT ${idOf(numberOfFact)}, "lastSeq", month, "unitId", "categoryCode", received, excluded, responded, "respondedOnTime", "responseLate", "responseDueAt" + ${shift}, resolved, rating,
              "responseUnitId", "responseFixed", "resolutionUnitId", "resolutionFixed", "satisfactionUnitId", now()
       FROM "KpiOrderFact" t WHERE t."orderId" <= '00000000-0000-4000-8000-${(TEMPLATE - 1).toString(16).padStart(12, '0')}'::uuid
         AND ${numberOfFact} + $1::bigint * ${TEMPLATE} < ${ORDERS}`,
      [c],
    );
    await pg.query('COMMIT');
    process.stdout.write(`  copied ${Math.min(ORDERS, (c + 1) * TEMPLATE)} (${((performance.now() - started) / 1000).toFixed(1)} s for the last copy)\r`);
  }
  if (copies > 0) process.stdout.write('\n');
}

async function load(d: District): Promise<void> {
  const admin = new Client({ connectionString: baseUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  execFileSync('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], { cwd: path.join(__dirname, '../../../infra'), env: { ...process.env, DATABASE_URL: benchUrl.toString() }, stdio: 'ignore' });

  const pg = new Client({ connectionString: benchUrl.toString() });
  await pg.connect();
  for (const u of d.units) {
    await pg.query(`INSERT INTO "Unit" (id, name, kind, level, "parentId", "updatedAt") VALUES ($1, $2, $3::"UnitKind", $4::"Level", $5, now())`, [u.id, u.name, u.kind, u.level, u.parentId]);
  }
  for (const [i, code] of d.categories.entries()) await pg.query(`INSERT INTO "Category" (code, name, "updatedAt") VALUES ($1, $2, now())`, [code, `类别${i}`]);

  const random = seededRandom(SEED);
  const started = performance.now();
  const BATCH = 10_000;
  for (let n = 0; n < TEMPLATE; n += BATCH) {
    const rows: OrderRow[] = [];
    const facts: OrderFact[] = [];
    for (let k = n; k < Math.min(TEMPLATE, n + BATCH); k++) {
      const { row, fact } = synthesize(k, d, random);
      rows.push(row);
      facts.push(fact);
    }
    await insertBatch(pg, rows, facts);
    if ((n / BATCH) % 20 === 0) process.stdout.write(`  loaded ${n + rows.length}\r`);
  }
  const synthesizedMs = performance.now() - started;
  console.log(`synthesized ${TEMPLATE} orders in ${(synthesizedMs / 1000).toFixed(1)} s`);
  await copyTemplate(pg);
  const loadedMs = performance.now() - started;
  await pg.query('ANALYZE');
  await pg.end();
  console.log(`loaded ${ORDERS} orders (+ their KPI facts) in ${(loadedMs / 1000).toFixed(1)} s`);
}

/** Goes on with the copies a stopped load did not make (the template is the first TEMPLATE orders). */
async function resume(): Promise<void> {
  const pg = new Client({ connectionString: benchUrl.toString() });
  await pg.connect();
  const held = Number((await pg.query<{ n: string }>('SELECT count(*)::text AS n FROM "Order"')).rows[0]!.n);
  if (held < TEMPLATE || held % TEMPLATE !== 0) throw new Error(`the bench database holds ${held} orders, not whole copies of a ${TEMPLATE}-order template: load it again without --resume`);
  console.log(`resuming: ${held} orders held, copying up to ${ORDERS}`);
  const t0 = performance.now();
  await copyTemplate(pg, held / TEMPLATE);
  await pg.query('ANALYZE');
  await pg.end();
  console.log(`copied ${Math.max(0, ORDERS - held)} orders (+ their KPI facts) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function time(name: string, runs: number, query: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 10; i++) await query(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await query(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!.toFixed(1);
  console.log(`${name.padEnd(58)} p50 ${q(0.5).padStart(6)} ms   p95 ${q(0.95).padStart(6)} ms`);
}

async function main(): Promise<void> {
  const d = district();
  if (RESUME) await resume();
  else if (!REUSE) await load(d);
  const prisma: PrismaClient = createPrisma(benchUrl.toString(), { maxConnections: 4 });
  const t0 = performance.now();
  await rebuildRollup(prisma);
  const cells = await prisma.kpiRollup.count();
  console.log(`rollup rebuilt from ${ORDERS} facts in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${cells} cells`);
  const month = (i: number) => MONTHS[i % MONTHS.length]!;
  const street = (i: number) => d.streets[i % d.streets.length]!;
  const category = (i: number) => d.categories[i % 10]!;
  console.log(`\n${RUNS} runs each (after 10 warm-up runs):`);
  await time('kpis: units ranked, one month', RUNS, (i) => kpiReport(prisma, { by: 'unit', from: month(i), to: month(i) }));
  await time('kpis: units ranked, 24 months', RUNS, () => kpiReport(prisma, { by: 'unit', from: MONTHS[0]!, to: MONTHS[23]! }));
  await time('kpis: categories, 12 months', RUNS, (i) => kpiReport(prisma, { by: 'category', from: month(i), to: month(i + 11) }));
  await time('kpis: streets ranked, one month', RUNS, (i) => kpiReport(prisma, { by: 'street', from: month(i), to: month(i) }));
  await time('kpis: one street by month, 24 months', RUNS, (i) => kpiReport(prisma, { by: 'month', from: MONTHS[0]!, to: MONTHS[23]!, streetId: street(i) }));
  await time('kpis: one category, units ranked, 12 months', RUNS, (i) => kpiReport(prisma, { by: 'unit', from: month(i), to: month(i + 11), categoryCode: category(i) }));
  await time('board: newest page, no filter', RUNS, () => boardPage(prisma, { page: 1, pageSize: 20 }));
  await time('board: page 50, no filter', RUNS, () => boardPage(prisma, { page: 50, pageSize: 20 }));
  await time('board: category + month', RUNS, (i) => boardPage(prisma, { page: 1, pageSize: 20, categoryCode: category(i), month: month(i) }));
  await time('board: street + month', RUNS, (i) => boardPage(prisma, { page: 1, pageSize: 20, streetId: street(i), month: month(i) }));
  await time('board: unit', RUNS, (i) => boardPage(prisma, { page: 1, pageSize: 20, unitId: d.communitiesOf.get(street(i))![i % 8]! }));
  await prisma.$disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
