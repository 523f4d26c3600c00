// Jest global setup: make sure the real servers (PostgreSQL, Kafka, Temporal) are up before any
// test touches them, give the test workers the same environment the local platform uses, and
// isolate this run from the running platform (test/isolation.ts): its own database (migrated), its
// own Temporal namespace (search attributes registered), and a run id that tests put into topic
// names, consumer groups and task queues. A snapshot of the platform taken here is compared with
// one taken in global teardown. `infra/local/diandan up` is idempotent and quick when warm.
// DIANDAN_NO_INFRA=1 skips all of it for runs of pure packages only (e.g. packages/domain).
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestNamespace, platformSnapshot, testNamespaceFor } from './isolation';

const root = path.join(__dirname, '..');

function loadLocalEnv(): void {
  const env = execFileSync('bash', ['-c', `ROOT='${root}'; source infra/local/env.sh; env -0`], { cwd: root });
  for (const entry of env.toString().split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) process.env[entry.slice(0, eq)] ??= entry.slice(eq + 1);
  }
}

export default async function globalSetup(): Promise<void> {
  if (process.env.DIANDAN_NO_INFRA === '1') return;
  if (process.env.DIANDAN_INFRA_READY !== '1') {
    execFileSync('bash', [path.join(root, 'infra/local/diandan'), 'up'], { stdio: 'inherit' });
  }
  loadLocalEnv();
  const runId = `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const platform = {
    address: process.env.TEMPORAL_ADDRESS as string,
    namespace: process.env.TEMPORAL_NAMESPACE as string,
    brokers: process.env.KAFKA_BROKERS as string,
    databaseUrl: process.env.DATABASE_URL as string,
  };
  const before = await platformSnapshot(platform);
  const snapshotFile = path.join(process.env.DIANDAN_HOME ?? path.join(root, '.diandan'), 'test-runs', `${runId}.json`);
  mkdirSync(path.dirname(snapshotFile), { recursive: true });
  writeFileSync(snapshotFile, JSON.stringify({ platform, before }, null, 2));

  const url = new URL(platform.databaseUrl);
  const database = `diandan_test_${runId}`;
  execFileSync('psql', ['-h', url.hostname, '-p', url.port, '-U', url.username, '-d', 'postgres', '-qc', `create database ${database}`]);
  url.pathname = `/${database}`;
  const namespace = testNamespaceFor(runId);
  await Promise.all([
    createTestNamespace(platform.address, namespace, process.env.TEMPORAL_SEARCH_ATTRIBUTES ?? ''),
    promisify(execFile)('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], {
      cwd: path.join(root, 'infra'),
      env: { ...process.env, DATABASE_URL: url.toString() },
    }),
  ]);
  // Workers are forked after global setup and inherit process.env.
  process.env.DIANDAN_TEST_RUN_ID = runId;
  process.env.DIANDAN_TEST_SNAPSHOT = snapshotFile;
  process.env.DATABASE_URL = url.toString();
  process.env.TEMPORAL_NAMESPACE = namespace;
  process.env.NODE_ENV = 'test';
}
