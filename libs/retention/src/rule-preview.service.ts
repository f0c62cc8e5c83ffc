import { normalizeSku, ValidationError } from '@boomerang/domain';
import { renderMessage, TemplateRenderError, type ProductVariables, type TemplateCompiler } from '@boomerang/email';
import { CustomerSchema, type Customer, type EntityManager, type Store } from '@boomerang/persistence';
import { ProductCatalogRepository } from '@boomerang/stores';
import { parseOrThrow, text, uuid } from '@boomerang/validation';
import { formatMoney, fromHeader, retentionRenderContext } from './compose-retention-email.js';
import { RetentionPreviewRepository } from './retention-preview.repository.js';
import { createRuleSchema } from './rules.service.js';

/** A draft rule's message: the same fields and bounds as a rule's, plus whose data renders it. */
export const previewRuleSchema = createRuleSchema
  .pick({ subject: true, bodyHtml: true, bodyText: true, senderName: true, senderEmail: true, skus: true })
  .extend({ name: text(200).optional(), customerId: uuid().optional() })
  .strict();

export interface RulePreview {
  subject: string;
  html: string;
  text: string;
  from: string;
  customer: { id: string | null; email: string; name: string | null; sample: boolean };
}

/** Who a store without customers is shown to. */
const SAMPLE_CUSTOMER = { email: 'sample@example.com', firstName: 'Alex', lastName: 'Sample' };

/**
 * Renders a draft rule's message as the send would (same context, layout, limits and errors), with a real customer's
 * data when the store has one. Its links are inert: the unsubscribe link carries no token, and nothing is tracked.
 */
export class RulePreviewService {
  constructor(
    private readonly templates: TemplateCompiler,
    private readonly publicUrl: string,
  ) {}

  async preview(em: EntityManager, store: Store, body: unknown): Promise<RulePreview> {
    const input = parseOrThrow(previewRuleSchema, body);
    // Syntax, size and unknown variables: the checks a rule's save makes, with their field names.
    this.templates.validate('subject', input.subject);
    this.templates.validate('bodyHtml', input.bodyHtml);
    if (input.bodyText) this.templates.validate('bodyText', input.bodyText);

    const customer = await this.customer(em, store.id, input.customerId);
    const skus = [...new Set(input.skus.map(normalizeSku))];
    const repository = new RetentionPreviewRepository(em);
    const order = customer ? await repository.lastMatchingOrder(store.id, customer.id, skus) : null;
    const products = order ? undefined : await this.standInProducts(em, store, skus);
    const context = retentionRenderContext({
      store,
      ruleName: input.name ?? 'Preview',
      customer: customer ?? SAMPLE_CUSTOMER,
      order,
      lastOrder: order ? { id: order.externalId, placedAt: order.placedAt.toISOString() } : { id: 'PREVIEW', placedAt: new Date().toISOString() },
      // Looks like the real link, but carries no token: nobody is unsubscribed by clicking a preview.
      unsubscribeUrl: `${this.publicUrl}/api/v1/unsubscribe/preview`,
      products,
    });
    let rendered;
    try {
      rendered = renderMessage(this.templates, { subject: input.subject, bodyHtml: input.bodyHtml, bodyText: input.bodyText }, context);
    } catch (err) {
      if (err instanceof TemplateRenderError) throw ValidationError.field(err.field ?? 'bodyHtml', err.message);
      throw err;
    }
    return {
      ...rendered,
      from: fromHeader(input.senderName, input.senderEmail.trim()),
      customer: customer
        ? { id: customer.id, email: customer.email, name: [customer.firstName, customer.lastName].filter(Boolean).join(' ') || null, sample: false }
        : { id: null, email: SAMPLE_CUSTOMER.email, name: `${SAMPLE_CUSTOMER.firstName} ${SAMPLE_CUSTOMER.lastName}`, sample: true },
    };
  }

  /** The given customer (400 naming `customerId` if not the store's), else the most recent one, else none. */
  private async customer(em: EntityManager, storeId: string, customerId: string | undefined): Promise<Customer | null> {
    if (customerId) {
      const customer = await em.findOne(CustomerSchema, { id: customerId, storeId });
      if (!customer) throw ValidationError.field('customerId', 'is not a customer of this store');
      return customer;
    }
    return em.findOne(CustomerSchema, { storeId }, { orderBy: { updatedAt: 'desc', id: 'desc' } });
  }

  /** Without a matching order: the rule's SKUs as the store sold them, or one sample product for a blanket rule. */
  private async standInProducts(em: EntityManager, store: Store, skus: string[]): Promise<ProductVariables[]> {
    if (!skus.length) {
      return [{ sku: 'SAMPLE-1', name: 'Sample product', quantity: 1, price: formatMoney(2500, store.currency), imageUrl: null, url: null, reorderUrl: null }];
    }
    const known = new Map((await new ProductCatalogRepository(em).bySkus(store.id, skus.slice(0, 50))).map((p) => [normalizeSku(p.sku), p]));
    return skus.slice(0, 50).map((sku) => ({ sku: known.get(sku)?.sku ?? sku, name: known.get(sku)?.name ?? sku, quantity: 1, price: '', imageUrl: null, url: null, reorderUrl: null }));
  }
}
