export * from './customer.js';
export * from './duration.js';
export * from './errors.js';
export * from './order.js';
export * from './rule.js';
export * from './sending-hours.js';
export * from './money.js';
export * from './commerce.js';
