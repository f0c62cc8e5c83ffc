import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@boomerang/persistence';
import type { DeliverPendingResult, WebhookActivities } from '@boomerang/workflows';
import type { AppRegistry, DeliveryOutcome } from './apps/app-adapter.js';
import type { WebhookAlerts } from './webhook-alerts.js';
import { endpointSecretContext, type SecretSealer } from './webhook-endpoints.service.js';
import type { WebhookSender } from './webhook-sender.js';
import { WebhookRepository, type AttemptOutcome, type DeliveryRow, type EndpointRow } from './webhook.repository.js';

export interface WebhookActivityDeps {
  orm: MikroORM;
  sealer: SecretSealer;
  sender: WebhookSender;
  /** The app adapters (Slack, Mailchimp) installations of other kinds deliver through. */
  apps?: AppRegistry;
  /** An endpoint whose deliveries have failed this long without one success is disabled (a day in production). */
  disableAfterMs: number;
  alerts?: WebhookAlerts;
  clock?: () => Date;
  /** Deliveries read per query (sent one at a time, in order). */
  batch?: number;
}

const STATUS_AFTER: Record<DeliveryOutcome['result'], AttemptOutcome['status']> = { delivered: 'delivered', skipped: 'skipped', failed: 'failed', retry: 'pending', broken: 'pending' };

/**
 * The delivery activity of the endpoint workflow: sends what is owed in `seq` order, one at a time, recording each
 * attempt (status, response time, error). The first failure stops the line (order per endpoint) and throws, so
 * Temporal retries with backoff; once the endpoint has failed for `disableAfterMs` it is disabled instead and the
 * store's technical contact alerted. Delivery is at least once: a crash between a receiver's 2xx and its record sends
 * that event again with the same `webhook-id`, which receivers use to drop duplicates.
 *
 * App installations ride the same line: their adapter delivers each event in its service's own API, skips what does
 * not concern it, logs an event the service refuses for good and moves on, waits as long as a 429's Retry-After asks,
 * and disables the installation at once when the service says the app itself is gone (a revoked Slack hook).
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
        const deliver = deliverer(deps, endpoint);
        const outcomes: AttemptOutcome[] = [];
        let stop: Extract<DeliveryOutcome, { result: 'retry' | 'broken' }> | null = null;
        for (const delivery of owed) {
          heartbeat(delivered);
          const at = clock();
          const outcome = await deliver(delivery, at);
          const status = STATUS_AFTER[outcome.result];
          const answered = outcome.result === 'skipped' ? { statusCode: null, error: outcome.reason, durationMs: 0 } : { error: null, ...outcome };
          outcomes.push({ deliveryId: delivery.id, at, ok: status === 'delivered', status, statusCode: answered.statusCode, error: answered.error, durationMs: answered.durationMs });
          if (outcome.result === 'retry' || outcome.result === 'broken') {
            stop = outcome;
            break;
          }
          if (status === 'delivered') delivered++;
        }
        // The attempts and the end of a run of failures commit together: the log and the endpoint never disagree.
        await em.transactional(async (tx) => {
          const inTx = new WebhookRepository(tx);
          await inTx.recordAttempts(storeId, outcomes);
          if (outcomes.some((o) => o.status === 'delivered' || o.status === 'failed') && endpoint.failingSince) await inTx.clearFailing(storeId, endpointId);
        });
        if (stop === null) continue;
        const failure = stop.error;
        if (stop.result === 'broken') {
          await repository.disable(storeId, endpointId, failure, clock());
          await deps.alerts?.endpointDisabled(em, { storeId, endpointId, kind: endpoint.kind, url: endpoint.url, reason: failure });
          return { state: 'disabled', delivered };
        }
        const now = clock();
        const since = await repository.markFailing(storeId, endpointId, now);
        if (now.getTime() - since.getTime() >= deps.disableAfterMs) {
          const reason = `failing since ${since.toISOString()}; last attempt ${failure}`;
          await repository.disable(storeId, endpointId, reason, now);
          await deps.alerts?.endpointDisabled(em, { storeId, endpointId, kind: endpoint.kind, url: endpoint.url, reason });
          return { state: 'disabled', delivered };
        }
        // A service's Retry-After is its own backoff; otherwise Temporal's (1 s doubling).
        if (stop.retryAfterMs !== null) {
          throw ApplicationFailure.create({ message: `${endpoint.url} ${failure}`, type: 'WebhookReceiverFailed', nextRetryDelay: Math.max(1_000, stop.retryAfterMs) });
        }
        throw ApplicationFailure.retryable(`${endpoint.url} ${failure}`, 'WebhookReceiverFailed');
      }
    },
  };
}

/** How one owed event goes to this endpoint: a signed POST for a webhook, its adapter for an app. */
function deliverer(deps: WebhookActivityDeps, endpoint: EndpointRow): (delivery: DeliveryRow, at: Date) => Promise<DeliveryOutcome> {
  const secret = deps.sealer.open(endpoint.secretSealed, endpointSecretContext(endpoint.id));
  if (endpoint.kind === 'webhook') {
    return async (delivery, at) => {
      const r = await deps.sender.send(endpoint.url, secret, { id: delivery.eventId, timestamp: at, body: JSON.stringify(delivery.payload) });
      return r.ok ? { result: 'delivered', statusCode: r.statusCode, durationMs: r.durationMs } : { result: 'retry', statusCode: r.statusCode, error: r.error ?? 'failed', durationMs: r.durationMs, retryAfterMs: null };
    };
  }
  const adapter = deps.apps?.get(endpoint.kind);
  if (!adapter) return async () => ({ result: 'broken', statusCode: null, error: `the ${endpoint.kind} app is not available in this deployment`, durationMs: 0 });
  const secrets = JSON.parse(secret) as unknown;
  return (delivery) => adapter.deliver({ id: delivery.eventId, type: delivery.eventType as never, payload: delivery.payload as never }, endpoint.appSettings, secrets);
}

/** Heartbeats when running as an activity (a direct call in a test has no context). */
function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not inside an activity
  }
}
