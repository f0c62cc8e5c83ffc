import { NotFoundError, normalizeEmail } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { ErasureRepository, type ErasureSummary } from './erasure.repository.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';
import { sha256 } from './secret-token.js';

/** The one intent erasure needs from Temporal (RetentionLifecycle.forgetCustomer). */
export interface WorkflowForgetter {
  forgetCustomer(cmd: { storeId: string; email: string; ruleIds: readonly string[] }): Promise<{ terminated: number; deleted: number }>;
}

export interface ErasureSource {
  source: 'merchant' | 'shopify';
  topic?: string | null;
}

export interface ErasureResult {
  requestId: string;
  customerId: string | null;
  summary: ErasureSummary;
  workflows: { terminated: number; deleted: number };
  erasedAt: Date;
}

/** Customers erased per batch of a whole-shop erasure. */
const SHOP_BATCH = 200;

/**
 * Erasure (issue 14, point 4): the customer's retention workflows end and are deleted from Temporal, then every row
 * that holds their personal data is removed or stripped in one transaction, and a record without personal data is
 * kept. Temporal goes first: when it is unreachable nothing is erased and the caller retries (the merchant's request
 * fails with 503-like errors; a platform's request stays in the inbox and is retried). It is asked again after the
 * commit, in case a purchase signal started a workflow in between.
 */
export class ErasureService {
  constructor(
    private readonly workflows: WorkflowForgetter,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The merchant's "Delete customer". */
  async eraseCustomer(em: EntityManager, storeId: string, customerId: string, source: ErasureSource): Promise<ErasureResult> {
    const customer = await new ErasureRepository(em).find(storeId, customerId);
    if (!customer) throw new NotFoundError('customer', customerId);
    return this.erase(em, storeId, customer.id, customer.email, source);
  }

  /** A platform's request names an address; the customer may be unknown to us (then what may hold the address goes). */
  async eraseByEmail(em: EntityManager, storeId: string, email: string, source: ErasureSource): Promise<ErasureResult> {
    const normalized = normalizeEmail(email);
    const customer = await new ErasureRepository(em).findByEmail(storeId, normalized);
    return this.erase(em, storeId, customer?.id ?? null, normalized, source);
  }

  /** Shopify's shop/redact: every customer of the store, in batches. */
  async eraseShop(em: EntityManager, storeId: string, source: ErasureSource): Promise<{ customers: number }> {
    let customers = 0;
    for (;;) {
      // Erased customers leave the table, so the first batch is always the next one.
      const batch = await new ErasureRepository(em).customerIds(storeId, null, SHOP_BATCH);
      if (!batch.length) break;
      for (const c of batch) await this.erase(em, storeId, c.id, c.email, source, false);
      customers += batch.length;
    }
    await new PrivacyRequestsRepository(em).record(storeId, {
      kind: 'erasure',
      source: source.source,
      topic: source.topic ?? null,
      customerId: null,
      emailHash: null,
      summary: { customers },
      export: null,
      createdAt: this.clock(),
    });
    return { customers };
  }

  private async erase(em: EntityManager, storeId: string, customerId: string | null, email: string, source: ErasureSource, record = true): Promise<ErasureResult> {
    const ruleIds = await new ErasureRepository(em).ruleIds(storeId);
    const workflows = await this.workflows.forgetCustomer({ storeId, email, ruleIds });
    const erasedAt = this.clock();
    const { summary, requestId } = await em.transactional(async (tx) => {
      const summary = await new ErasureRepository(tx).erase(storeId, customerId, email);
      const requestId = record
        ? await new PrivacyRequestsRepository(tx).record(storeId, {
            kind: 'erasure',
            source: source.source,
            topic: source.topic ?? null,
            customerId,
            emailHash: sha256(email),
            summary,
            export: null,
            createdAt: erasedAt,
          })
        : '';
      return { summary, requestId };
    });
    const again = await this.workflows.forgetCustomer({ storeId, email, ruleIds });
    return {
      requestId,
      customerId,
      summary,
      workflows: { terminated: workflows.terminated + again.terminated, deleted: workflows.deleted + again.deleted },
      erasedAt,
    };
  }
}
