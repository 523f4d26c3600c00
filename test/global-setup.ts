// Jest global setup: make sure the real servers (PostgreSQL, Kafka, Temporal) are up before any
// test touches them, give the test workers the same environment the local platform uses, and
// isolate this run: its own database (migrated), and a run id that tests put into topic names,
// consumer groups and task queues. `infra/local/diandan up` is idempotent and quick when warm.
// DIANDAN_NO_INFRA=1 skips all of it for runs of pure packages only (e.g. packages/domain).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const root = path.join(__dirname, '..');

function loadLocalEnv(): void {
  const env = execFileSync('bash', ['-c', `ROOT='${root}'; source infra/local/env.sh; env -0`], { cwd: root });
  for (const entry of env.toString().split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) process.env[entry.slice(0, eq)] ??= entry.slice(eq + 1);
  }
}

export default function globalSetup(): void {
  if (process.env.DIANDAN_NO_INFRA === '1') return;
  if (process.env.DIANDAN_INFRA_READY !== '1') {
    execFileSync('bash', [path.join(root, 'infra/local/diandan'), 'up'], { stdio: 'inherit' });
  }
  loadLocalEnv();
  const runId = `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const url = new URL(process.env.DATABASE_URL as string);
  const database = `diandan_test_${runId}`;
  execFileSync('psql', ['-h', url.hostname, '-p', url.port, '-U', url.username, '-d', 'postgres', '-qc', `create database ${database}`]);
  url.pathname = `/${database}`;
  execFileSync('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], {
    cwd: path.join(root, 'infra'),
    env: { ...process.env, DATABASE_URL: url.toString() },
    stdio: 'ignore',
  });
  // Workers are forked after global setup and inherit process.env.
  process.env.DIANDAN_TEST_RUN_ID = runId;
  process.env.DATABASE_URL = url.toString();
  process.env.NODE_ENV = 'test';
}
