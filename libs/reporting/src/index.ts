export { LOG_KINDS, type LogKind } from './message-log.repository.js';
export * from './message-log.service.js';
