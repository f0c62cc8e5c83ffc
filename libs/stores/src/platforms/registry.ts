import type { Platform } from '@boomerang/domain';
import { bigcommerceAdapter, createBigcommerceClient } from './bigcommerce/index.js';
import { customAdapter } from './custom/index.js';
import type { PlatformAdapter, PlatformClientFactory } from './platform.port.js';
import { createShopifyClient, shopifyAdapter } from './shopify/index.js';
import { createWoocommerceClient, woocommerceAdapter } from './woocommerce/index.js';

export const platformAdapters: Readonly<Record<Platform, PlatformAdapter>> = {
  shopify: shopifyAdapter,
  woocommerce: woocommerceAdapter,
  bigcommerce: bigcommerceAdapter,
  custom: customAdapter,
};

export const platformClients: Readonly<Record<Exclude<Platform, 'custom'>, PlatformClientFactory>> = {
  shopify: createShopifyClient,
  woocommerce: createWoocommerceClient,
  bigcommerce: createBigcommerceClient,
};
