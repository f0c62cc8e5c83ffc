import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

// Histories recorded from real runs of every workflow version (RECORD_HISTORIES=dir with the api suites).
// Replaying them against today's code catches a non-deterministic change before it reaches a running customer.
const HISTORIES = new URL('./__histories__/', import.meta.url);
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };

async function bundle(path: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL(path, import.meta.url)), logger: quiet });
}

function load(file: string): { history: unknown; workflowId: string } {
  const history = JSON.parse(readFileSync(new URL(file, HISTORIES), 'utf8'));
  const started = history.events[0].workflowExecutionStartedEventAttributes;
  return { history, workflowId: started.workflowId ?? file };
}

describe('workflow replay', () => {
  let current: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    current = await bundle('./workflows.ts');
  }, 60_000);

  it('has histories of every long-running workflow to replay', () => {
    expect(files.filter((f) => f.startsWith('retentionWorkflow')).length).toBeGreaterThan(5);
    expect(files.filter((f) => f.startsWith('ruleSyncWorkflow')).length).toBeGreaterThan(3);
    // Recorded by libs/stores' historical-sync.int.spec.ts (RECORD_HISTORIES=dir): completed, continued-as-new, failed.
    expect(files.filter((f) => f.startsWith('historicalSyncWorkflow')).length).toBeGreaterThan(2);
    // Recorded by apps/api/test/outgoing-webhooks.spec.ts: delivered and retried runs, one ended by a disabled endpoint, one by a deleted one.
    expect(files.filter((f) => f.startsWith('webhookEndpointWorkflow')).length).toBeGreaterThan(2);
    // Recorded by apps/api/test/direct-messages.spec.ts: sent at once, and one that waited on a timer for Postmark's answer.
    expect(files.filter((f) => f.startsWith('directMessageWorkflow')).length).toBeGreaterThan(2);
  });

  it.each(files)('replays %s deterministically with the current code', async (file) => {
    const { history, workflowId } = load(file);
    await expect(Worker.runReplayHistory({ workflowBundle: current }, history, workflowId)).resolves.toBeUndefined();
  });

  it('would catch an incompatible change', async () => {
    const changed = await bundle('./__fixtures__/nondeterministic.workflows.ts');
    const file = files.find((f) => f.startsWith('retentionWorkflow'))!;
    const { history, workflowId } = load(file);
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, workflowId)).rejects.toThrow(/[Nn]ondetermin/);
  }, 60_000);
});
