// Benchmark (not a test): before/after in one run. Runs dispatch.bench.ts alternately with a
// "before" setting and the code as it is ("after"), `rounds` times each, in this hour on this
// machine, and prints the figures side by side with after ÷ before. The machine is shared: absolute
// rates are noisy, ratios measured this way carry over (docs/performance.md).
//
//   (ROOT=$PWD; source infra/local/env.sh; npx tsx services/dispatch/bench/ab.bench.ts 300 200 2 BENCH_PUBLISHING=direct)
//   args: orders, offered rate per second, rounds, then the "before" environment (NAME=value …)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const [ordersArg, rateArg, roundsArg, ...beforeArgs] = process.argv.slice(2);
const orders = Number(ordersArg ?? 300);
const rate = Number(rateArg ?? 200);
const rounds = Number(roundsArg ?? 2);
const before = Object.fromEntries(beforeArgs.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
if (Object.keys(before).length === 0) {
  console.error('name the "before" setting, e.g. BENCH_PUBLISHING=direct');
  process.exit(2);
}

interface Figures {
  emptyStartsPerSecond: number;
  ordersPerSecond: number;
  projected: number;
  runningP50: number;
  runningP99: number;
  rowP50: number;
  rowP99: number;
  publishP99: number;
}

function run(label: string, env: Record<string, string>): Figures {
  const out = path.join(os.tmpdir(), `diandan-ab-${process.pid}-${Date.now()}.json`);
  console.log(`\n== ${label} (${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ') || 'as committed'}) — load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const result = spawnSync('npx', ['--no-install', 'tsx', 'services/dispatch/bench/dispatch.bench.ts', String(orders), String(rate)], {
    cwd: root,
    env: { ...process.env, ...env, BENCH_JSON: out },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`dispatch.bench.ts (${label}) failed`);
  const figures = JSON.parse(fs.readFileSync(out, 'utf8')) as Figures;
  fs.rmSync(out);
  return figures;
}

const results: { before: Figures[]; after: Figures[] } = { before: [], after: [] };
for (let round = 0; round < rounds; round++) {
  // Alternating, so that a change in the machine's load hits both sides alike.
  results.before.push(run(`round ${round + 1}: before`, before));
  results.after.push(run(`round ${round + 1}: after`, {}));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows: [string, (f: Figures) => number, (v: number) => string][] = [
  ['empty workflow starts/s', (f) => f.emptyStartsPerSecond, (v) => v.toFixed(0)],
  ['orders/s placed → projected row', (f) => f.ordersPerSecond, (v) => v.toFixed(1)],
  ['ratio orders/s ÷ empty starts/s', (f) => f.ordersPerSecond / f.emptyStartsPerSecond, (v) => v.toFixed(2)],
  ['placed → running p50 (ms)', (f) => f.runningP50, (v) => v.toFixed(0)],
  ['placed → running p99 (ms)', (f) => f.runningP99, (v) => v.toFixed(0)],
  ['placed → projected row p50 (ms)', (f) => f.rowP50, (v) => v.toFixed(0)],
  ['placed → projected row p99 (ms)', (f) => f.rowP99, (v) => v.toFixed(0)],
  ['publishEvents p99 (ms)', (f) => f.publishP99, (v) => v.toFixed(0)],
];
console.log(`\n${orders} orders offered at ${rate}/s, ${rounds} round(s) each, means; before = ${beforeArgs.join(' ')}`);
console.log('| figure | before | after | after ÷ before |\n|---|---|---|---|');
for (const [label, pick, format] of rows) {
  const b = mean(results.before.map(pick));
  const a = mean(results.after.map(pick));
  console.log(`| ${label} | ${format(b)} | ${format(a)} | ${(a / b).toFixed(2)} |`);
}
