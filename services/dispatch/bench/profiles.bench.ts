// Benchmark (not a test): the light profile (Temporal dev server, one broker) and the cluster profile
// (Temporal server on PostgreSQL, three brokers) side by side, in one run, with the ratios the
// issue asks for. For each profile: dispatch.bench.ts saturated (offered far above capacity), then
// again at half the saturated rate for the latency. Both profiles must be up
// (`npm run up`, `npm run up -- --cluster`). docs/performance.md has the figures.
//
//   npx tsx services/dispatch/bench/profiles.bench.ts [orders=1000] [profiles=light,cluster]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const orders = Number(process.argv[2] ?? 1000);
const profiles = (process.argv[3] ?? 'light,cluster').split(',');

interface Figures {
  emptyStartsPerSecond: number;
  ordersPerSecond: number;
  projected: number;
  runningP50: number;
  runningP99: number;
  rowP50: number;
  rowP99: number;
}

/** The environment a profile's processes see: env.sh, plus cluster.sh's overrides. */
function profileEnv(profile: string): NodeJS.ProcessEnv {
  const cluster = profile === 'cluster' ? 'source infra/local/cluster.sh; cluster_app_env;' : '';
  const out = execFileSync('bash', ['-c', `ROOT=${JSON.stringify(root)}; source infra/local/env.sh; ${cluster} env -0`], { cwd: root });
  const entries = out
    .toString()
    .split('\0')
    .filter(Boolean)
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
  return Object.fromEntries(entries) as NodeJS.ProcessEnv;
}

function bench(profile: string, count: number, rate: number): Figures {
  const out = path.join(os.tmpdir(), `diandan-bench-${profile}-${process.pid}-${rate}.json`);
  const run = spawnSync('npx', ['--no-install', 'tsx', 'services/dispatch/bench/dispatch.bench.ts', String(count), String(rate)], {
    cwd: root,
    env: { ...profileEnv(profile), BENCH_JSON: out },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`dispatch.bench.ts on the ${profile} profile failed`);
  const figures = JSON.parse(fs.readFileSync(out, 'utf8')) as Figures;
  fs.rmSync(out);
  return figures;
}

const results = new Map<string, { saturated: Figures; half: Figures; halfRate: number }>();
for (const profile of profiles) {
  console.log(`\n== ${profile} profile: saturated (${orders} orders offered at 200/s)`);
  const saturated = bench(profile, orders, 200);
  const halfRate = Math.max(1, Math.floor(saturated.ordersPerSecond / 2));
  console.log(`== ${profile} profile: half the saturated rate (${halfRate}/s for ≈ 20 s)`);
  const half = bench(profile, Math.max(50, halfRate * 20), halfRate);
  results.set(profile, { saturated, half, halfRate });
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const rows: [string, (p: string) => number, (v: number) => string][] = [
  ['empty workflow starts/s', (p) => results.get(p)!.saturated.emptyStartsPerSecond, (v) => v.toFixed(0)],
  ['placed → read model, orders/s (saturated)', (p) => results.get(p)!.saturated.ordersPerSecond, (v) => v.toFixed(0)],
  [
    'ratio orders/s ÷ empty starts/s (aim ≥ 0.5)',
    (p) => results.get(p)!.saturated.ordersPerSecond / results.get(p)!.saturated.emptyStartsPerSecond,
    (v) => v.toFixed(2),
  ],
  ['half rate offered, orders/s', (p) => results.get(p)!.halfRate, (v) => v.toFixed(0)],
  ['  placed → workflow running p50', (p) => results.get(p)!.half.runningP50, ms],
  ['  placed → workflow running p99', (p) => results.get(p)!.half.runningP99, ms],
  ['  placed → read-model row p50', (p) => results.get(p)!.half.rowP50, ms],
  ['  placed → read-model row p99 (aim < 1 s)', (p) => results.get(p)!.half.rowP99, ms],
];
const head = ['figure', ...profiles, ...(profiles.length === 2 ? [`${profiles[1]} ÷ ${profiles[0]}`] : [])];
const body = rows.map(([label, value, format]) => {
  const values = profiles.map(value);
  return [label, ...values.map(format), ...(values.length === 2 ? [(values[1]! / values[0]!).toFixed(2)] : [])];
});
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\n${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const b of body) console.log(line(b));
