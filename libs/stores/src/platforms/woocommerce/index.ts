export { woocommerceAdapter, signWooBody } from './woocommerce.adapter.js';
export { createWoocommerceClient, WOO_WEBHOOK_TOPICS } from './woocommerce.client.js';
