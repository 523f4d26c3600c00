// The replay corpus (docs/lifecycle.md, "Changing the workflow"): the scenario tests record the
// history of each path they drive when DIANDAN_RECORD_HISTORIES=1, into fixtures/histories/,
// and serviceOrder.replay.test.ts replays every file on today's code in every test run.
// Histories recorded by older workflow code are kept, never re-recorded: they are what proves
// that a change is safe for orders that are open while it ships.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.join(__dirname, 'fixtures/histories');
export const recording = process.env.DIANDAN_RECORD_HISTORIES === '1';

/** Writes the handle's history as `<name>.pb` when recording (never over an existing file). */
export async function recordPath(handle: WorkflowHandle, name: string): Promise<void> {
  if (!recording) return;
  const file = path.join(HISTORIES_DIR, `${name}.pb`);
  if (existsSync(file)) return;
  const history = await handle.fetchHistory();
  writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
}
