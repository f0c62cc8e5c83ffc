export * from './intake.service.js';
export * from './inbox.repository.js';
export * from './inbox-projector.js';
export * from './event-projection.js';
export * from './ordering-key.js';
export * from './order-projection.repository.js';
