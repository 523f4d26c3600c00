// Temporal's native runtime is a process-wide singleton that refuses a second install: every rig
// (and any test) installs it through here, with warnings only.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;
export function installTestRuntime(): void {
  if (installed) return;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (error) {
    if ((error as Error).name !== 'IllegalStateError') throw error;
  }
  installed = true;
}
