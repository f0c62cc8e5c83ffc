import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A store's product as the platform names it, learnt from order lines and syncs (issue 12, point 4). */
export const ProductSchema = defineEntity({
  name: 'Product',
  tableName: 'product',
  uniques: [{ properties: ['storeId', 'externalId'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    externalId: p.string(),
    name: p.text(),
    url: p.text().nullable(),
    imageUrl: p.text().nullable(),
    category: p.text().nullable(),
    tags: p.json<string[]>(),
    manufacturer: p.text().nullable(),
    updatedAt: p.datetime(),
  },
});

export type Product = InferEntity<typeof ProductSchema>;

/** A purchasable variant of a product (the seed counts variants as products). */
export const ProductVariantSchema = defineEntity({
  name: 'ProductVariant',
  tableName: 'product_variant',
  uniques: [{ properties: ['storeId', 'externalId'] }],
  indexes: [{ properties: ['productId'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    productId: p.uuid(),
    externalId: p.string(),
    sku: p.string().nullable(),
    name: p.text().nullable(),
    priceMinor: p.bigint('number').nullable(),
    updatedAt: p.datetime(),
  },
});

export type ProductVariant = InferEntity<typeof ProductVariantSchema>;
