import { Controller, Get, Inject, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@boomerang/persistence';
import { ProductCatalogService, productSearchQuerySchema, StoresService, type ProductSearchQuery } from '@boomerang/stores';
import type { Request } from 'express';
import { z } from 'zod';
import { Fails, IdParam, Returns, ValidQuery } from '../common/contract.js';
import { openStore, StoreKeyGuard } from '../common/store-access.js';
import { API_CONFIG } from '../common/tokens.js';
import type { ApiConfig } from '../config.js';

export const productSchema = z
  .object({
    sku: z.string(),
    name: z.string().nullable().meta({ description: 'The name on the latest order line that had one' }),
    orders: z.number().int().meta({ description: 'Orders whose lines hold the SKU' }),
    lastOrderedAt: z.date(),
  })
  .meta({ id: 'Product' });

/** The products picker of a rule: the SKUs the store has sold. */
@ApiTags('products')
@ApiBearerAuth('apiKey')
@UseGuards(StoreKeyGuard)
@Controller('api/v1/stores/:storeId/products')
export class ProductsController {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    @Inject(StoresService) private readonly stores: StoresService,
    @Inject(ProductCatalogService) private readonly catalog: ProductCatalogService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** `q` matches anywhere in the SKU or the name, ignoring case; most-ordered first, `limit` (≤ 50) rows. */
  @Get()
  @Returns(200, z.object({ products: z.array(productSchema) }))
  @Fails(400, 401, 404)
  async search(@Req() req: Request, @IdParam('storeId') storeId: string, @ValidQuery(productSearchQuerySchema) q: ProductSearchQuery) {
    const { em, store } = await openStore(this.orm, this.stores, this.config.adminApiKey, req, storeId);
    const products = await this.catalog.search(em, store.id, q);
    return { products: products.map((p): z.output<typeof productSchema> => ({ sku: p.sku, name: p.name, orders: p.orders, lastOrderedAt: p.lastOrderedAt })) };
  }
}
