// Leaves the running platform as global setup found it: deletes this run's Temporal namespace (and
// so every workflow the tests started), its topics and consumer groups, and its database; then
// proves it by comparing the platform's snapshot with the one taken before the run.
// DIANDAN_KEEP_TEST_DB=1 keeps everything for a post-mortem (and skips the check).
// DIANDAN_TEST_ISOLATION_CHECK=warn reports differences without failing the run (a platform that
// real users or timers change while the tests run).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { deleteRunTopicsAndGroups, deleteTestNamespace, differences, platformSnapshot, type PlatformSnapshot } from './isolation';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.DIANDAN_TEST_RUN_ID;
  const snapshotFile = process.env.DIANDAN_TEST_SNAPSHOT;
  if (!runId || !snapshotFile || !process.env.DATABASE_URL || process.env.DIANDAN_KEEP_TEST_DB === '1') return;
  const { platform, before } = JSON.parse(readFileSync(snapshotFile, 'utf8')) as {
    platform: Parameters<typeof platformSnapshot>[0];
    before: PlatformSnapshot;
  };
  await deleteTestNamespace(platform.address, process.env.TEMPORAL_NAMESPACE as string);
  const deleted = await deleteRunTopicsAndGroups(platform.brokers, runId);
  const url = new URL(process.env.DATABASE_URL);
  execFileSync('psql', ['-h', url.hostname, '-p', url.port, '-U', url.username, '-d', 'postgres', '-qc', `drop database if exists diandan_test_${runId} with (force)`]);

  const after = await platformSnapshot(platform);
  const changed = differences(before, after);
  rmSync(snapshotFile, { force: true });
  const summary = `${after.workflows} workflows in namespace ${platform.namespace}, ${after.topics.length} topics, ${after.groups.length} consumer groups, ${Object.keys(after.rows).length} tables`;
  if (changed.length === 0) {
    console.log(`\nnpm test left the platform as it found it (${summary}; removed ${deleted.topics} test topics, ${deleted.groups} test groups, namespace and database of run ${runId})`);
    return;
  }
  const message = `npm test changed the running platform:\n  ${changed.join('\n  ')}`;
  if (process.env.DIANDAN_TEST_ISOLATION_CHECK === 'warn') console.warn(`\n${message}`);
  else throw new Error(message);
}
