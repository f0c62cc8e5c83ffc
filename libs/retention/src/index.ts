export * from './retention-dispatcher.js';
export * from './retention-intake.service.js';
export * from './retention.activities.js';
export * from './rules.service.js';
export * from './rule-sync.activities.js';
export * from './test-send.activities.js';
export * from './rule-preview.service.js';
export * from './retention-backfill.js';
