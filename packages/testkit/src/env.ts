// The environment jest's global setup gives every test worker, and names unique to this run.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@diandan/platform';

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm test\` or \`npx jest\` (jest's global setup sets it)`);
  return value;
}

export const runId = (): string => process.env.DIANDAN_TEST_RUN_ID ?? 'adhoc';

/** A name no other test (of this run or another) uses: topics, groups, task queues, client ids. */
export const unique = (what: string): string => `${runId()}-${what}-${randomUUID().slice(0, 8)}`;

/** Silent unless TEST_LOG_LEVEL says otherwise. */
export const testLogger = (name: string) => createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');
