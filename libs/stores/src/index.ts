export * from './order-payload.js';
export * from './stores.service.js';
export * from './webhook-signature.js';
export * from './can-spam.js';
export * from './product-catalog.repository.js';
export * from './product-catalog.service.js';
export * from './store-logo.repository.js';
export * from './store-logo.service.js';
export * from './platforms/platform.port.js';
export * from './platforms/registry.js';
// Shopify bodies must be parsed with this (ids beyond 2^53 kept exact) before platformAdapters.shopify.normalize.
export { parseShopifyJson, SHOPIFY_WEBHOOK_TOPICS } from './platforms/shopify/index.js';
export * from './connections/index.js';
export * from './sync/index.js';
export { customAdapter, normalizeGenericOrder, DELIVERY_HEADER, CUSTOM_ORDER_TOPIC } from './platforms/custom/index.js';
