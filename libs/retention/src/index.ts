export * from './customer-preferences.service.js';
export * from './message-log.service.js';
export * from './retention-dispatcher.js';
export * from './retention-intake.service.js';
export * from './retention.activities.js';
export * from './rules.service.js';
export * from './unsubscribe-token.js';
export * from './retention-worker.js';
