import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@boomerang/persistence';
import type { DeliverPendingResult, WebhookActivities } from '@boomerang/workflows';
import type { WebhookAlerts } from './webhook-alerts.js';
import { endpointSecretContext, type SecretSealer } from './webhook-endpoints.service.js';
import type { WebhookSender } from './webhook-sender.js';
import { WebhookRepository, type AttemptOutcome } from './webhook.repository.js';

export interface WebhookActivityDeps {
  orm: MikroORM;
  sealer: SecretSealer;
  sender: WebhookSender;
  /** An endpoint whose deliveries have failed this long without one success is disabled (a day in production). */
  disableAfterMs: number;
  alerts?: WebhookAlerts;
  clock?: () => Date;
  /** Deliveries read per query (sent one at a time, in order). */
  batch?: number;
}

/**
 * The delivery activity of the endpoint workflow: sends what is owed in `seq` order, one at a time, recording each
 * attempt (status, response time, error). The first failure stops the line (order per endpoint) and throws, so
 * Temporal retries with backoff; once the endpoint has failed for `disableAfterMs` it is disabled instead and the
 * store's technical contact alerted. Delivery is at least once: a crash between a receiver's 2xx and its record sends
 * that event again with the same `webhook-id`, which receivers use to drop duplicates.
 */
export function createWebhookActivities(deps: WebhookActivityDeps): WebhookActivities {
  const clock = deps.clock ?? (() => new Date());
  const batch = deps.batch ?? 100;
  return {
    async deliverPending({ storeId, endpointId }): Promise<DeliverPendingResult> {
      let delivered = 0;
      for (;;) {
        const em = deps.orm.em.fork();
        const repository = new WebhookRepository(em);
        const endpoint = await repository.endpoint(storeId, endpointId);
        if (!endpoint) return { state: 'removed', delivered };
        if (endpoint.status !== 'active') return { state: 'disabled', delivered };
        const owed = await repository.pending(storeId, endpointId, batch);
        if (!owed.length) return { state: 'idle', delivered };
        const secret = deps.sealer.open(endpoint.secretSealed, endpointSecretContext(endpointId));
        const outcomes: AttemptOutcome[] = [];
        let failure: string | null = null;
        for (const delivery of owed) {
          heartbeat(delivered);
          const at = clock();
          const result = await deps.sender.send(endpoint.url, secret, { id: delivery.eventId, timestamp: at, body: JSON.stringify(delivery.payload) });
          outcomes.push({ deliveryId: delivery.id, at, ...result });
          if (!result.ok) {
            failure = result.error ?? 'failed';
            break;
          }
          delivered++;
        }
        // The attempts and the end of a run of failures commit together: the log and the endpoint never disagree.
        await em.transactional(async (tx) => {
          const inTx = new WebhookRepository(tx);
          await inTx.recordAttempts(storeId, outcomes);
          if (outcomes.some((o) => o.ok) && endpoint.failingSince) await inTx.clearFailing(storeId, endpointId);
        });
        if (failure === null) continue;
        const now = clock();
        const since = await repository.markFailing(storeId, endpointId, now);
        if (now.getTime() - since.getTime() >= deps.disableAfterMs) {
          const reason = `failing since ${since.toISOString()}; last attempt ${failure}`;
          await repository.disable(storeId, endpointId, reason, now);
          await deps.alerts?.endpointDisabled(em, { storeId, endpointId, url: endpoint.url, reason });
          return { state: 'disabled', delivered };
        }
        throw ApplicationFailure.retryable(`${endpoint.url} ${failure}`, 'WebhookReceiverFailed');
      }
    },
  };
}

/** Heartbeats when running as an activity (a direct call in a test has no context). */
function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not inside an activity
  }
}
