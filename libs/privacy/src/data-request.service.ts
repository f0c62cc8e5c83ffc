import { normalizeEmail } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { buildCustomerExport } from './customer-export.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';
import { sha256 } from './secret-token.js';

/**
 * A platform's data request (Shopify `customers/data_request`): the same export the customer downloads, stored for
 * the merchant, who downloads it from the api (`GET /stores/:storeId/privacy-requests/:requestId/export`) or the
 * customer's privacy page in the dashboard, and hands it to the customer.
 */
export class DataRequestService {
  constructor(private readonly clock: () => Date = () => new Date()) {}

  async record(em: EntityManager, storeId: string, email: string, source: { source: 'merchant' | 'shopify'; topic: string | null }): Promise<{ requestId: string; customerId: string | null }> {
    const normalized = normalizeEmail(email);
    const now = this.clock();
    const exported = await buildCustomerExport(em, storeId, { email: normalized }, now);
    const customerId = exported.profile?.id ?? null;
    const requestId = await new PrivacyRequestsRepository(em).record(storeId, {
      kind: 'data_request',
      source: source.source,
      topic: source.topic,
      customerId,
      emailHash: sha256(normalized),
      summary: { orders: exported.orders.length, messages: exported.messages.length },
      export: exported,
      createdAt: now,
    });
    return { requestId, customerId };
  }
}
