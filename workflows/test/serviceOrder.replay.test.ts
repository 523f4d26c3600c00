// Determinism guard: recorded histories of the serviceOrder workflow must replay on today's code.
// A change that would break running orders fails here; make it behind `patched()` instead.
// Record anew with DIANDAN_RECORD_HISTORIES=1 (see serviceOrder.devserver.test.ts) only when the
// old histories are kept too.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '@diandan/testkit';

const dir = path.join(__dirname, 'fixtures/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.pb'));

describe('serviceOrder replay', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file)));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${file}`);
  });
});
