export * from './message-log.service.js';
