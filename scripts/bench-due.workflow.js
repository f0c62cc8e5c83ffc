// The raw ceiling for the bench's due-minute phase: a workflow held by the server until it falls due that runs one
// local activity doing nothing, on the same server. Bundled by scripts/bench.mjs; not part of the product.
import { proxyLocalActivities } from '@temporalio/workflow';

const { touch } = proxyLocalActivities({ startToCloseTimeout: '20 seconds' });

export async function benchDueWorkflow(dueAt) {
  await touch(dueAt);
}
