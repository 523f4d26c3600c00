// Test data helpers shared by the real-server tests: every test isolates itself by unique names.
import { randomUUID } from 'node:crypto';

export const runId = (): string => process.env.DIANDAN_TEST_RUN_ID ?? 'adhoc';
export const uniqueName = (what: string): string => `${runId()}-${what}-${randomUUID().slice(0, 8)}`;

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm test\` (jest global setup sets it)`);
  return value;
}
