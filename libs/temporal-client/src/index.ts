export * from './retention-ids.js';
export * from './retention.lifecycle.js';
