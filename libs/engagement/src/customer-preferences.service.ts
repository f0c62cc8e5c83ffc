import { CustomerSchema, type Customer, type EntityManager } from '@boomerang/persistence';
import { NotFoundError } from '@boomerang/domain';
import type { UnsubscribeTokens } from './unsubscribe-token.js';

export interface PreferenceOutcome {
  email: string;
  storeId: string;
  subscribed: boolean;
}

/** Unsubscribe and resubscribe through the signed link in every marketing message: no login, no cookies. */
export class CustomerPreferencesService {
  constructor(
    private readonly tokens: UnsubscribeTokens,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Idempotent: a second click keeps the first unsubscribe time. */
  async unsubscribe(em: EntityManager, token: string): Promise<PreferenceOutcome> {
    const customer = await this.customer(em, token);
    if (!customer.unsubscribedAt) {
      customer.unsubscribedAt = this.clock();
      customer.updatedAt = this.clock();
      await em.flush();
    }
    return { email: customer.email, storeId: customer.storeId, subscribed: false };
  }

  /** Undoes an unsubscribe from the confirmation page; pressing the button is an explicit opt-in. */
  async resubscribe(em: EntityManager, token: string): Promise<PreferenceOutcome> {
    const customer = await this.customer(em, token);
    if (customer.unsubscribedAt || !customer.optedIn) {
      customer.unsubscribedAt = null;
      customer.optedIn = true;
      customer.updatedAt = this.clock();
      await em.flush();
    }
    return { email: customer.email, storeId: customer.storeId, subscribed: true };
  }

  private async customer(em: EntityManager, token: string): Promise<Customer> {
    const { storeId, customerId } = this.tokens.verify(token);
    const customer = await em.findOne(CustomerSchema, { id: customerId, storeId });
    if (!customer) throw new NotFoundError('customer', customerId);
    return customer;
  }
}
