// Drops this run's database; topics and task queues carry the run id and cost nothing to leave.
import { execFileSync } from 'node:child_process';

export default function globalTeardown(): void {
  const runId = process.env.DIANDAN_TEST_RUN_ID;
  if (!runId || !process.env.DATABASE_URL || process.env.DIANDAN_KEEP_TEST_DB === '1') return;
  const url = new URL(process.env.DATABASE_URL);
  execFileSync('psql', ['-h', url.hostname, '-p', url.port, '-U', url.username, '-d', 'postgres', '-qc', `drop database if exists diandan_test_${runId} with (force)`]);
}
