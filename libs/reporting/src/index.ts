export { LOG_KINDS, type LogKind } from './message-log.repository.js';
export * from './message-log.service.js';
export * from './store-dashboard.service.js';
export type { DayVolume, TopSellerRow } from './store-dashboard.repository.js';
