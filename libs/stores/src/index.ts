export * from './order-ingestion.service.js';
export * from './order-payload.js';
export * from './stores.service.js';
export * from './webhook-signature.js';
export * from './can-spam.js';
