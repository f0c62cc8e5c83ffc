// Client-side surface only: the workflow functions themselves are loaded by path into the worker's bundle.
export * from './retention.contracts.js';
export * from './rule-sync.contracts.js';
export * from './search-attributes.js';
export * from './historical-sync.contracts.js';
export * from './webhook.contracts.js';
export * from './direct-message.contracts.js';
