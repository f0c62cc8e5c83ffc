export * from './order-map.js';
export * from './order-queries.js';
export * from './order-timeline.repository.js';
export * from './orders.repository.js';
export * from './orders.service.js';
export * from './web-url.js';
