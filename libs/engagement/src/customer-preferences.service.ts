import { SubscriptionService } from '@boomerang/customers';
import { CustomerSchema, type EntityManager } from '@boomerang/persistence';
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
    private readonly subscriptions: SubscriptionService = new SubscriptionService(clock),
  ) {}

  /** Idempotent: a second click keeps the first unsubscribe time and adds nothing to the history. */
  async unsubscribe(em: EntityManager, token: string): Promise<PreferenceOutcome> {
    return this.change(em, token, false);
  }

  /** Undoes an unsubscribe from the confirmation page; pressing the button is an explicit opt-in. */
  async resubscribe(em: EntityManager, token: string): Promise<PreferenceOutcome> {
    return this.change(em, token, true);
  }

  private async change(em: EntityManager, token: string, subscribed: boolean): Promise<PreferenceOutcome> {
    const { storeId, customerId } = this.tokens.verify(token);
    const customer = await em.findOne(CustomerSchema, { id: customerId, storeId });
    if (!customer) throw new NotFoundError('customer', customerId);
    await this.subscriptions.change(em, { storeId, customerId, subscribed, source: 'unsubscribe_link', optedIn: subscribed ? true : undefined });
    return { email: customer.email, storeId, subscribed };
  }
}
