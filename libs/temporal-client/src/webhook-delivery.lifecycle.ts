import type { Client } from '@temporalio/client';
import {
  INTEGRATIONS_TASK_QUEUE,
  STORE_ID_ATTRIBUTE,
  wakeWebhookEndpointSignal,
  webhookEndpointWorkflowId,
  type WebhookEndpointInput,
} from '@boomerang/workflows';

/** Outgoing webhooks, in intents: wake an endpoint's delivery workflow (starting it when none runs). */
export class WebhookDeliveryLifecycle {
  constructor(private readonly client: Client) {}

  /** Something is owed to the endpoint: its workflow looks now; a new run starts if the last one ended. */
  async wake(input: WebhookEndpointInput): Promise<void> {
    await this.client.workflow.signalWithStart('webhookEndpointWorkflow', {
      workflowId: webhookEndpointWorkflowId(input.endpointId),
      taskQueue: INTEGRATIONS_TASK_QUEUE,
      args: [input],
      signal: wakeWebhookEndpointSignal,
      signalArgs: [],
      typedSearchAttributes: [{ key: STORE_ID_ATTRIBUTE, value: input.storeId }],
    });
  }
}
