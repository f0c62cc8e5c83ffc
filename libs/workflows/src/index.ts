// Client-side surface only: the workflow function itself is loaded by path into the worker's bundle.
export * from './retention.contracts.js';
export * from './search-attributes.js';
export const WORKFLOWS_ENTRY = 'workflows.js';
