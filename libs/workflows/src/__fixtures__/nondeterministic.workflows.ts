// A deliberately incompatible change (a timer where the recorded workflow scheduled an activity):
// the replay spec proves that replaying saved histories would catch such a change.
import { sleep } from '@temporalio/workflow';

export async function retentionWorkflow(): Promise<void> {
  await sleep('1 day');
}

export async function ruleSyncWorkflow(): Promise<number> {
  await sleep('1 day');
  return 0;
}
