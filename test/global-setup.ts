// Jest global setup: make sure the real servers (PostgreSQL, Kafka, Temporal) are up before any
// test touches them, and give the test workers the same environment the local platform uses.
// `infra/local/diandan up` is idempotent and quick when everything already runs.
// DIANDAN_NO_INFRA=1 skips it for runs of pure packages only (e.g. packages/domain).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..');

export default function globalSetup(): void {
  if (process.env.DIANDAN_NO_INFRA === '1') return;
  if (process.env.DIANDAN_INFRA_READY !== '1') {
    execFileSync('bash', [path.join(root, 'infra/local/diandan'), 'up'], { stdio: 'inherit' });
  }
  // Workers are forked after global setup and inherit process.env.
  const env = execFileSync('bash', ['-c', `ROOT='${root}'; source infra/local/env.sh; env -0`], { cwd: root });
  for (const entry of env.toString().split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) process.env[entry.slice(0, eq)] ??= entry.slice(eq + 1);
  }
}
