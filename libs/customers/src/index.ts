export * from './customer-queries.js';
export * from './customer-stats.js';
export * from './customer-timeline.repository.js';
export * from './customers.repository.js';
export * from './customers.service.js';
export * from './subscription.repository.js';
export * from './subscription.service.js';
