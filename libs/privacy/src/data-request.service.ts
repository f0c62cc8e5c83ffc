import { NotFoundError, normalizeEmail } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { CustomerDataRepository } from './customer-data.repository.js';
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

  /** The merchant's "Export data" on a customer (a request received by email, say): recorded like a platform's. */
  async recordForCustomer(em: EntityManager, storeId: string, customerId: string): Promise<{ requestId: string; customerId: string | null }> {
    const profile = await new CustomerDataRepository(em).profile(storeId, customerId);
    if (!profile) throw new NotFoundError('customer', customerId);
    return this.record(em, storeId, profile.email, { source: 'merchant', topic: null });
  }

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
