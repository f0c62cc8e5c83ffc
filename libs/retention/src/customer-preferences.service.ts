import { CustomerSchema, type EntityManager } from '@boomerang/persistence';
import { NotFoundError } from '@boomerang/domain';
import type { UnsubscribeTokens } from './unsubscribe-token.js';

export class CustomerPreferencesService {
  constructor(private readonly tokens: UnsubscribeTokens) {}

  /** One request, no login: the signed token names the store and the customer. */
  async unsubscribe(em: EntityManager, token: string): Promise<{ email: string }> {
    const { storeId, customerId } = this.tokens.verify(token);
    const customer = await em.findOne(CustomerSchema, { id: customerId, storeId });
    if (!customer) throw new NotFoundError('customer', customerId);
    if (!customer.unsubscribedAt) {
      customer.unsubscribedAt = new Date();
      await em.flush();
    }
    return { email: customer.email };
  }
}
