export { shopifyAdapter } from './shopify.adapter.js';
export { createShopifyClient, SHOPIFY_API_VERSION, type ShopifyClientOptions } from './shopify.client.js';
export { parseShopifyJson } from './shopify-json.js';
export { SHOPIFY_WEBHOOK_TOPICS, type ShopifyWebhookTopic } from './shopify-topics.js';
