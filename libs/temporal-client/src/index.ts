export * from './retention-ids.js';
export * from './retention.lifecycle.js';
export * from './temporal-errors.js';
export * from './historical-sync.lifecycle.js';
export * from './webhook-delivery.lifecycle.js';
