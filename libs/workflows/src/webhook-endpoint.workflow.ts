import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import { wakeWebhookEndpointSignal, type WebhookActivities, type WebhookEndpointInput } from './webhook.contracts.js';

const ROUNDS_PER_RUN = 500;

/**
 * One endpoint's deliveries, in order: the activity sends what is owed, oldest first, and throws while the receiver
 * fails, so Temporal retries it with backoff (1 s doubling up to `maxRetryIntervalMs`) for as long as it takes; the
 * activity itself disables the endpoint once it has failed for a day. Between rounds it sleeps until woken (a delivery
 * committed) or `idlePollMs` passes. The workflow ends when the endpoint is disabled or deleted; a wake-up after that
 * starts a new run.
 */
export async function webhookEndpointWorkflow(input: WebhookEndpointInput): Promise<'disabled' | 'removed'> {
  const { deliverPending } = proxyActivities<WebhookActivities>({
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: input.maxRetryIntervalMs },
  });
  let woken = false;
  setHandler(wakeWebhookEndpointSignal, () => {
    woken = true;
  });
  const rounds = input.roundsPerRun ?? ROUNDS_PER_RUN;
  for (let round = 0; round < rounds; round++) {
    woken = false;
    const result = await deliverPending({ storeId: input.storeId, endpointId: input.endpointId });
    if (result.state !== 'idle') return result.state;
    if (!woken) await condition(() => woken, input.idlePollMs);
  }
  return continueAsNew<typeof webhookEndpointWorkflow>(input);
}
