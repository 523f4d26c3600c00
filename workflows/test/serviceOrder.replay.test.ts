// Determinism guard: every recorded history of the serviceOrder workflow (the replay corpus,
// fixtures/histories) must replay on today's code. A change that would break running orders
// fails here; ship it behind `patched()` instead (docs/lifecycle.md, "Changing the workflow").
// `happy-path.pb` was recorded by the workflow before the first patch; the `v2-*` files by the
// patched one (record them with DIANDAN_RECORD_HISTORIES=1, see ./corpus.ts). The v3-* files were
// recorded by the test rig, which encrypts payloads with the test codec: replay decodes with it
// (payloads written without a codec pass through it unchanged). The v4-* files were recorded with
// search attributes and the triage clock set at start (serviceOrder.attributesAtStart.test.ts).
// The v5-* files were recorded after end-when-final: each run completes at its final state.
// v6-update-in-first-task was dispatched before its first task ran (update-after-first-pass).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { testCodec, workflowBundle } from '@diandan/testkit';
import { PATCHES } from '../src/contract';
import { HISTORIES_DIR } from './corpus';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.pb'));
const bytesOf = (file: string) => readFileSync(path.join(HISTORIES_DIR, file));
/** Whether a history carries the marker of a patch (its id is in the marker's payload). */
const hasPatch = (file: string, patch: string) => bytesOf(file).includes(Buffer.from(patch));

/** The paths docs/lifecycle.md promises the corpus covers, by file. */
const PATHS = [
  'v2-triage-breach',
  'v2-accept-warning-then-breach',
  'v2-accept-breach-community-to-street',
  'v2-opinion-breach-community-to-street',
  'v2-resolve-breach-street-to-district',
  'v2-district-breach',
  'v2-rating-timeout-unrated-close',
  'v2-dissatisfied-reopen-then-close',
  'v2-urge-and-manual-escalation',
  'v2-returns-and-buck-passing',
  'v2-merge',
  'v2-withdraw',
  'v2-withdraw-after-accept',
  'v2-answer-and-rate',
  'v2-rated-close',
  // merge-links (docs/merge.md): the duplicate waits for its survivor.
  'v3-merge-resolved-by-survivor',
  'v3-merge-survivor-resolves',
  'v3-merge-survivor-withdrawn',
  'v3-unmerge',
  // Attributes at start (no patch: keyed on the started event): the triage clock from the starter, no upsert in the first task.
  'v4-attributes-at-start',
  // end-when-final: the run completes at the final state instead of lingering 7 days.
  'v5-rated-close-completes',
  'v5-withdraw-completes',
  'v5-rating-timeout-completes',
  'v5-merge-survivor-withdrawn-completes',
  // update-after-first-pass: a dispatch that came with the first task waited for the main loop's first pass.
  'v6-update-in-first-task',
];

describe('serviceOrder replay corpus', () => {
  it('covers every path of the workflow, and the history from before the first patch', () => {
    expect(files).toEqual(expect.arrayContaining(['happy-path.pb', ...PATHS.map((p) => `${p}.pb`)]));
  });

  it('exercises the patch both ways: old histories without its marker, new ones with it', () => {
    expect(hasPatch('happy-path.pb', PATCHES.deadlineInUpdate)).toBe(false);
    expect(files.filter((f) => f.startsWith('v2-') && hasPatch(f, PATCHES.deadlineInUpdate)).length).toBeGreaterThan(5);
    // A merge recorded before merge-links finished at once; the v3 merges took the linked branch.
    expect(hasPatch('v2-merge.pb', PATCHES.mergeLinks)).toBe(false);
    for (const file of ['v3-merge-resolved-by-survivor.pb', 'v3-unmerge.pb', 'v3-merge-survivor-withdrawn.pb']) expect(hasPatch(file, PATCHES.mergeLinks)).toBe(true);
    // Finished before end-when-final: the run lingers (its 7-day timer is in the history); the v5
    // runs completed at their final state.
    for (const file of ['v2-rated-close.pb', 'v2-withdraw.pb', 'v2-rating-timeout-unrated-close.pb', 'v3-merge-survivor-resolves.pb']) expect(hasPatch(file, PATCHES.endWhenFinal)).toBe(false);
    for (const file of files.filter((f) => f.startsWith('v5-'))) expect(hasPatch(file, PATCHES.endWhenFinal)).toBe(true);
    // Only an update that comes with the first task asks for update-after-first-pass.
    expect(hasPatch('v6-update-in-first-task.pb', PATCHES.updateAfterFirstPass)).toBe(true);
    for (const file of files.filter((f) => f !== 'v6-update-in-first-task.pb')) expect(hasPatch(file, PATCHES.updateAfterFirstPass)).toBe(false);

  });

  it('replays every history without nondeterminism', async () => {
    const histories = files.map((file) => ({ workflowId: file, history: temporal.api.history.v1.History.decode(bytesOf(file)) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), dataConverter: { payloadCodecs: [testCodec] } }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
