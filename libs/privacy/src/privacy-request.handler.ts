import type { PrivacyTopic } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import type { DataRequestService } from './data-request.service.js';
import type { ErasureService } from './erasure.service.js';

/**
 * The platforms' privacy webhooks (Shopify's mandatory `customers/redact`, `shop/redact`, `customers/data_request`),
 * as the intake's projector hands them over: run in the projection's transaction, so a failure (Temporal
 * unreachable) leaves the event in the inbox to be retried, and the answer is recorded as the event's result.
 */
export class PrivacyRequestHandler {
  constructor(
    private readonly erasure: ErasureService,
    private readonly dataRequests: DataRequestService,
  ) {}

  async handle(em: EntityManager, storeId: string, request: { topic: PrivacyTopic; customerEmail: string | null }): Promise<Record<string, unknown>> {
    const source = { source: 'shopify' as const, topic: request.topic };
    switch (request.topic) {
      case 'customers/redact': {
        if (!request.customerEmail) return { kind: 'privacy', topic: request.topic, handled: false, reason: 'no customer email' };
        const erased = await this.erasure.eraseByEmail(em, storeId, request.customerEmail, source);
        return { kind: 'privacy', topic: request.topic, handled: true, requestId: erased.requestId, customerId: erased.customerId };
      }
      case 'shop/redact': {
        const { customers } = await this.erasure.eraseShop(em, storeId, source);
        return { kind: 'privacy', topic: request.topic, handled: true, customers };
      }
      case 'customers/data_request': {
        if (!request.customerEmail) return { kind: 'privacy', topic: request.topic, handled: false, reason: 'no customer email' };
        const recorded = await this.dataRequests.record(em, storeId, request.customerEmail, source);
        return { kind: 'privacy', topic: request.topic, handled: true, ...recorded };
      }
    }
  }
}
