import { proxyActivities, sleep } from '@temporalio/workflow';
import type { DirectMessageActivities, DirectMessageInput, DirectMessageOutcome } from './direct-message.contracts.js';

const { sendDirectMessage } = proxyActivities<DirectMessageActivities>({
  startToCloseTimeout: '1 minute',
  // No attempt limit: a provider outage (429, 5xx, no answer) delays the message, it never drops it. The activity
  // records what reached the provider, so a retry never sends twice.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Sends one merchant-written message, exactly once, whatever crashes or outages happen meanwhile. */
export async function directMessageWorkflow(input: DirectMessageInput): Promise<DirectMessageOutcome> {
  for (;;) {
    const result = await sendDirectMessage(input);
    if (!('deferred' in result)) return result;
    await sleep(Math.max(1_000, Date.parse(result.until) - Date.now()));
  }
}
