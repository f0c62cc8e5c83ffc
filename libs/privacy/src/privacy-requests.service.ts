import { NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { z } from 'zod';
import { parseOrThrow } from '@boomerang/validation';
import { CustomerDataRepository } from './customer-data.repository.js';
import { PrivacyRequestsRepository, type PrivacyRequestRow } from './privacy-requests.repository.js';
import { ProfileLinkRepository, type SentLink } from './profile-link.repository.js';

export const privacyRequestsQuerySchema = z.object({ customerId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

export interface CustomerPrivacyOverview {
  customer: { id: string; email: string; firstName: string | null; lastName: string | null };
  profileLinks: SentLink[];
  requests: PrivacyRequestRow[];
}

/** What the merchant reads about GDPR requests: the trail, stored exports, a customer's privacy overview. */
export class PrivacyRequestsService {
  async list(em: EntityManager, storeId: string, query: unknown): Promise<PrivacyRequestRow[]> {
    const q = parseOrThrow(privacyRequestsQuerySchema, query ?? {});
    return new PrivacyRequestsRepository(em).list(storeId, { customerId: q.customerId }, q.limit);
  }

  /** A data request's stored export; 404 when there is none (another kind, or erased since). */
  async export(em: EntityManager, storeId: string, requestId: string): Promise<Record<string, unknown>> {
    const exported = await new PrivacyRequestsRepository(em).exportOf(storeId, requestId);
    if (!exported) throw new NotFoundError('data request export', requestId);
    return exported;
  }

  async customerOverview(em: EntityManager, storeId: string, customerId: string): Promise<CustomerPrivacyOverview> {
    const profile = await new CustomerDataRepository(em).profile(storeId, customerId);
    if (!profile) throw new NotFoundError('customer', customerId);
    return {
      customer: { id: profile.id, email: profile.email, firstName: profile.firstName, lastName: profile.lastName },
      profileLinks: await new ProfileLinkRepository(em).listSent(storeId, customerId),
      requests: await new PrivacyRequestsRepository(em).list(storeId, { customerId }, 50),
    };
  }
}
