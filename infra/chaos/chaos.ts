// The chaos suite (not part of `npm test`): under a bounded load of orders placed through intake's
// front door, kill -9 each component in turn, restart it, wait for the platform to settle, and check
// that every order that got a 202 has exactly one workflow and one read-model row whose status is
// the workflow's, that nothing was parked on a dead-letter topic, and how long recovery took.
// Prints a table; exits 1 on any loss, duplicate, wrong state or dead letter. docs/chaos.md.
//
//   npm run chaos                       the light profile (`npm run up` first, or it brings it up)
//   npm run chaos -- --cluster          the cluster profile
//   npm run chaos -- --orders 30 --rate 10 --only kafka,worker
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

const root = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const cluster = flag('cluster');
const ordersPerRound = Number(option('orders', '30'));
const ratePerSecond = Number(option('rate', '10'));
const settleSeconds = Number(option('settle', '240'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment the profile's processes see (env.sh, plus cluster.sh's overrides). */
function profileEnv(): Record<string, string> {
  const script = `ROOT=${JSON.stringify(root)}; source infra/local/env.sh; ${cluster ? 'source infra/local/cluster.sh; cluster_app_env;' : ''} env -0`;
  const out = execFileSync('bash', ['-c', script], { cwd: root, env: process.env });
  return Object.fromEntries(
    out
      .toString()
      .split('\0')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
const env = profileEnv();
const home = env.DIANDAN_HOME!;
const runDir = cluster ? path.join(home, 'cluster', 'run') : path.join(home, 'run');
const pgData = cluster ? path.join(home, 'cluster', 'postgres') : path.join(home, 'postgres');
const intake = `http://127.0.0.1:${env.INTAKE_PORT}`;

interface Component {
  name: string;
  /** PIDs to kill -9 (process groups for what diandan started with setsid). */
  kill: () => void;
}

function killGroup(pidFile: string): void {
  const pid = Number(fs.readFileSync(path.join(runDir, `${pidFile}.pid`), 'utf8'));
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
}

function killPostgres(): void {
  // The postmaster and its backends, by their ids (the postmaster's children die with it on their own,
  // but a restart must not find one still holding the shared memory).
  const pid = Number(fs.readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
    .stdout.toString()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  for (const p of [pid, ...children]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const components: Component[] = (
  cluster
    ? ['worker-1', 'intake-1', 'dispatch-1', 'feedback-1', 'kafka-2', 'temporal']
    : ['worker', 'intake', 'dispatch', 'feedback', 'kafka', 'temporal']
)
  .map((name): Component => ({ name, kill: () => killGroup(name) }))
  .concat([{ name: 'postgres', kill: killPostgres }])
  .filter(
    (c) =>
      !flag('only') || option('only', '').split(',').includes(c.name.replace(/-\d$/, '')) || option('only', '').split(',').includes(c.name),
  );

function diandan(...command: string[]): void {
  const result = spawnSync('bash', ['infra/local/diandan', ...command, ...(cluster ? ['--cluster'] : [])], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`diandan ${command.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

interface Placed {
  orderId: string;
}

/** One resident placing one order, retrying with the same Idempotency-Key as a real client does. */
async function placeOne(i: number, round: string): Promise<Placed | undefined> {
  const key = `chaos-${round}-${i}`;
  // A resident each: the per-address rate limit is not what this suite measures.
  const resident = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const giveUp = Date.now() + 90_000;
  while (Date.now() < giveUp) {
    try {
      const res = await fetch(`${intake}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-forwarded-for': resident },
        body: JSON.stringify({
          channel: 'web',
          content: `混沌测试 ${round} #${i}：楼道灯不亮`,
          categoryCode: 'after-school',
          location: { address: '建新北路社区' },
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status === 202) return { orderId: ((await res.json()) as { orderId: string }).orderId };
      await res.body?.cancel();
      if (res.status < 500) throw new Error(`intake answered ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('intake answered')) throw err;
    }
    await sleep(1000);
  }
  return undefined;
}

async function deadLetters(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of ['orders.placed.dlq', 'orders.lifecycle.dlq']) {
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

interface Check {
  missingRows: number;
  wrongState: number;
  duplicates: number;
  notRunning: number;
}

/** Read model and Temporal agree on every accepted order (the workflow is the truth). */
async function check(db: pg.Client, temporal: Client, orderIds: string[]): Promise<Check> {
  const rows = await db.query<{ id: string; status: string }>('select id, status from "Order" where id = any($1::uuid[])', [orderIds]);
  const status = new Map(rows.rows.map((r) => [r.id, r.status]));
  const result: Check = { missingRows: orderIds.length - status.size, wrongState: 0, duplicates: 0, notRunning: 0 };
  await Promise.all(
    orderIds.map(async (id) => {
      const workflowId = `order-${id}`;
      try {
        const description = await temporal.workflow.getHandle(workflowId).describe();
        if (description.status.name !== 'RUNNING') result.notRunning++;
        const attribute = description.searchAttributes.OrderStatus?.[0];
        if (status.has(id) && attribute !== status.get(id)) result.wrongState++;
        const runs = await temporal.workflow.count(`WorkflowId = '${workflowId}'`);
        if (runs.count > 1) result.duplicates++;
      } catch {
        result.notRunning++;
      }
    }),
  );
  return result;
}

const settled = (c: Check) => c.missingRows === 0 && c.wrongState === 0 && c.notRunning === 0;

interface Row {
  component: string;
  accepted: number;
  refused: number;
  lost: number;
  duplicates: number;
  wrongState: number;
  deadLetters: number;
  backSeconds: number;
  settledSeconds: number;
}

async function round(component: Component, temporalAddress: string): Promise<Row> {
  const roundId = `${component.name}-${Date.now().toString(36)}-${randomUUID().slice(0, 4)}`;
  const kafka = new Kafka({ clientId: 'chaos', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const dlqBefore = await deadLetters(kafka);
  const started = Date.now();
  const killAt = Math.floor(ordersPerRound / 3);
  let killedAt = 0;
  let backAt = 0;
  let reviving: Promise<void> = Promise.resolve();
  const placing: Promise<Placed | undefined>[] = [];
  for (let i = 0; i < ordersPerRound; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    if (i === killAt) {
      component.kill();
      killedAt = Date.now();
      // Restart at once, as a supervisor (systemd, Kubernetes) would; the load goes on meanwhile.
      reviving = sleep(1000).then(() => {
        // A second try if the first gave up waiting (a loaded machine): the round is still measured.
        try {
          diandan('revive');
        } catch (err) {
          console.error(
            `\n  first revive failed (${err instanceof Error ? err.message.split('\n').slice(-2).join(' ') : String(err)}); trying again`,
          );
          diandan('revive');
        }
        backAt = Date.now();
      });
    }
    placing.push(placeOne(i, roundId));
  }
  const results = await Promise.all(placing);
  await reviving;
  const orderIds = results.filter((r): r is Placed => r !== undefined).map((r) => r.orderId);

  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? 'default' });
  let last: Check = { missingRows: orderIds.length, wrongState: 0, duplicates: 0, notRunning: orderIds.length };
  const settleBy = Date.now() + settleSeconds * 1000;
  while (Date.now() < settleBy) {
    last = await check(db, temporal, orderIds).catch(() => last);
    if (settled(last)) break;
    await sleep(1000);
  }
  const settledAt = Date.now();
  const dlqAfter = await deadLetters(kafka).catch(() => Number.NaN);
  await db.end();
  await connection.close();
  return {
    component: component.name,
    accepted: orderIds.length,
    refused: ordersPerRound - orderIds.length,
    lost: Math.max(last.missingRows, last.notRunning),
    duplicates: last.duplicates,
    wrongState: last.wrongState,
    deadLetters: dlqAfter - dlqBefore,
    backSeconds: (backAt - killedAt) / 1000,
    settledSeconds: settled(last) ? (settledAt - killedAt) / 1000 : Number.NaN,
  };
}

function printTable(rows: Row[]): void {
  const head = ['killed', 'accepted', 'refused', 'lost', 'dup', 'wrong state', 'DLQ +', 'back in', 'settled in'];
  const body = rows.map((r) => [
    r.component,
    String(r.accepted),
    String(r.refused),
    String(r.lost),
    String(r.duplicates),
    String(r.wrongState),
    String(r.deadLetters),
    `${r.backSeconds.toFixed(1)} s`,
    Number.isNaN(r.settledSeconds) ? 'never' : `${r.settledSeconds.toFixed(1)} s`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  console.log(`chaos: ${cluster ? 'cluster' : 'light'} profile, ${ordersPerRound} orders per kill at ${ratePerSecond}/s through ${intake}`);
  if (!flag('no-up')) {
    console.log('  bringing the platform up (idempotent)…');
    const up = spawnSync('bash', ['infra/local/diandan', 'up', '--demo', ...(cluster ? ['--cluster'] : [])], {
      cwd: root,
      stdio: 'inherit',
    });
    if (up.status !== 0) throw new Error('the platform did not come up');
  }
  const rows: Row[] = [];
  for (const component of components) {
    process.stdout.write(`  kill -9 ${component.name} … `);
    const row = await round(component, env.TEMPORAL_ADDRESS!);
    console.log(
      `${row.accepted} accepted, lost ${row.lost}, dup ${row.duplicates}, settled ${Number.isNaN(row.settledSeconds) ? 'never' : `${row.settledSeconds.toFixed(1)} s`}`,
    );
    rows.push(row);
  }
  printTable(rows);
  const bad = rows.filter(
    (r) => r.lost > 0 || r.duplicates > 0 || r.wrongState > 0 || r.deadLetters !== 0 || Number.isNaN(r.settledSeconds),
  );
  if (bad.length > 0) {
    console.error(`✗ ${bad.map((r) => r.component).join(', ')}: orders lost, duplicated, in the wrong state or dead-lettered`);
    process.exit(1);
  }
  console.log('✓ no order lost or duplicated across every kill');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
