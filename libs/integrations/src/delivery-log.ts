import { NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { parseOrThrow } from '@boomerang/validation';
import { ConflictError } from './errors.js';
import { webhookDeliveriesQuerySchema } from './webhook-endpoint.schemas.js';
import { WebhookRepository, type AttemptRow, type DeliveryRow, type EndpointRow } from './webhook.repository.js';

/** The delivery log of an endpoint or app the caller has found in the store: pages, one delivery's attempts, resending. */
export class DeliveryLog {
  constructor(private readonly clock: () => Date) {}

  async page(em: EntityManager, endpoint: EndpointRow, query: unknown): Promise<{ deliveries: DeliveryRow[]; nextBefore: number | null }> {
    const q = parseOrThrow(webhookDeliveriesQuerySchema, query);
    const limit = q.limit ?? 50;
    const rows = await new WebhookRepository(em).deliveries(endpoint.storeId, endpoint.id, limit + 1, q.before ?? null);
    return { deliveries: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.seq : null };
  }

  async delivery(em: EntityManager, endpoint: EndpointRow, deliveryId: string): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] }> {
    const repository = new WebhookRepository(em);
    const found = await repository.delivery(endpoint.storeId, endpoint.id, deliveryId);
    if (!found) throw new NotFoundError('delivery', deliveryId);
    return { delivery: found, attempts: await repository.attempts(endpoint.storeId, deliveryId) };
  }

  /** Sends a delivery again: the same event queued at the end of the line (delivered after what is owed). */
  async resend(em: EntityManager, endpoint: EndpointRow, deliveryId: string): Promise<DeliveryRow> {
    if (endpoint.status !== 'active') throw new ConflictError(`the ${endpoint.kind === 'webhook' ? 'endpoint' : 'app'} is disabled: enable it to send again`);
    const queued = await new WebhookRepository(em).resend(endpoint.storeId, endpoint.id, deliveryId, this.clock());
    if (!queued) throw new NotFoundError('delivery', deliveryId);
    return queued;
  }
}
