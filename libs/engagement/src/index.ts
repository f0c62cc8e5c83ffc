export * from './customer-preferences.service.js';
export * from './email-events.service.js';
export * from './tracking-token.js';
export * from './unsubscribe-token.js';
