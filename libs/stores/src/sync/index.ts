export * from './historical-sync.activities.js';
export * from './historical-sync.service.js';
export * from './sync-progress.js';
export * from './sync-run.repository.js';
export * from './sync.ports.js';
