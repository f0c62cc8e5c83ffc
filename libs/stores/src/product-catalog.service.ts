import type { EntityManager } from '@boomerang/persistence';
import { text } from '@boomerang/validation';
import { z } from 'zod';
import { ProductCatalogRepository, type ProductSummary } from './product-catalog.repository.js';

/** `q` (a substring of the SKU or name, at most 100 characters) and `limit` (1..50, default 20). */
export const productSearchQuerySchema = z.object({
  q: text(100, { min: 0 }).optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 50' })
    .int('must be a whole number from 1 to 50')
    .min(1, 'must be a whole number from 1 to 50')
    .max(50, 'must be a whole number from 1 to 50')
    .default(20),
});

export type ProductSearchQuery = z.output<typeof productSearchQuerySchema>;

/** The products picker of a rule: what the store has sold, searchable by SKU or name. */
export class ProductCatalogService {
  search(em: EntityManager, storeId: string, query: ProductSearchQuery): Promise<ProductSummary[]> {
    return new ProductCatalogRepository(em).search(storeId, query.q || undefined, query.limit);
  }
}
