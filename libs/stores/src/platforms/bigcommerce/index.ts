export { bigcommerceAdapter, BIGCOMMERCE_SECRET_HEADER } from './bigcommerce.adapter.js';
export { createBigcommerceClient, BIGCOMMERCE_WEBHOOK_SCOPES } from './bigcommerce.client.js';
