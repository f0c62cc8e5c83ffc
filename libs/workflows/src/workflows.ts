// The worker's bundle entry: every workflow the retention task queue runs.
export { retentionWorkflow } from './retention.workflow.js';
export { ruleSyncWorkflow } from './rule-sync.workflow.js';
export { testSendWorkflow } from './test-send.workflow.js';
export { historicalSyncWorkflow } from './historical-sync.workflow.js';
export { webhookEndpointWorkflow } from './webhook-endpoint.workflow.js';
export { directMessageWorkflow } from './direct-message.workflow.js';
