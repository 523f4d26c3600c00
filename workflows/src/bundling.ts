// The monthly bundling run (两个打包): started by the `monthly-bundling` Schedule on the first days
// of every month (the activity acts only on the first working day) or on demand for a given month.
// One activity does the work: read the month's open orders, cluster them (packages/domain
// bundling), store the proposed bundles. Its workflow id names the run.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ProjectActivities } from './projectActivities';
import type { BundlingInput, BundlingSummary } from './projectContract';

const { bundleMonth } = proxyActivities<ProjectActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export async function monthlyBundling(input: BundlingInput): Promise<BundlingSummary> {
  return bundleMonth({ ...(input.month ? { month: input.month } : {}), trigger: input.trigger, now: new Date().toISOString(), runId: workflowInfo().workflowId });
}
